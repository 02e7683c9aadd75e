#!/usr/bin/env python3
"""check_adaptive_limit.py BUILD SRC [SEEDS] - the library's claim (issue 13):
the adaptive policy never lets a regulatory window pass the limit, on any
scenario of scenarios/, over SEEDS (5) seeds.

Each scenario runs under `cxopt compare --policies adaptive --seeds SEEDS
--json` (two scenarios at a time); every run's worst window (the truth, as a
regulator counts it: AMD false positives included, over the cycles whose
window holds the scenario's windowMinLiveAnswers) must be a number at most
the scenario's regulation.limit (3% unless it says), and the run must have
counted live answers. So that the check cannot pass vacuously, the same
check must flag VICIdial's own dialer on amd-false-positives, which crosses
3% there on every seed. Failures name the scenario, the seed and the rate.

Beside the first SEEDS seeds, the hard cases of the 20-seed table
(bench/policies/run.sh) run too: the seeds whose AMD false positives ran
near three standard errors over their rate in the first hours, where a
window passed 3% before the budget kept the next period's noise in hand
(HARD below)."""
import json
import math
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

BUILD, SRC = sys.argv[1], sys.argv[2]
SEEDS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
CXOPT = os.path.join(BUILD, "optimizer", "cxopt")
LIB = os.path.join(SRC, "scenarios")
# (scenario, seed): adaptive reached 3.02% on baseline-20, seed 20 (false
# positives at 1.9% of the first 630 live answers, for 0.5%), and the oracle
# 3.27% on amd-false-positives, seed 22 (2.8% over five hours, for 2%)
HARD = (("baseline-20.json", 20), ("amd-false-positives.json", 22))


def limit_of(path):
    with open(path) as f:
        d = json.load(f)
    return d.get("regulation", {}).get("limit", 0.03)


def crossings(path, policy, seeds):
    """The runs of `policy` on `path` whose worst window passed the limit or
    has no verdict, as readable lines; and how many runs there were."""
    p = subprocess.run([CXOPT, "compare", path, "--policies", policy, "--seeds", str(seeds),
                        "--json", "--quiet"], capture_output=True, text=True)
    name = os.path.basename(path)
    try:
        runs = json.loads(p.stdout)
    except ValueError:
        return ["%s: cxopt compare exited %d with no JSON: %s" % (name, p.returncode,
                                                                  p.stderr.strip())], 0
    lim = limit_of(path)
    bad = []
    for r in runs:
        w = r.get("maxWindowAbandonRate")
        if not isinstance(w, (int, float)) or math.isnan(w) or not r.get("liveAnswers"):
            bad.append("%s seed %s (%s): no window verdict" % (name, r.get("seed"), policy))
        elif w > lim:
            bad.append("%s seed %s (%s): worst window %.2f%%, over the %.2f%% limit" %
                       (name, r["seed"], policy, 100 * w, 100 * lim))
    if len(runs) != seeds:
        bad.append("%s: %d runs of %s, expected %d" % (name, len(runs), policy, seeds))
    return bad, len(runs)


def hard_case(name, seed, tmp):
    """The run of adaptive on scenario `name` with the scenario's own seed
    replaced by `seed` (cxopt compare's first seed is the scenario's)."""
    with open(os.path.join(LIB, name)) as f:
        d = json.load(f)
    d["seed"] = seed
    d.pop("$schema", None)
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump(d, f)
    return crossings(path, "adaptive", 1)


def main():
    files = sorted(os.path.join(LIB, f) for f in os.listdir(LIB)
                   if f.endswith(".json") and f != "schema.json")
    if len(files) < 16:
        print("only %d scenarios in %s: the library lost some" % (len(files), LIB))
        return 1
    with ThreadPoolExecutor(max_workers=2) as ex, tempfile.TemporaryDirectory() as tmp:
        results = list(ex.map(lambda f: crossings(f, "adaptive", SEEDS), files))
        results += list(ex.map(lambda h: hard_case(h[0], h[1], tmp), HARD))
    failures = [line for bad, _ in results for line in bad]
    runs = sum(n for _, n in results)
    # the check can fail: VICIdial's dialer crosses 3% on amd-false-positives
    control, n = crossings(os.path.join(LIB, "amd-false-positives.json"), "vicidial", 2)
    if n != 2 or not any("over the" in line for line in control):
        failures.append("the check flags nothing for VICIdial on amd-false-positives, "
                        "which crosses 3%% on every seed: it is vacuous (%s)" % control)
    for line in failures:
        print("FAIL " + line)
    print("%d scenarios x %d seeds and %d hard cases: %d adaptive runs, %d over the limit or "
          "without a verdict" % (len(files), SEEDS, len(HARD), runs,
                                 len([f for f in failures if "(adaptive)" in f])))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
