#!/usr/bin/env python3
"""Generate the NegMAS SAO golden file for coordbench's Swift negotiation tests.

Runs bilateral negotiations under NegMAS 0.16.0's SAOMechanism with the time-based
concession negotiators (BoulwareTBNegotiator, LinearTBNegotiator, ConcederTBNegotiator)
and the hardliner (ToughNegotiator) on small linear-additive domains, and writes

    Tests/NegotiationTests/Golden/negmas-sao.json

(relative to the repository root), fully self-describing: issues, value tables, weights,
reserved values, the NegMAS classes and their effective parameters, the result and the
trace of every offer.

Determinism
-----------
* Nothing stochastic is used (the TB negotiators are built with stochastic=False, the
  hardliner has no randomness); `random` and `numpy.random` are seeded anyway.
* Wall-clock time cannot leak into relative time: no time_limit is given, so
  relative_time = (step + 1) / (n_steps + 1).
* Tie-breaking: NegMAS's PresortingInverseUtilityFunction sorts outcomes with
  `np.argsort(utils)` (default kind="quicksort"), which is NOT stable and, with numpy 2.x,
  dispatches to SIMD sorting networks (AVX2 / AVX-512 / ...), so the order of
  equal-utility outcomes depends on the CPU. This script makes it stable (ties keep the
  outcome-enumeration order, i.e. the lower enumeration index comes first) by routing
  that single argsort call through kind="stable". For outcomes without exact utility ties
  this changes nothing; the script reports, per case, whether the unpatched NegMAS run on
  this machine produced the same trace.
* Every case is cross-checked against an independent re-implementation of the written
  spec (`spec_run` below), and every threshold comparison is checked to have a margin of
  at least MIN_MARGIN, so ULP-level differences (e.g. in pow) cannot flip a decision.

Usage:  python3 scripts/negmas/golden.py [--out PATH] [--no-vanilla-check]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
import warnings

REQUIRED_NEGMAS = "0.16.0"
MIN_MARGIN = 2e-6  # > the 1e-6 window of NegMAS's _nearest_around quirk (see spec)


def _check_version() -> None:
    try:
        import negmas  # noqa: F401
    except ImportError:
        sys.exit(
            f"golden.py: negmas is not installed; run "
            f"`pip install -r scripts/negmas/requirements.txt` (negmas=={REQUIRED_NEGMAS})"
        )
    import negmas

    if negmas.__version__ != REQUIRED_NEGMAS:
        sys.exit(
            f"golden.py: negmas {negmas.__version__} is installed but the golden file must be "
            f"generated with negmas=={REQUIRED_NEGMAS}; run "
            f"`pip install negmas=={REQUIRED_NEGMAS}`"
        )


_check_version()
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
from negmas import SAOMechanism, make_issue  # noqa: E402
from negmas.outcomes import make_os  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction  # noqa: E402
from negmas.preferences.inv_ufun import presorting as _presorting  # noqa: E402
from negmas.preferences.value_fun import TableFun  # noqa: E402
from negmas.sao import (  # noqa: E402
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    ToughNegotiator,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "Tests", "NegotiationTests", "Golden", "negmas-sao.json")

CONVENTIONS = (
    "One NegMAS step (state.step) is one round in which negotiator 0 and then negotiator 1 each act once; "
    "negotiator 0 opens in step 0 with no offer to respond to; both see relative time t = (s + 1) / (n_steps + 1) "
    "during step s. An agreement reached during step s ends with state.step = s + 1 (the rounds used); "
    "with no agreement the run ends timed out with state.step = n_steps. Utilities are raw linear-additive "
    "sums, not normalised; TB aspiration 1 - t^exponent is mapped onto [max(umin, reserved), umax] minus eps; "
    "ties between equal-utility outcomes go to the lower enumeration index (last issue varies fastest)."
)

# --------------------------------------------------------------------------------------
# Domains: explicit value tables (<= 3 decimals), weights summing to 1.
# --------------------------------------------------------------------------------------

DOMAINS = {
    "supplier": {
        "issues": [
            {"name": "price", "values": ["p10", "p12", "p14", "p16", "p18"]},
            {"name": "delivery", "values": ["express", "week", "fortnight", "month"]},
        ],
        "agents": [
            {  # buyer
                "weights": [0.65, 0.35],
                "value_tables": [[1.0, 0.82, 0.55, 0.3, 0.0], [1.0, 0.63, 0.21, 0.0]],
                "reserved": 0.15,
            },
            {  # seller
                "weights": [0.7, 0.3],
                "value_tables": [[0.0, 0.27, 0.52, 0.81, 1.0], [0.0, 0.44, 0.9, 1.0]],
                "reserved": 0.2,
            },
        ],
    },
    "job": {
        "issues": [
            {"name": "salary", "values": ["s40", "s45", "s50", "s55"]},
            {"name": "role", "values": ["engineer", "lead", "manager"]},
            {"name": "start", "values": ["now", "q2", "q3"]},
        ],
        "agents": [
            {  # candidate
                "weights": [0.5, 0.3, 0.2],
                "value_tables": [[0.0, 0.35, 0.7, 1.0], [0.45, 1.0, 0.1], [0.0, 1.0, 0.62]],
                "reserved": 0.25,
            },
            {  # employer
                "weights": [0.55, 0.15, 0.3],
                "value_tables": [[1.0, 0.71, 0.4, 0.0], [1.0, 0.52, 0.15], [1.0, 0.55, 0.0]],
                "reserved": 0.1,
            },
        ],
    },
    # Exact utility ties: equal table entries within an issue make outcomes that differ only in
    # those values bit-identical in utility, so NegMAS's tie-breaking is exercised.
    "holiday-ties": {
        "issues": [
            {"name": "destination", "values": ["alps", "coast", "lakes", "city"]},
            {"name": "length", "values": ["weekend", "week", "fortnight"]},
            {"name": "hotel", "values": ["hostel", "inn", "resort", "villa"]},
        ],
        "agents": [
            {
                "weights": [0.4, 0.35, 0.25],
                "value_tables": [[1.0, 0.6, 0.6, 0.0], [0.0, 0.5, 1.0], [0.3, 1.0, 1.0, 0.0]],
                "reserved": 0.05,
            },
            {
                "weights": [0.3, 0.3, 0.4],
                "value_tables": [[0.2, 1.0, 0.0, 0.7], [1.0, 0.4, 0.0], [1.0, 0.5, 0.5, 0.0]],
                "reserved": 0.1,
            },
        ],
    },
}

STANDARD_PAIRINGS = [
    ("boulware", "boulware"),
    ("boulware", "conceder"),
    ("linear", "conceder"),
    ("conceder", "hardliner"),
    ("hardliner", "hardliner"),
]

# (name suffix, domain, tactics, n_steps, reserved override or None)
EXTRA_CASES = [
    ("linear-boulware-high-reserved", "supplier", ("linear", "boulware"), 20, [0.62, 0.62]),
    ("hardliner-conceder", "job", ("hardliner", "conceder"), 20, None),
    ("conceder-linear-10-steps", "job", ("conceder", "linear"), 10, None),
    ("boulware-linear-50-steps", "holiday-ties", ("boulware", "linear"), 50, None),
    ("conceder-conceder", "holiday-ties", ("conceder", "conceder"), 20, None),
]

TACTICS = {
    "boulware": (BoulwareTBNegotiator, 4.0),
    "linear": (LinearTBNegotiator, 1.0),
    "conceder": (ConcederTBNegotiator, 0.25),
    "hardliner": (ToughNegotiator, None),
}

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def enumerate_outcomes(issues):
    """All outcomes as index tuples, last issue varying fastest (itertools.product order)."""
    sizes = [len(i["values"]) for i in issues]
    out = [()]
    for n in sizes:
        out = [o + (k,) for o in out for k in range(n)]
    return out


def utility(agent, idx):
    """Bit-exact NegMAS LinearAdditiveUtilityFunction.eval: u = 0.0; u += w_i * v_i, in issue order."""
    u = 0.0
    for w, table, k in zip(agent["weights"], agent["value_tables"], idx):
        u += w * table[k]
    return u


def build_ufun(os_, issues, agent):
    values = [
        TableFun({v: float(x) for v, x in zip(issue.values, table)})
        for issue, table in zip(issues, agent["value_tables"])
    ]
    return LinearAdditiveUtilityFunction(
        values=values,
        weights=[float(w) for w in agent["weights"]],
        outcome_space=os_,
        reserved_value=float(agent["reserved"]),
    )


class _StableArgsortNumpy:
    """Proxy for the `np` name inside negmas.preferences.inv_ufun.presorting: everything is
    numpy except `argsort`, which defaults to kind='stable'."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def argsort(a, *args, **kwargs):
        if not args and "kind" not in kwargs:
            kwargs["kind"] = "stable"
        return np.argsort(a, *args, **kwargs)


