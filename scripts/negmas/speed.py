#!/usr/bin/env python3
"""Time NegMAS 0.16.0 on one bilateral SAO negotiation (the coordbench speed reference).

Domain: 3 issues with 5, 4 and 3 values (60 outcomes), linear-additive utilities with
explicit value tables, 20-step deadline, BoulwareTBNegotiator (opens) vs
ConcederTBNegotiator.

Each timed repetition does the whole set-up and the run: build both utility functions,
create the SAOMechanism, create and add both negotiators, run to the end. Repetitions
continue until at least --min-seconds (default 2 s) have elapsed after one warm-up run.
The last line printed is

    negmas_negotiations_per_second <float>

The domain (same issues/agents format as the golden file) and the result/trace of the
negotiation are written to scripts/negmas/speed-domain.json, so the Swift side can run
the identical negotiation and check it reaches the same result.

Usage:  python3 scripts/negmas/speed.py [--min-seconds 2] [--no-dump]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import warnings

REQUIRED_NEGMAS = "0.16.0"

try:
    import negmas
except ImportError:
    sys.exit(f"speed.py: negmas is not installed; run `pip install negmas=={REQUIRED_NEGMAS}`")
if negmas.__version__ != REQUIRED_NEGMAS:
    sys.exit(
        f"speed.py: negmas {negmas.__version__} is installed, expected {REQUIRED_NEGMAS}; "
        f"run `pip install negmas=={REQUIRED_NEGMAS}`"
    )
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
from negmas import SAOMechanism, make_issue  # noqa: E402
from negmas.outcomes import make_os  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction  # noqa: E402
from negmas.preferences.value_fun import TableFun  # noqa: E402
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DUMP = os.path.join(HERE, "speed-domain.json")
N_STEPS = 20

ISSUES = [
    {"name": "price", "values": ["p1", "p2", "p3", "p4", "p5"]},
    {"name": "quantity", "values": ["q100", "q200", "q300", "q400"]},
    {"name": "warranty", "values": ["none", "one-year", "two-years"]},
]
AGENTS = [
    {
        "tactic": "boulware",
        "exponent": 4.0,
        "negmas_class": "negmas.sao.BoulwareTBNegotiator",
        "negmas_params": {"stochastic": False, "eps": 0.0001},
        "weights": [0.5, 0.3, 0.2],
        "value_tables": [[1.0, 0.77, 0.52, 0.24, 0.0], [0.1, 0.45, 1.0, 0.69], [0.0, 0.57, 1.0]],
        "reserved": 0.2,
    },
    {
        "tactic": "conceder",
        "exponent": 0.25,
        "negmas_class": "negmas.sao.ConcederTBNegotiator",
        "negmas_params": {"stochastic": False, "eps": 0.0001},
        "weights": [0.45, 0.25, 0.3],
        "value_tables": [[0.0, 0.31, 0.58, 0.83, 1.0], [1.0, 0.74, 0.35, 0.0], [1.0, 0.4, 0.0]],
        "reserved": 0.15,
    },
]

_issues = [make_issue(list(i["values"]), i["name"]) for i in ISSUES]
_os = make_os(_issues)
_outcomes = list(_os.enumerate())


# One JSON layout for both files: the golden script's (importing it also checks the version).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden import to_json  # noqa: E402


def make_ufun(agent):
    return LinearAdditiveUtilityFunction(
        values=[
            TableFun({v: float(x) for v, x in zip(issue.values, table)})
            for issue, table in zip(_issues, agent["value_tables"])
        ],
        weights=[float(w) for w in agent["weights"]],
        outcome_space=_os,
        reserved_value=float(agent["reserved"]),
    )


def one_negotiation():
    u0, u1 = make_ufun(AGENTS[0]), make_ufun(AGENTS[1])
    m = SAOMechanism(outcome_space=_os, n_steps=N_STEPS)
    a, b = BoulwareTBNegotiator(name="a"), ConcederTBNegotiator(name="b")
    m.add(a, ufun=u0)
    m.add(b, ufun=u1)
    m.run()
    return m, (a, b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-seconds", type=float, default=2.0)
    ap.add_argument("--no-dump", action="store_true")
    args = ap.parse_args()
    random.seed(0)
    np.random.seed(0)

    # utilities must be pairwise distinct for each agent so NegMAS's (unstable) tie order cannot matter
    for agent in AGENTS:
        us = [float(make_ufun(agent)(o)) for o in _outcomes]
        assert len(set(us)) == len(us), "speed domain must have no utility ties"

    m, negs = one_negotiation()  # warm-up, and the reference result
    st = m.state
    index_of = {o: k for k, o in enumerate(_outcomes)}
    pos = {n.id: p for p, n in enumerate(negs)}
    agreement = tuple(st.agreement) if st.agreement is not None else None
    result = {
        "agreement": list(agreement) if agreement else None,
        "agreement_index": index_of[agreement] if agreement else None,
        "utilities": [float(n.ufun(agreement)) for n in negs],
        "step": st.step,
        "timedout": bool(st.timedout),
    }
    trace = [
        {"step": s, "negotiator": pos[nid], "offer_index": index_of[tuple(o)]}
        for s, nid, o in m.extended_trace
    ]

    n = 0
    t0 = time.perf_counter()
    while True:
        one_negotiation()
        n += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= args.min_seconds:
            break
    rate = n / elapsed

    if not args.no_dump:
        doc = {
            "negmas_version": REQUIRED_NEGMAS,
            "generated_by": "scripts/negmas/speed.py",
            "what_is_timed": (
                "per negotiation: build both LinearAdditiveUtilityFunctions, create SAOMechanism(n_steps=20), "
                "create and add BoulwareTBNegotiator then ConcederTBNegotiator, run to the end"
            ),
            "name": "speed/boulware-conceder",
            "domain": "speed-60",
            "issues": ISSUES,
            "agents": AGENTS,
            "n_steps": N_STEPS,
            "result": result,
            "trace": trace,
        }
        with open(DUMP, "w") as f:
            f.write(to_json(doc))
            f.write("\n")

    print(f"outcomes {len(_outcomes)}, n_steps {N_STEPS}, boulware (opens) vs conceder")
    print(
        f"result: agreement {result['agreement']} (index {result['agreement_index']}), "
        f"utilities {result['utilities']}, step {result['step']}, offers {len(trace)}"
    )
    print(f"{n} negotiations in {elapsed:.3f} s = {1e3 * elapsed / n:.3f} ms each")
    print(f"negmas_negotiations_per_second {rate:.2f}")


if __name__ == "__main__":
    main()
