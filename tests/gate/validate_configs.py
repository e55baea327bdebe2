#!/usr/bin/env python3
"""Validates YAML configs against docs/thresholds.schema.json, as an editor would.

    validate_configs.py SCHEMA FILE...

Prints one line per file, "valid FILE" or "invalid FILE: what", and exits 0; exit 1 only
when a file cannot be read. YAML is read as YAML 1.2 reads it (as yaml-language-server
does): a date such as 2027-01-31 stays a string. Needs Debian's python3-yaml and
python3-jsonschema (scripts/setup.sh --test).
"""
import json
import sys

import jsonschema
import yaml


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader without YAML 1.1's timestamps (and yes/no booleans)."""


for first, resolvers in list(Yaml12Loader.yaml_implicit_resolvers.items()):
    Yaml12Loader.yaml_implicit_resolvers[first] = [
        (tag, regexp) for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|false)$"), list("tf"))


def main(schema_path, paths):
    with open(schema_path, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for path in paths:
        with open(path, encoding="utf-8") as config_file:
            try:
                config = yaml.load(config_file, Loader=Yaml12Loader)
            except yaml.YAMLError as error:
                print(f"invalid {path}: not YAML: {error}".replace("\n", " "))
                continue
        errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(part) for part in errors[0].absolute_path)
            print(f"invalid {path}: {where}: {errors[0].message}".replace("\n", " "))
        else:
            print(f"valid {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