@contextlib.contextmanager
def stable_ties(enabled: bool):
    if not enabled:
        yield
        return
    saved = _presorting.np
    _presorting.np = _StableArgsortNumpy()
    try:
        yield
    finally:
        _presorting.np = saved


def negmas_params(neg, tactic):
    if tactic == "hardliner":
        return {"can_propose": True}
    curve = neg._offering_curve
    rec = neg._inverter.recommender
    return {
        "offering_curve": f"PolyAspiration(max_aspiration={curve.max_aspiration}, aspiration_type={curve.aspiration_type!r})",
        "max_aspiration": curve.max_aspiration,
        "exponent": curve.exponent,
        "accepting_curve": "same object as offering_curve",
        "stochastic": False,
        "eps": rec.eps,
        "inversion_method": rec._inversion_method,
        "ufun_inverter": "DefaultInverseUtilityFunction(ufun, rational_only=True) -> PresortingInverseUtilityFunction",
    }


def run_negmas(case, stable: bool):
    random.seed(0)
    np.random.seed(0)
    issues_spec = case["issues"]
    issues = [make_issue(list(i["values"]), i["name"]) for i in issues_spec]
    os_ = make_os(issues)
    outcomes = list(os_.enumerate())
    index_of = {o: k for k, o in enumerate(outcomes)}
    # sanity: NegMAS enumeration == itertools.product order, last issue fastest
    expected = [
        tuple(issues_spec[j]["values"][k] for j, k in enumerate(idx))
        for idx in enumerate_outcomes(issues_spec)
    ]
    assert outcomes == expected, "unexpected NegMAS enumeration order"
    with stable_ties(stable):
        mech = SAOMechanism(outcome_space=os_, n_steps=case["n_steps"])
        negs = []
        for pos, agent in enumerate(case["agents"]):
            cls, _ = TACTICS[agent["tactic"]]
            neg = cls(name=f"n{pos}")
            mech.add(neg, ufun=build_ufun(os_, issues, agent))
            negs.append(neg)
        mech.run()
    state = mech.state
    id_to_pos = {n.id: p for p, n in enumerate(negs)}
    trace = [
        {"step": s, "negotiator": id_to_pos[nid], "offer_index": index_of[tuple(o)]}
        for s, nid, o in mech.extended_trace
    ]
    agreement = tuple(state.agreement) if state.agreement is not None else None
    ufuns = [n.ufun for n in negs]
    result = {
        "agreement": list(agreement) if agreement else None,
        "agreement_index": index_of[agreement] if agreement else None,
        "utilities": [float(u(agreement)) for u in ufuns],
        "step": state.step,
        "timedout": bool(state.timedout),
        "broken": bool(state.broken),
    }
    params = [negmas_params(n, a["tactic"]) for n, a in zip(negs, case["agents"])]
    return result, trace, params


