#!/usr/bin/env python3
"""Rewrites the README blocks that show README command (1)'s real output
(<!-- demo-output --> and <!-- demo-report -->) from a fresh run of the built binary.
tests/cli/readme_test.cc fails when they drift; run this, then review the diff.

Usage: python3 scripts/update_readme_example.py   (after bash scripts/build.sh)
"""
import os
import re
import subprocess
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
demo = open("scripts/demo.sh", encoding="utf-8").read()
command = re.search(r"^(\./build/perfgate check .*?) \|\|", demo, re.M).group(1).split()
with tempfile.TemporaryDirectory() as scratch:
    # Same arguments, but reports go to a scratch dir; the printed paths are then fixed up.
    args = [a if not a.startswith("perfgate-report.") else os.path.join(scratch, a) for a in command]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    output = run.stdout.replace(scratch + "/", "")
    report = open(os.path.join(scratch, "perfgate-report.md"), encoding="utf-8").read()

readme = open("README.md", encoding="utf-8").read()
for name, body in (("demo-output", "```text\n" + output + "```\n"), ("demo-report", report)):
    pattern = re.compile(r"(<!-- %s -->\n).*?(<!-- /%s -->)" % (name, name), re.S)
    assert pattern.search(readme), "README.md lacks the block " + name
    readme = pattern.sub(lambda m: m.group(1) + body + m.group(2), readme)
open("README.md", "w", encoding="utf-8").write(readme)
