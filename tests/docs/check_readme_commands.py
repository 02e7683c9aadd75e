#!/usr/bin/env python3
"""check_readme_commands.py BUILD SRC: the READMEs' commands run as written.

Every ```sh block of the READMEs below is listed in BLOCKS, keyed by its first
line, with what this test does with it: "run" (it must exit 0), or "skip"
with the reason. A block that is not listed fails the test, so a new command
in a README gets a decision. The blocks run, in order per file, with bash -e
in a scratch directory that looks like a fresh clone after ./dev run: the
repository's folders are linked in, and build/ is BUILD. Two things are
adjusted, and only these:
  - the fixed port 8080 becomes a free port (other programs may hold 8080),
    in the blocks and in the examples/*.env files they source;
  - after a line that starts mockcxone in the background, the block waits
    until it listens, as a person typing the next line would; a block marked
    "mock" gets a mock (seed API) started first, since its README says one
    is running; in a block marked "servers" each line starts a server in the
    foreground, which must say it is listening, and is stopped after 3 s.
The JSON examples the READMEs show whole must be the files shipped beside
them (SAME_AS), so the two cannot drift.
HOME is the scratch directory, so the audit log's default path is too.
Background servers are stopped when their block ends."""
import os
import re
import socket
import subprocess
import sys
import tempfile

READMES = ["README.md", "sim/README.md", "mockcxone/README.md", "optimizer/README.md"]

# (file, first line of the block) -> ("run" | "mock" | "servers" | "skip", why)
BLOCKS = {
    ("README.md", "# one recorder per host: the token endpoint's and the API's"):
        ("skip", "records a real tenant on CXone's hosts; tests/mock/test_mock_session.c makes "
                 "the same round trip offline (record through a mock, replay, same outcomes)"),
    ("mockcxone/README.md", "# record: every request proxied to UPSTREAM (libcurl), each "
                            "exchange kept"):
        ("skip", "proxies to a real tenant; tests/mock/test_mock_session.c records and replays "
                 "a mock"),
    ("README.md", "./dev run     # install what is missing, build, run the scenario library, "
                  "print the outcome table"):
        ("skip", "builds and runs everything: what ./dev does around this very test"),
    ("README.md", "# what-if: what occupancy does each abandon-rate setting buy? (the dialer"):
        ("run", "the sweep, the mock, show, dry-run, apply, ramp, run, compare"),
    ("README.md", "build/mockcxone/mockcxone --profile cxone --port 8080 &"):
        ("run", "the cxone profile against the mock, from examples/cxone-mock.env"),
    ("README.md", "build/optimizer/cxopt run scenarios --report report --quiet    # then open "
                  "report/index.html"):
        ("run", "the HTML reports of run and compare"),
    ("README.md", "mpirun -n 8 build/sim/dialsim sweep sim/examples/abandon-sweep.json \\"):
        ("skip", "needs a build with MPI and mpirun (the ASan build has none); tests/par's "
                 "par_mpi-sweep, par_mpi-compare and par_mpi-run run these commands under "
                 "mpirun -n 3"),
    ("README.md", "#!/bin/sh"):
        ("skip", "a Slurm batch script: needs a cluster"),
    ("README.md", "build/optimizer/cxopt run scenarios --shard 1/3 --junit shard-1.xml "
                  "--json --quiet > shard-1.json"):
        ("skip", "the whole library once more, in three shards: tests/par's par_shards runs "
                 "these commands (and merges the shards against one run) on five small "
                 "scenarios"),
    ("README.md", "export CXONE_PROFILE=cxone"):
        ("skip", "needs a real tenant: its values are placeholders (\"...\")"),
    ("sim/README.md", "build/sim/dialsim run sim/examples/typical.json"):
        ("run", "run, --json, erlang and the sweep on the shipped example"),
    ("sim/README.md", "build/sim/dialsim sweep sim/examples/abandon-sweep.json \\"):
        ("run", "the abandon-rate sweep whose plot the README shows"),
    ("mockcxone/README.md", "build/mockcxone/mockcxone --port 0              "
                            "# prints: listening on http://127.0.0.1:PORT"):
        ("servers", "each line a server in the foreground: it must say it listens"),
    ("mockcxone/README.md", "T=$(curl -s -X POST localhost:8080/auth/token "
                            "-d grant_type=client_credentials \\"):
        ("mock", "the seed API with curl, against a running mock"),
    ("mockcxone/README.md", "build/mockcxone/mockcxone --profile cxone --port 8080 "
                            "--require-accept &"):
        ("run", "the cxone API with curl"),
    ("optimizer/README.md", "jq -c 'select(.type==\"cycle\") | {time, outcome, message}' "
                            "~/.local/state/cxopt/audit.jsonl"):
        ("run", "reads the audit log the top README's blocks wrote at its default path"),
}