# --------------------------------------------------------------------------------------
# Independent re-implementation of the spec (what the Swift side implements)
# --------------------------------------------------------------------------------------


class SpecAgent:
    def __init__(self, agent, outcomes):
        self.tactic = agent["tactic"]
        self.exponent = agent["exponent"]
        self.eps = 0.0001
        self.reserved = float(agent["reserved"])
        self.u = [utility(agent, o) for o in outcomes]
        # extreme outcomes per issue: best = LAST value with the max table entry, worst = FIRST
        # value with the min table entry (weights > 0)
        best_idx, worst_idx = [], []
        for table in agent["value_tables"]:
            mx, mn, bi, wi = -math.inf, math.inf, None, None
            for k, v in enumerate(table):
                if v >= mx:
                    mx, bi = v, k
                if v < mn:
                    mn, wi = v, k
            best_idx.append(bi)
            worst_idx.append(wi)
        self.best = outcomes.index(tuple(best_idx))
        self.umax = self.u[self.best]
        self.umin = self.u[outcomes.index(tuple(worst_idx))]
        self.umin_r = max(self.umin, self.reserved)
        # rational outcomes (u >= reserved), stable-sorted by utility ascending
        rational = [k for k in range(len(outcomes)) if self.u[k] >= self.reserved]
        self.sorted = sorted(rational, key=lambda k: self.u[k])  # Python sort is stable
        self.margins = []

    def _clamp(self, x):
        return max(self.umin_r, min(self.umax, x))

    def lower(self, t):
        a = 1.0 * (1.0 - math.pow(t, self.exponent))
        raw = (self.umax - self.umin_r) * a + self.umin_r
        raw -= self.eps
        return raw, self._clamp(raw)

    def _note(self, raw, mn, values):
        if raw < self.umin_r:  # clamped: robust iff raw is clearly below umin_r
            self.margins.append(self.umin_r - raw)
        else:
            self.margins.append(min(abs(v - mn) for v in values))

    def propose(self, t):
        if self.tactic == "hardliner":
            return self.best
        raw, mn = self.lower(t)
        self._note(raw, mn, [self.u[k] for k in self.sorted])
        for k in self.sorted:
            if self.u[k] >= mn:
                return k
        return self.sorted[-1]

    def accept(self, t, offer):
        u = self.u[offer]
        if self.tactic == "hardliner":
            if u != self.umax:
                self.margins.append(self.umax - u)
            return u >= self.umax - 1e-10
        raw, mn = self.lower(t)
        upper = self._clamp(((self.umax - self.umin_r) * 1.0 + self.umin_r) + self.eps)
        self._note(raw, mn, [u])
        return mn <= u <= upper


