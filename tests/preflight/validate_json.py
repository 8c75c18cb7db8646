#!/usr/bin/env python3
"""Validates jianbao preflight --json output against report.schema.json.

    validate_json.py SCHEMA REPORT.json...

Standard library only (the jsonschema module may not be installed): implements the
keywords the schema uses (type, const, enum, required, properties,
additionalProperties, items, minItems, maxItems, minimum, minLength, pattern), then
checks what a schema cannot say: the counts agree with the findings, page ranges
ascend. Prints each problem and exits 1 if there is any.
"""
import json
import re
import sys

TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
}


def type_ok(value, name):
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value, schema, path, errors):
    t = schema.get("type")
    if t is not None:
        names = t if isinstance(t, list) else [t]
        if not any(type_ok(value, n) for n in names):
            errors.append("%s: %r is not of type %s" % (path, value, t))
            return
    if "const" in schema and value != schema["const"]:
        errors.append("%s: %r is not %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        errors.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append("%s: too short" % path)
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append("%s: %r is below %r" % (path, value, schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append("%s: %s is missing" % (path, key))
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                validate(v, props[key], path + "." + key, errors)
            elif schema.get("additionalProperties") is False:
                errors.append("%s: %s is not in the schema" % (path, key))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append("%s: fewer than %d items" % (path, schema["minItems"]))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append("%s: more than %d items" % (path, schema["maxItems"]))
        if "items" in schema:
            for i, v in enumerate(value):
                validate(v, schema["items"], "%s[%d]" % (path, i), errors)


def consistent(report, errors):
    """What the schema cannot say."""
    f = report["findings"]
    if report["failures"] != sum(x["severity"] == "failure" for x in f):
        errors.append("failures does not count the failure findings")
    if report["warnings"] != sum(x["severity"] == "warning" for x in f):
        errors.append("warnings does not count the warning findings")
    if report["passed"] != (report["error"] is None and report["failures"] == 0):
        errors.append("passed disagrees with error and failures")
    for x in f:
        last = 0
        for first, end in x["pages"]:
            if not (last < first <= end <= max(report["pages"], 1)):
                errors.append("%s: page range %d-%d out of order" % (x["check"], first, end))
            last = end
        if x["pages"] and x["count"] != sum(e - s + 1 for s, e in x["pages"]):
            errors.append("%s: count is not the number of pages" % x["check"])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = 0
    for name in sys.argv[2:]:
        errors = []
        try:
            report = json.load(open(name, encoding="utf-8"))
        except ValueError as e:
            errors.append("not JSON: %s" % e)
        else:
            validate(report, schema, "$", errors)
            if not errors:
                consistent(report, errors)
        for e in errors:
            print("%s: %s" % (name, e))
        bad += bool(errors)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
