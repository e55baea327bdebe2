#!/usr/bin/env python3
"""Rewrites the blocks of the README and docs/ that show perfgate's real output, from the
built binary: README command (1)'s output (README.md, <!-- demo-output -->), the Markdown
report it writes (docs/reports.md, <!-- demo-report -->), and every command's --help
(docs/commands.md, <!-- help:COMMAND -->). tests/cli/readme_test.cc fails when they drift;
run this, then review the diff.

Usage: python3 scripts/update_docs.py   (after bash scripts/build.sh)
"""
import os
import re
import subprocess
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
binary = "./build/perfgate"


def replace_block(path, name, body):
    text = open(path, encoding="utf-8").read()
    pattern = re.compile(r"(<!-- %s -->\n).*?(<!-- /%s -->)" % (re.escape(name), re.escape(name)), re.S)
    assert pattern.search(text), path + " lacks the block " + name
    text = pattern.sub(lambda m: m.group(1) + body + m.group(2), text)
    open(path, "w", encoding="utf-8").write(text)


demo = open("scripts/demo.sh", encoding="utf-8").read()
command = re.search(r"^(\./build/perfgate check .*?) \|\|", demo, re.M).group(1).split()
with tempfile.TemporaryDirectory() as scratch:
    # Same arguments, but reports go to a scratch dir; the printed paths are then fixed up.
    args = [a if not a.startswith("perfgate-report.") else os.path.join(scratch, a) for a in command]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    output = run.stdout.replace(scratch + "/", "")
    report = open(os.path.join(scratch, "perfgate-report.md"), encoding="utf-8").read()
replace_block("README.md", "demo-output", "```text\n" + output + "```\n")
replace_block("docs/reports.md", "demo-report", report)

usage = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True).stdout
commands = re.findall(r"^  ([a-z]+)  ", usage.split("Commands:\n", 1)[1], re.M)
replace_block("docs/commands.md", "help", "```text\n" + usage + "```\n")
for name in commands:
    help_text = subprocess.run([binary, name, "--help"], capture_output=True, text=True, check=True).stdout
    replace_block("docs/commands.md", "help:" + name, "```text\n" + help_text + "```\n")