def spec_run(case):
    outcomes = enumerate_outcomes(case["issues"])
    agents = [SpecAgent(a, outcomes) for a in case["agents"]]
    n = case["n_steps"]
    trace, current, n_acc = [], None, 0
    for s in range(n):
        t = min(1.0, (s + 1) / (n + 1))
        for pos, ag in enumerate(agents):
            if current is not None and ag.accept(t, current):
                n_acc += 1
                if n_acc == len(agents):
                    return agents, current, s + 1, False, trace
                continue  # (cannot happen bilaterally: n_acc reaches 2 above)
            current = ag.propose(t)
            n_acc = 1  # offering is accepting
            trace.append({"step": s, "negotiator": pos, "offer_index": current})
    return agents, None, n, True, trace


# --------------------------------------------------------------------------------------


def to_json(obj, indent=0):
    """json.dumps with indentation, but scalar lists and flat dicts (trace entries) on one line."""

    def flat(x):
        if isinstance(x, list):
            return all(not isinstance(v, (list, dict)) for v in x) or all(
                isinstance(v, list) and all(not isinstance(w, (list, dict)) for w in v) for v in x
            )
        if isinstance(x, dict):
            return all(not isinstance(v, (list, dict)) for v in x.values())
        return True

    pad, inner = " " * indent, " " * (indent + 1)
    if flat(obj):
        return json.dumps(obj)
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {to_json(v, indent + 1).lstrip()}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + to_json(v, indent + 1).lstrip() for v in obj]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def make_cases():
    cases = []

    def add(name, dom_name, tactics, n_steps, reserved):
        dom = DOMAINS[dom_name]
        agents = []
        for pos, (tactic, agent) in enumerate(zip(tactics, dom["agents"])):
            cls, exponent = TACTICS[tactic]
            agents.append(
                {
                    "tactic": tactic,
                    "exponent": exponent,
                    "negmas_class": f"negmas.sao.{cls.__name__}",
                    "negmas_params": {},
                    "weights": agent["weights"],
                    "value_tables": agent["value_tables"],
                    "reserved": agent["reserved"] if reserved is None else reserved[pos],
                }
            )
        cases.append(
            {
                "name": name,
                "domain": dom_name,
                "issues": dom["issues"],
                "agents": agents,
                "n_steps": n_steps,
            }
        )

    for dom_name in DOMAINS:
        for a, b in STANDARD_PAIRINGS:
            add(f"{dom_name}/{a}-{b}", dom_name, (a, b), 20, None)
    for suffix, dom_name, tactics, n_steps, reserved in EXTRA_CASES:
        add(f"{dom_name}/{suffix}", dom_name, tactics, n_steps, reserved)
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument(
        "--no-vanilla-check",
        action="store_true",
        help="skip re-running each case with NegMAS's unpatched (CPU-dependent) argsort",
    )
    args = ap.parse_args()

    cases = make_cases()
    rows, problems = [], []
    for case in cases:
        result, trace, params = run_negmas(case, stable=True)
        for agent, p in zip(case["agents"], params):
            agent["negmas_params"] = p
        case["result"] = {k: v for k, v in result.items() if k != "broken"}
        case["trace"] = trace
        case["checks"] = {}

        outcomes = enumerate_outcomes(case["issues"])
        agents, s_agree, s_step, s_timedout, s_trace = spec_run(case)
        spec_ok = (
            s_trace == trace
            and s_agree == result["agreement_index"]
            and s_step == result["step"]
            and s_timedout == result["timedout"]
            and not result["broken"]
        )
        if s_agree is not None:
            spec_utils = [ag.u[s_agree] for ag in agents]
        else:
            spec_utils = [ag.reserved for ag in agents]
        spec_ok = spec_ok and spec_utils == result["utilities"]
        margin = min(m for ag in agents for m in ag.margins)
        case["checks"] = {
            "spec_reimplementation_matches": bool(spec_ok),
            "min_decision_margin": float(f"{margin:.3g}"),
        }
        # was a tie group member offered by a TB agent?
        tie_offers = 0
        for e in trace:
            ag = agents[e["negotiator"]]
            if ag.tactic != "hardliner":
                u = ag.u[e["offer_index"]]
                if sum(1 for k in ag.sorted if ag.u[k] == u) > 1:
                    tie_offers += 1
        vanilla = "-"
        if not args.no_vanilla_check:
            v_result, v_trace, _ = run_negmas(case, stable=False)
            vanilla = "same" if (v_result == result and v_trace == trace) else "DIFFERS"
        if not spec_ok:
            problems.append(f"{case['name']}: spec re-implementation disagrees with NegMAS")
        if margin < MIN_MARGIN:
            problems.append(f"{case['name']}: a decision margin is only {margin:.3g} (< {MIN_MARGIN})")
        for ag in agents:
            distinct = len(set(ag.u)) == len(ag.u)
            if case["domain"] != "holiday-ties" and not distinct:
                problems.append(f"{case['name']}: unexpected utility ties")
        ag_txt = (
            ",".join(case["issues"][j]["values"][k] for j, k in enumerate(outcomes[result["agreement_index"]]))
            if result["agreement_index"] is not None
            else "none"
        )
        rows.append(
            (
                case["name"],
                len(outcomes),
                ag_txt,
                result["agreement_index"],
                result["utilities"],
                result["step"],
                result["timedout"],
                len(trace),
                tie_offers,
                margin,
                "ok" if spec_ok else "MISMATCH",
                vanilla,
            )
        )

    golden = {
        "negmas_version": REQUIRED_NEGMAS,
        "generated_by": "scripts/negmas/golden.py",
        "conventions": CONVENTIONS,
        "mechanism": {
            "class": "negmas.sao.SAOMechanism",
            "params": {
                "n_steps": "per case",
                "time_limit": None,
                "offering_is_accepting": True,
                "one_offer_per_step": False,
                "avoid_ultimatum": False,
                "end_on_no_response": True,
                "allow_offering_just_rejected_outcome": True,
                "check_offers": False,
            },
            "negotiator_order": "negotiators are added in agents[] order; agents[0] opens",
        },
        "tie_break": (
            "equal-utility outcomes are ordered by enumeration index (stable sort); NegMAS's own "
            "np.argsort is unstable/CPU-dependent, so golden.py forces kind='stable' for that call"
        ),
        "outcome_order": "itertools.product over issues in order: the last issue varies fastest",
        "cases": cases,
    }

    hdr = ("case", "|O|", "agreement", "idx", "utilities", "step", "timedout", "offers", "tie-offers", "min margin", "spec", "unpatched")
    print(" | ".join(hdr))
    for r in rows:
        print(
            f"{r[0]} | {r[1]} | {r[2]} | {r[3]} | [{r[4][0]:.4f}, {r[4][1]:.4f}] | {r[5]} | {r[6]} | "
            f"{r[7]} | {r[8]} | {r[9]:.2e} | {r[10]} | {r[11]}"
        )
    if problems:
        print("\n".join(["PROBLEMS (golden file NOT written):"] + problems), file=sys.stderr)
        sys.exit(1)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(to_json(golden))
        f.write("\n")
    print(f"wrote {os.path.relpath(os.path.abspath(args.out), REPO)} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
