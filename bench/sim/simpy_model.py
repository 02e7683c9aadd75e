"""The open-loop model of bench/sim in SimPy, the peer libdialsim is compared
with: Poisson launches at 0.1/s, live answers with p = 0.8333 after an
exponential 10 s ring (others ring out at 25 s), 10 agents, exponential 80 s
talk, zero patience. Debian's python3-simpy is SimPy 2.3 (the classic
process API), so that is what this uses.

    /usr/bin/python3 simpy_model.py HOURS   -> prints "attempts seconds lost_share"
"""
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, release, request, simulate

HOURS = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
RATE, P, RING, TALK, AGENTS = 0.1, 0.8333, 10.0, 80.0, 10
rng = random.Random(1)
stats = {"attempts": 0, "live": 0, "lost": 0}


class Call(Process):
    def run(self, agents):
        live = rng.random() < P
        yield hold, self, (rng.expovariate(1 / RING) if live else 25.0)
        if not live:
            return
        stats["live"] += 1
        if agents.n == 0:  # zero patience: no free agent, the call is lost
            stats["lost"] += 1
            return
        yield request, self, agents
        yield hold, self, rng.expovariate(1 / TALK)
        yield release, self, agents


class Dialer(Process):
    def run(self, agents):
        while True:
            yield hold, self, rng.expovariate(RATE)
            stats["attempts"] += 1
            call = Call()
            activate(call, call.run(agents))


initialize()
agents = Resource(capacity=AGENTS)
dialer = Dialer()
activate(dialer, dialer.run(agents))
t0 = time.process_time()
simulate(until=HOURS * 3600)
seconds = time.process_time() - t0
print(stats["attempts"], f"{seconds:.6f}", f"{stats['lost'] / max(1, stats['live']):.6f}")