# (file, first line of a ```json block) -> the shipped file it shows
SAME_AS = {
    ("sim/README.md", "{"): "sim/examples/typical.json",
    ("mockcxone/README.md", "{\"faults\": ["): "mockcxone/examples/faults.json",
}


def blocks(path, lang="sh"):
    text = open(path).read()
    return [m.group(1) for m in re.finditer(r"^```" + lang + r"\n(.*?)^```", text, re.S | re.M)]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


WAIT = ('for _i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:{port}/'
        ' && break || sleep 0.1; done\n')
PRELUDE = ("set -e\n"
           "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n")


def script_for(block, port, kind):
    lines = []
    if kind == "mock":
        lines.append(f"build/mockcxone/mockcxone --port {port} >/dev/null &\n")
        lines.append(WAIT.format(port=port))
    for line in block.replace("8080", str(port)).splitlines(keepends=True):
        lines.append(line)
        if re.match(r"\s*build/mockcxone/mockcxone .*&\s*$", line):
            lines.append(WAIT.format(port=port))
    return PRELUDE + "".join(lines)


def main():
    build, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="readme-")
    for entry in os.listdir(src):
        if entry not in ("build", ".git", "examples") and not entry.startswith("build-"):
            os.symlink(os.path.join(src, entry), os.path.join(work, entry))
    os.symlink(build, os.path.join(work, "build"))
    # examples/ is copied: its env files name the port, set per block below
    os.mkdir(os.path.join(work, "examples"))
    examples = {n: open(os.path.join(src, "examples", n)).read()
                for n in os.listdir(os.path.join(src, "examples"))}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXONE_")}
    env.update(HOME=work, XDG_STATE_HOME="")
    env.pop("XDG_STATE_HOME")
    failed, ran, seen = [], 0, set()
    for readme in READMES:
        for block in blocks(os.path.join(src, readme)):
            first = block.splitlines()[0].rstrip()
            key = (readme, first)
            seen.add(key)
            if key not in BLOCKS:
                failed.append(f"{readme}: a block this test does not know, starting "
                              f"{first!r}: add it to BLOCKS (run it, or say why not)")
                continue
            kind, why = BLOCKS[key]
            if kind == "skip":
                print(f"skip {readme}: {first[:60]}  ({why})")
                continue
            port = free_port()
            if kind == "servers":
                print(f"run  {readme}: {first[:60]}  ({why})", flush=True)
                for line in block.replace("8080", str(port)).splitlines():
                    if not line.strip():
                        continue
                    cmd = line.split("#")[0].strip()
                    p = subprocess.run(["timeout", "-s", "TERM", "3", "bash", "-c", cmd],
                                       cwd=work, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True)
                    ran += 1
                    if "listening on http://" not in p.stdout:
                        failed.append(f"{readme}: {cmd!r} did not start listening:\n"
                                      f"{p.stdout[-2000:]}")
                continue
            for n, text in examples.items():
                with open(os.path.join(work, "examples", n), "w") as f:
                    f.write(text.replace("8080", str(port)))
            print(f"run  {readme}: {first[:60]}  ({why})", flush=True)
            p = subprocess.run(["bash", "-c", script_for(block, port, kind)], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=900)
            ran += 1
            if p.returncode != 0:
                failed.append(f"{readme}: the block starting {first!r} exited "
                              f"{p.returncode}:\n{p.stdout[-3000:]}")
    for (readme, first), shipped in SAME_AS.items():
        shown = [b for b in blocks(os.path.join(src, readme), "json")
                 if b.splitlines()[0].rstrip() == first]
        if not shown or shown[0].strip() != open(os.path.join(src, shipped)).read().strip():
            failed.append(f"{readme}: its JSON example is not {shipped} any more")
    for key in BLOCKS:
        if key not in seen:
            failed.append(f"{key[0]}: no block starts {key[1]!r} any more: update BLOCKS")
    subprocess.run(["rm", "-rf", work])
    for f in failed:
        print("FAIL " + f)
    print(f"{ran} blocks run, {len(failed)} failures")
    sys.exit(1 if failed else 0)


main()
