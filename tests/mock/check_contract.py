"""The contract test: every answer mockcxone gives during the mock's tests and
the scenario library, read from its journal, is held to the OpenAPI file of
its profile (mockcxone/openapi.yaml for the seed's API,
mockcxone/cxone-openapi.yaml for the cxone profile).

    check_contract.py BUILD_DIR SOURCE_DIR TEST_PROGRAM...

runs each test program (tests/mock/test_*) with CX_JOURNAL_DIR set, so each
fixture leaves its server's journal there, and the scenario library under
both profiles with --audit-dir (which keeps each run's journal); then checks
every journal entry:

- its path is one of the spec's paths, or the answer is 404 with an error
  body (an unknown path), and its method is one of the path's (HEAD counts
  as GET), or the answer is 405 with Allow;
- its status is declared for that operation;
- its body, when the declared response has a JSON schema, matches it
  (HEAD has no body; the body of an answer a fault rule shaped is the
  rule's, so only its status is held to the spec);
- the JSON request body of a PATCH or PUT that the server accepted (2xx)
  matches the operation's request schema, and one it refused with 422 does
  not: the spec allows exactly what the server accepts.

The seed spec's limits are the server's default engine bounds; a scenario's
"constraints" raise the mock's bound on maxConcurrentCalls for its run, so
its journal is held to the spec with that bound.

Answers that were resets (no answer) and the webhook sink (/__webhook/*, a
test tool, not an API) are counted apart. Any mismatch fails the test.
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import yaml

build, source, programs = sys.argv[1], sys.argv[2], sys.argv[3:]
specs = {
    "seed": yaml.safe_load(open(os.path.join(source, "mockcxone/openapi.yaml"))),
    "cxone": yaml.safe_load(open(os.path.join(source, "mockcxone/cxone-openapi.yaml"))),
}
problems = []
counts = {"checked": 0, "bodies": 0, "requests": 0, "faulted": 0, "resets": 0, "sink": 0,
          "unknown_path": 0, "wrong_method": 0}


def validator(spec, schema):
    """A draft-4 validator (OpenAPI 3.0's schema dialect) whose root holds
    the spec's components, so "#/components/..." references resolve."""
    root = dict(schema)
    root["components"] = spec.get("components", {})
    return jsonschema.Draft4Validator(root)


def deref(spec, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def match_path(spec, path):
    segs = path.strip("/").split("/")
    for template in spec["paths"]:
        t = template.strip("/").split("/")
        if len(t) == len(segs) and all(a.startswith("{") or a == b for a, b in zip(t, segs)):
            return template
    return None


def fail(where, e, what):
    problems.append(f"{where}: {e['method']} {e['path']} -> {e['status']}: {what}")


def with_scenario_bounds(name):
    """The seed spec as it holds for a scenario's server (see above)."""
    path = os.path.join(source, "scenarios", name + ".json")
    limit = json.load(open(path)).get("constraints", {}).get("maxConcurrentCalls")
    if limit is None:
        return specs["seed"]
    spec = copy.deepcopy(specs["seed"])
    schemas = spec["components"]["schemas"]
    schemas["PredictiveDialer"]["properties"]["maxConcurrentCalls"]["maximum"] = limit
    schemas["CampaignPatch"]["properties"]["predictiveDialer"]["properties"][
        "maxConcurrentCalls"]["maximum"] = limit
    return spec


def scenario_of(journal_file):
    """NAME of NAME-POLICY-SEED.journal.json (NAME may hold dashes)."""
    names = [os.path.basename(f)[:-5] for f in glob.glob(os.path.join(source, "scenarios", "*.json"))]
    base = os.path.basename(journal_file)
    return max((n for n in names if base.startswith(n + "-")), key=len, default=None)


def check(profile, where, e, spec=None):
    spec = spec or specs[profile]
    path = e["path"].split("?")[0]
    if e["status"] == "reset":
        counts["resets"] += 1
        return
    if path.startswith("/__webhook/"):
        counts["sink"] += 1
        return
    counts["checked"] += 1
    resp = e.get("response") or {}
    body = resp.get("body")
    template = match_path(spec, path)
    if template is None:
        counts["unknown_path"] += 1
        if e["status"] != 404 or not isinstance(body, dict) or "message" not in body:
            fail(where, e, "an unknown path must be 404 with an error body")
        return
    item = spec["paths"][template]
    method = "get" if e["method"] == "HEAD" else e["method"].lower()
    op = item.get(method)
    if op is None:
        counts["wrong_method"] += 1
        if e["status"] != 405 or "Allow" not in resp.get("headers", {}):
            fail(where, e, f"{e['method']} is not an operation of {template}: must be 405 with Allow")
        return
    declared = op.get("responses", {})
    r = declared.get(str(e["status"])) or declared.get("default")
    if r is None:
        fail(where, e, f"status not declared for {method.upper()} {template}")
        return
    if e.get("fault"):
        counts["faulted"] += 1
    elif e["method"] != "HEAD":
        r = deref(spec, r)
        content = r.get("content", {})
        ctype = resp.get("headers", {}).get("Content-Type", "").split(";")[0]
        if content and ctype not in content:
            fail(where, e, f"Content-Type {ctype} not declared (declared: {', '.join(content)})")
        elif ctype in content and "schema" in content[ctype]:
            counts["bodies"] += 1
            for err in validator(spec, content[ctype]["schema"]).iter_errors(body):
                loc = ".".join(str(p) for p in err.path) or "(top)"
                fail(where, e, f"body {loc}: {err.message}")
    rb = deref(spec, op.get("requestBody", {})).get("content", {}).get("application/json")
    if rb and not e.get("fault") and isinstance(e.get("body"), str) and (
            200 <= e["status"] < 300 or e["status"] == 422):
        try:
            sent = json.loads(e["body"])
        except ValueError:
            return
        counts["requests"] += 1
        ok = validator(spec, rb["schema"]).is_valid(sent)
        if 200 <= e["status"] < 300 and not ok:
            fail(where, e, f"the server accepted a body the spec refuses: {e['body'][:200]}")
        if e["status"] == 422 and ok:
            fail(where, e, f"the spec allows a body the server refused: {e['body'][:200]}")


def main():
    for s in specs.values():
        jsonschema.Draft4Validator.check_schema({"components": s.get("components", {})})
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CX_JOURNAL_DIR=tmp)
        for prog in programs:
            rc = subprocess.run([prog], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            if rc != 0:
                problems.append(f"{prog} failed (exit {rc}): its own test reports why")
        cxopt = os.path.join(build, "optimizer/cxopt")
        for profile in ("seed", "cxone"):
            d = os.path.join(tmp, "scenarios-" + profile)
            os.mkdir(d)
            rc = subprocess.run([cxopt, "run", os.path.join(source, "scenarios"), "--profile",
                                 profile, "--jobs", "2", "--audit-dir", d],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            if rc not in (0, 1):  # 1: an expectation failed; the scenario tests judge that
                problems.append(f"cxopt run --profile {profile} failed (exit {rc})")
            files = glob.glob(os.path.join(d, "*.journal.json"))
            if not files:
                problems.append(f"the scenario library ({profile}) left no journal")
            for f in files:
                doc = json.load(open(f, encoding="utf-8"))
                entries = doc if isinstance(doc, list) else doc.get("journal", doc.get("entries", []))
                name = scenario_of(f)
                spec = with_scenario_bounds(name) if profile == "seed" and name else None
                for e in entries:
                    check(profile, os.path.basename(f), e, spec)
        kept = glob.glob(os.path.join(tmp, "*.json"))
        if programs and not kept:
            problems.append("the test programs left no journal (CX_JOURNAL_DIR ignored?)")
        for f in kept:
            profile = "cxone" if f.endswith("-cxone.json") else "seed"
            for e in json.load(open(f, encoding="utf-8")):
                check(profile, os.path.basename(f), e)
    for p in problems[:200]:
        print(p)
    print(f"{counts['checked']} answers checked ({counts['bodies']} bodies, "
          f"{counts['requests']} request bodies, {counts['faulted']} shaped by faults, "
          f"{counts['unknown_path']} unknown paths, {counts['wrong_method']} other methods); "
          f"{counts['resets']} resets and {counts['sink']} webhook deliveries not checked; "
          f"{len(problems)} problems")
    return 1 if problems or counts["checked"] == 0 else 0


sys.exit(main())
