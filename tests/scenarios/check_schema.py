"""Validates scenario files against scenarios/schema.json (JSON Schema 2020-12),
and checks that the schema refuses a few files the C parser refuses too."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
    for e in errors:
        print(f"{path}: {'.'.join(str(p) for p in e.path) or '(top)'}: {e.message}")
        bad += 1
refused = [
    {"name": "x", "campaign": {"agents": 5, "liveAnswerProbability": 0.5}, "cycles": {"period": 60}},
    {"name": "x", "campaign": {"agents": 5, "liveAnswerProbability": 1.5}, "cycles": {"period": 60, "count": 1}},
    {"name": "x", "campaign": {"agents": 5, "liveAnswerProbability": 0.5}, "cycles": {"period": 60, "count": 1},
     "policy": "greedy"},
    {"name": "x", "campaign": {"agents": 5, "liveAnswerProbability": 0.5}, "cycles": {"period": 60, "count": 1},
     "expect": {"maxAbandon": 0.03}},
]
for doc in refused:
    if validator.is_valid(doc):
        print(f"the schema accepts an invalid scenario: {json.dumps(doc)}")
        bad += 1
print(f"{len(sys.argv) - 2} scenarios checked, {bad} problems")
sys.exit(1 if bad else 0)
