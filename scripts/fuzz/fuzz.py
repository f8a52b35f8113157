#!/usr/bin/env python3
"""Structure-aware fuzzer for coordbench's scenario and suite files.

Seeds are the YAML files under scenarios/ (the suite scenarios/default.yaml and the scenarios
scenarios/<family>/*.yaml). Each input is one seed parsed with PyYAML, changed by 1-3 named
mutation operators and written back as YAML text by a small emitter of our own (which can
write duplicate keys, anchors/aliases and raw tokens such as `.nan`). Each input runs in a
fresh copy of scenarios/ as `validate`, `run` and (for scenarios) `simulate`, each in its own
process under CPU, wall-clock and memory limits, and each result is classified:

  crash           killed by a signal, or an exit code outside ALLOWED_EXIT_CODES
  hang            over the CPU or the wall-clock limit
  memory          over the memory limit (allocation-failure message, kill at the limit, or
                  peak RSS near it)
  unpositioned    exit 2 with an `error:` line not of the form `path:line:col: error: `,
                  or a 1:1 position while the message quotes another position
  oversized       more than 64 KiB on stderr
  wrote-on-error  files written although the command failed (or written by validate/simulate)

Reproducible: input i of a campaign depends only on (--seed, i) and the seed files.
See scripts/fuzz/README.md.
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import gzip
import hashlib
import json
import os
import random
import re
import resource
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

REPO = Path(__file__).resolve().parents[2]

# Exit codes a validate/run/simulate command may end with. 1 (comparison regression) and
# 3 (incomparable) do not apply to these commands; 4 may later mean an I/O error.
ALLOWED_EXIT_CODES = frozenset({0, 2})
BAD_INPUT_EXIT = 2

CAPTURE_LIMIT = 64 * 1024          # bytes kept of stdout and of stderr
OVERSIZED_STDERR = 64 * 1024       # more than this on stderr is "oversized"
MAX_INPUT_BYTES = 5 * 1024 * 1024  # generated files stay at about this size or below
MAX_SAVED_BYTES = 1024 * 1024      # larger failing inputs are saved gzip-compressed (`<relpath>.gz`)
RSS_NEAR_LIMIT = 0.85              # peak RSS at this share of the limit counts as a blow-up

CLASSES = ["crash", "hang", "memory", "unpositioned", "wrote-on-error", "oversized"]
SUMMARY_NAMES = {"crash": "crashes", "hang": "hangs", "memory": "memory blow-ups",
                 "unpositioned": "unpositioned errors", "wrote-on-error": "wrote-on-error",
                 "oversized": "oversized logs"}

POSITIONED = re.compile(r"^[^\n]+:\d+:\d+: error: ")
AT_ONE_ONE = re.compile(r"^[^\n]+:1:1: error: (.*)$")
QUOTED_POSITION = re.compile(r"(?i)\bline\s*\d+|\bcolumn\s*\d+|\b\d+:\d+\b")
MEMORY_MARKERS = re.compile(
    r"(?i)could not allocate|cannot allocate memory|failed to allocate|bad_alloc|out of memory|"
    r"memory exhausted|allocation fail|ENOMEM|MemoryError|memory error|mmap failed")

FAMILY_DIRS = {"division-of-labour": "division-of-labour", "negotiation": "negotiation",
               "resource-allocation": "resource-allocation", "commons": "commons",
               "agent-team": "agent-teams"}


# --------------------------------------------------------------------------------------------
# YAML tree and emitter

class Raw(str):
    """YAML text written verbatim: a plain scalar token (`1e308`, `.nan`) or flow text."""


class M(list):
    """A mapping as a list of [key, value] pairs, so that keys may repeat."""


NUMBER = re.compile(r"[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
SAFE_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*( [A-Za-z0-9_./-]+)*")
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def from_node(node: yaml.Node):
    """PyYAML node → tree of M, list, Raw (plain scalars kept as written) and str."""
    if isinstance(node, yaml.MappingNode):
        return M([[k.value, from_node(v)] for k, v in node.value])
    if isinstance(node, yaml.SequenceNode):
        return [from_node(v) for v in node.value]
    text = node.value
    if node.style is None and (NUMBER.fullmatch(text) or SAFE_PLAIN.fullmatch(text)):
        return Raw(text)
    return text


def quote(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or 0x7F <= o <= 0x9F:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}.get(ch, f"\\x{o:02x}"))
        elif o in (0x2028, 0x2029, 0xFEFF) or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scalar(v) -> str:
    if isinstance(v, Raw):
        return str(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    s = str(v)
    if SAFE_PLAIN.fullmatch(s) and s.lower() not in YAML_WORDS and not NUMBER.fullmatch(s):
        return s
    return quote(s)


def is_collection(v) -> bool:
    return isinstance(v, list) and not isinstance(v, Raw)


def flow(v) -> str:
    if isinstance(v, M):
        return "{" + ", ".join(f"{scalar(k)}: {flow(x)}" for k, x in v) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


def inline_ok(v) -> bool:
    if not is_collection(v):
        return True
    items = [x for _, x in v] if isinstance(v, M) else v
    return len(items) <= 12 and not any(is_collection(x) for x in items)


def short_flow(v) -> str | None:
    """The flow form of v when it is short enough for one line of a block."""
    if not is_collection(v) or inline_ok(v):
        return flow(v)
    if len(v) > 40:
        return None
    text = flow(v)
    return text if len(text) < 160 else None


def block(v, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(v, M):
        if not v:
            out.append(pad + "{}")
        for k, x in v:
            text = short_flow(x)
            if text is not None:
                out.append(f"{pad}{scalar(k)}: {text}")
            else:
                out.append(f"{pad}{scalar(k)}:")
                block(x, indent + 2, out)
    elif is_collection(v):
        if not v:
            out.append(pad + "[]")
        for x in v:
            text = short_flow(x)
            if text is not None:
                out.append(f"{pad}- {text}")
            else:
                out.append(f"{pad}-")
                block(x, indent + 2, out)
    else:
        out.append(pad + scalar(v))


def emit(tree) -> str:
    out: list[str] = []
    block(tree, 0, out)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Tree navigation

@dataclass
class Slot:
    """A place in the tree: container[index] (for an M, the value of pair `index`)."""
    container: list
    index: int
    path: tuple

    def get(self):
        return self.container[self.index][1] if isinstance(self.container, M) else self.container[self.index]

    def set(self, value) -> None:
        if isinstance(self.container, M):
            self.container[self.index][1] = value
        else:
            self.container[self.index] = value

    @property
    def key(self):
        return self.path[-1] if self.path else None

    @property
    def dotted(self) -> str:
        return ".".join(str(p) for p in self.path)


def slots(holder: list, limit: int = 200_000) -> list[Slot]:
    """Every place in the tree held by holder[0], root included, breadth first."""
    found = [Slot(holder, 0, ())]
    i = 0
    while i < len(found) and len(found) < limit:
        s = found[i]
        v = s.get()
        if isinstance(v, M):
            found.extend(Slot(v, j, s.path + (v[j][0],)) for j in range(len(v)))
        elif is_collection(v):
            found.extend(Slot(v, j, s.path + (j,)) for j in range(len(v)))
        i += 1
    return found


def is_number(v) -> bool:
    return isinstance(v, Raw) and bool(NUMBER.fullmatch(v))


def lookup(tree, *keys):
    for k in keys:
        if isinstance(tree, M):
            tree = next((v for kk, v in tree if kk == k), None)
        elif is_collection(tree) and isinstance(k, int) and 0 <= k < len(tree):
            tree = tree[k]
        else:
            return None
    return tree


def put(mapping: M, key: str, value) -> None:
    for pair in mapping:
        if pair[0] == key:
            pair[1] = value
            return
    mapping.append([key, value])


# --------------------------------------------------------------------------------------------
# Mutation operators

@dataclass
class Ctx:
    rng: random.Random
    kind: str                    # "suite" or "scenario"
    relpath: str                 # e.g. scenarios/negotiation/supplier.yaml
    family: str | None
    holder: list                 # [root]
    corpus: dict                 # relpath → Seed
    strategies: dict             # family → [strategy names]

    @property
    def root(self):
        return self.holder[0]

    def pick(self, pred: Callable[[Slot], bool], include_root: bool = True) -> Slot | None:
        candidates = [s for s in slots(self.holder) if (include_root or s.path) and pred(s)]
        return self.rng.choice(candidates) if candidates else None

    def size(self) -> int:
        return len(emit(self.root))

    def entries(self) -> list:
        """The suite's scenario entries that are mappings."""
        lst = lookup(self.root, "scenarios")
        return [e for e in lst if isinstance(e, M)] if is_collection(lst) and not isinstance(lst, M) else []

    def entry_scenario(self, entry: M):
        path = lookup(entry, "path")
        seed = self.corpus.get(f"scenarios/{path}") if isinstance(path, str) else None
        return seed


def big_digits(rng: random.Random, n: int = 40) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def extreme_number(rng: random.Random) -> Raw:
    return Raw(rng.choice([
        "1e308", "-1e308", "1e-320", ".nan", "NaN", "nan", ".inf", "-.inf", "inf", "0", "-1", "-0.0",
        str(2**31), str(2**53 + 1), str(2**63), str(2**64), "1e12", "5e9", big_digits(rng),
        "-" + big_digits(rng), "2e308", "4.9e-324", str(2**63 - 1), str(-2**63 - 1), "0x10", "1_000"]))


COUNT_KEYS = {"count", "replications", "trials", "rounds", "periods", "deadline", "slices", "issues",
              "max-attempts", "retries", "concurrency", "event-budget", "horizon", "units", "until"}
HUGE_COUNTS = ["1000000", "1000000000", "1000000000000000000", "1e6", "1e9", "1e18"]

WEIRD_NAMES = ["a\r\nb", "line\nbreak", "tab\tname", "comma,name", 'quote"name', "apos'name", "slash/name",
               "..", "../../escape", "/abs", " spaced name ", "ünïcødé-名前-🚀", "", "\u202eevil", "null",
               "-", "#hash", "a: b", "*", "\x00nul", ".hidden", "%s%n", "$(id)", "back\\slash",
               "<b>html</b>", "|pipe|", "name\u2028sep", "=cmd|' /C calc'!A0", "frontier-x.svg"]


def weird_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.12:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz-") for _ in range(rng.randint(300, 3000)))
    if r < 0.18:
        return "é🚀," * rng.randint(100, 400)
    return rng.choice(WEIRD_NAMES)


def op_num_extreme(c: Ctx) -> bool:
    s = c.pick(lambda s: is_number(s.get()))
    if not s:
        return False
    s.set(extreme_number(c.rng))
    return True


def op_num_type(c: Ctx) -> bool:
    s = c.pick(lambda s: is_number(s.get()))
    if not s:
        return False
    s.set(c.rng.choice([lambda: "twelve", lambda: [Raw("1"), Raw("2")], lambda: M([["value", Raw("1")]]),
                        lambda: "", lambda: Raw("null"), lambda: Raw("true"), lambda: Raw("~"),
                        lambda: "3"])())
    return True


def op_count_huge(c: Ctx) -> bool:
    value = Raw(c.rng.choice(HUGE_COUNTS))
    if c.kind == "suite" and c.rng.random() < 0.5:
        targets = [c.root] + c.entries()
        put(c.rng.choice(targets), "replications", value)
        return True
    s = c.pick(lambda s: s.key in COUNT_KEYS and not is_collection(s.get()))
    if not s:
        return False
    s.set(value)
    return True


def op_seed_limit(c: Ctx) -> bool:
    if c.kind != "suite" or not isinstance(c.root, M):
        return False
    put(c.root, "seed", Raw(c.rng.choice(
        ["0", str(2**64 - 1), str(2**64), "-1", str(2**63), str(2**63 - 1), "1e19", "18446744073709551615.0",
         "0x10", "+5", "00", "''", big_digits(c.rng)])))
    return True


def op_list_long(c: Ctx) -> bool:
    s = c.pick(lambda s: is_collection(s.get()) and not isinstance(s.get(), M) and len(s.get()) >= 1)
    if not s:
        return False
    lst = s.get()
    item = copy.deepcopy(c.rng.choice(lst))
    per_item = len(flow(item)) + 2 * len(s.path) + 4
    room = max(0, MAX_INPUT_BYTES - c.size()) // per_item
    k = min(int(10 ** c.rng.uniform(3, 5)), room)
    if k < 10:
        return False
    # Every copy of a collection is its own object: a later operator that changes one copy
    # must not change all k of them (shared copies grew the text exponentially once).
    lst.extend(clone(item) for _ in range(k))
    return True


def clone(v):
    """A deep copy of a tree of M, lists and scalars (scalars are immutable and shared)."""
    if isinstance(v, M):
        return M([k, clone(x)] for k, x in v)
    if is_collection(v):
        return [clone(x) for x in v]
    return v


def op_list_empty(c: Ctx) -> bool:
    s = c.pick(lambda s: is_collection(s.get()) and not isinstance(s.get(), M) and len(s.get()) > 0)
    if not s:
        return False
    s.set([])
    return True


def op_list_dup(c: Ctx) -> bool:
    s = c.pick(lambda s: is_collection(s.get()) and not isinstance(s.get(), M) and len(s.get()) > 0)
    if not s:
        return False
    lst = s.get()
    lst.insert(c.rng.randrange(len(lst) + 1), copy.deepcopy(c.rng.choice(lst)))
    return True


def op_key_remove(c: Ctx) -> bool:
    s = c.pick(lambda s: isinstance(s.get(), M) and len(s.get()) > 0)
    if not s:
        return False
    m = s.get()
    del m[c.rng.randrange(len(m))]
    return True


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 2:
        return word + "x"
    i = rng.randrange(len(word) - 1)
    return rng.choice([word[:i] + word[i + 1:], word[:i] + word[i + 1] + word[i] + word[i + 2:],
                       word.upper(), word + "s", word.replace("-", "_")])


def op_key_unknown(c: Ctx) -> bool:
    s = c.pick(lambda s: isinstance(s.get(), M))
    if not s:
        return False
    m = s.get()
    existing = [k for k, _ in m]
    name = typo(c.rng, c.rng.choice(existing)) if existing and c.rng.random() < 0.6 else c.rng.choice(
        ["colour", "unknown", "x-extra", "défaut", "seed", "scenarios", "family", "path", "grid", "<<"])
    if name in existing:
        name += "-extra"
    m.insert(c.rng.randrange(len(m) + 1), [name, Raw("1")])
    return True


def op_key_dup(c: Ctx) -> bool:
    s = c.pick(lambda s: isinstance(s.get(), M) and len(s.get()) > 0)
    if not s:
        return False
    m = s.get()
    k, v = c.rng.choice(m)
    v2 = copy.deepcopy(v) if c.rng.random() < 0.5 else (extreme_number(c.rng) if is_number(v) else Raw("1"))
    m.insert(c.rng.randrange(len(m) + 1), [k, v2])
    return True


def op_type_swap(c: Ctx) -> bool:
    s = c.pick(lambda s: True, include_root=c.rng.random() < 0.05)
    if not s:
        return False
    v = s.get()
    if isinstance(v, M):
        s.set(c.rng.choice([lambda: [x for _, x in v], lambda: Raw("1"), lambda: "mapping"])())
    elif is_collection(v):
        s.set(c.rng.choice([lambda: M([[str(i), x] for i, x in enumerate(v)]),
                            lambda: v[0] if v else Raw("0"), lambda: "list"])())
    else:
        s.set(c.rng.choice([lambda: [v], lambda: M([["value", v]]), lambda: M([[str(v), v]]), lambda: []])())
    return True


def alias_bomb(rng: random.Random, as_mapping: bool) -> Raw:
    depth = rng.choice([4, 6, 8, 9, 9, 10])
    width = 10
    parts = []
    for level in range(depth):
        leaf = "lol" if level == 0 else f"*b{level - 1}"
        if as_mapping:
            body = "{" + ", ".join(f"k{i}: {leaf}" for i in range(width)) + "}"
            parts.append(f"l{level}: &b{level} {body}")
        else:
            body = "[" + ", ".join([leaf] * width) + "]"
            parts.append(f"&b{level} {body}")
    return Raw(("{" + ", ".join(parts) + "}") if as_mapping else ("[" + ", ".join(parts) + "]"))


def op_alias_bomb(c: Ctx) -> bool:
    s = c.pick(lambda s: is_collection(s.get()), include_root=c.rng.random() < 0.1)
    if not s:
        return False
    s.set(alias_bomb(c.rng, isinstance(s.get(), M)))
    return True


def op_nest_deep(c: Ctx) -> bool:
    s = c.pick(lambda s: bool(s.path))
    if not s:
        return False
    n = c.rng.choice([100, 1000, 10_000, 100_000])
    s.set(Raw("[" * n + "1" + "]" * n) if c.rng.random() < 0.7 else Raw("{a: " * n + "1" + "}" * n))
    return True


def op_name_weird(c: Ctx) -> bool:
    name = weird_name(c.rng)
    if not isinstance(c.root, M):
        return False
    if c.kind == "scenario":
        if c.rng.random() < 0.7:
            put(c.root, "name", name)
            return True
        s = c.pick(lambda s: s.key == "name" and len(s.path) > 1)
        if not s:
            put(c.root, "name", name)
        else:
            s.set(name)
        return True
    choice = c.rng.random()
    entries = c.entries()
    if choice < 0.3 or not entries:
        put(c.root, "name", name)
        return True
    entry = c.rng.choice(entries)
    seed = c.entry_scenario(entry)
    if choice < 0.7 and seed is not None:
        names = c.strategies.get(seed.family) or ["x"]
        strategies = lookup(entry, "strategies")
        if not is_collection(strategies) or isinstance(strategies, M) or not strategies:
            strategies = [Raw(n) for n in names]
            put(entry, "strategies", strategies)
        i = c.rng.randrange(len(strategies))
        item = strategies[i]
        base = item if not isinstance(item, M) else lookup(item, "name")
        strategies[i] = M([["name", base if base is not None else Raw(names[0])], ["label", name]])
        return True
    grid = lookup(entry, "grid")
    if isinstance(grid, M) and grid:
        k, values = c.rng.choice(grid)
        lst = values if is_collection(values) and not isinstance(values, M) else [values]
        lst.append(name)
        put(grid, k, lst)
        return True
    put(entry, "path", name)
    return True


def op_suite_path(c: Ctx) -> bool:
    entries = c.entries()
    if c.kind != "suite" or not entries:
        return False
    target = c.rng.choice(["/proc/self/environ", "/dev/zero", "../../../etc/passwd", "negotiation", ".", "..",
                           "/", "missing.yaml", "default.yaml", "/proc/self/status", "negotiation/", "",
                           "negotiation/../negotiation/supplier.yaml", "/etc/hostname", "./commons/fishery.yaml"])
    put(c.rng.choice(entries), "path", target)
    return True


def numeric_paths(tree) -> list[tuple[str, str]]:
    holder = [tree]
    return [(s.dotted, str(s.get())) for s in slots(holder) if is_number(s.get()) and "description" not in s.path]


def op_grid_astronomical(c: Ctx) -> bool:
    candidates = [(e, c.entry_scenario(e)) for e in c.entries()]
    candidates = [(e, seed) for e, seed in candidates if seed is not None]
    if c.kind != "suite" or not candidates:
        return False
    entry, seed = c.rng.choice(candidates)
    paths = numeric_paths(seed.tree)
    if not paths:
        return False
    nkeys = min(len(paths), c.rng.choice([10, 10, 20, 6]))
    nvalues = c.rng.choice([50, 50, 20, 100])
    grid = M()
    for key, original in c.rng.sample(paths, nkeys):
        base = float(original.replace("_", ""))
        if base == int(base) and "." not in original and "e" not in original.lower():
            values = [Raw(str(max(1, int(base)) + j)) for j in range(nvalues)]
        else:
            values = [Raw(repr(round(base * (1 + 0.001 * j), 9))) for j in range(nvalues)]
        grid.append([key, values])
    put(entry, "grid", grid)
    return True


def op_grid_bad_key(c: Ctx) -> bool:
    entries = c.entries()
    if c.kind != "suite" or not entries:
        return False
    entry = c.rng.choice(entries)
    grid = lookup(entry, "grid")
    if not isinstance(grid, M):
        grid = M()
        put(entry, "grid", grid)
    key = c.rng.choice(["nonexistent", "workload.nonexistent", "agents.99.count", "agents.-1.count", "agents.0",
                        "agents", "", ".", "..", "a..b", "agents.0.count.x", "name.x", "agents.1e3.count",
                        "agents. 0.count", "agents.00.count", "family", "description", "agents.9999999999999999999.x"])
    grid.append([key, [Raw("1"), Raw("2")]])
    return True


def op_grid_bad_value(c: Ctx) -> bool:
    candidates = [(e, c.entry_scenario(e)) for e in c.entries()]
    candidates = [(e, seed) for e, seed in candidates if seed is not None]
    if c.kind != "suite" or not candidates:
        return False
    entry, seed = c.rng.choice(candidates)
    grid = lookup(entry, "grid")
    if not isinstance(grid, M) or not grid:
        paths = numeric_paths(seed.tree)
        if not paths:
            return False
        grid = M([[c.rng.choice(paths)[0], [Raw("1")]]])
        put(entry, "grid", grid)
    k, values = c.rng.choice(grid)
    bad = c.rng.choice([lambda: extreme_number(c.rng), lambda: "", lambda: "abc", lambda: [Raw("1"), Raw("2")],
                        lambda: M([["a", Raw("1")]]), lambda: Raw("null"), lambda: weird_name(c.rng)])()
    if is_collection(values) and not isinstance(values, M) and c.rng.random() < 0.7:
        values.insert(c.rng.randrange(len(values) + 1), bad)
    else:
        put(grid, k, bad if c.rng.random() < 0.5 else [bad])
    return True


def op_baseline(c: Ctx) -> bool:
    """A `baseline:` or `key-metrics:` on the suite or an entry: a real label or metric, a wrong
    one, a weird name, a list where a name belongs, or a long list."""
    entries = c.entries()
    if c.kind != "suite" or not entries:
        return False
    target = c.root if c.rng.random() < 0.4 else c.rng.choice(entries)
    seed = c.entry_scenario(c.rng.choice(entries))
    names = (c.strategies.get(seed.family) if seed is not None else None) or ["random"]
    if c.rng.random() < 0.5:
        value = c.rng.choice([lambda: Raw(c.rng.choice(names)), lambda: Raw("no-such-strategy"), lambda: weird_name(c.rng),
                              lambda: [Raw(names[0])], lambda: M([["name", Raw(names[0])]]), lambda: Raw("null"),
                              lambda: ""])()
        put(target, "baseline", value)
    else:
        metrics = ["success-rate", "makespan", "agreement", "welfare", "collapse", "cost-per-task", "sucess-rate"]
        value = c.rng.choice([lambda: [Raw(m) for m in c.rng.sample(metrics, c.rng.randint(1, 4))],
                              lambda: [Raw("makespan")] * c.rng.choice([2, 1000]), lambda: [], lambda: Raw("makespan"),
                              lambda: [weird_name(c.rng)], lambda: M([["a", Raw("1")]])])()
        put(target, "key-metrics", value)
    return True


def op_domain_blowup(c: Ctx) -> bool:
    if c.family != "negotiation" or not isinstance(c.root, M):
        return False
    r = c.rng.random()
    if r < 0.4:
        values = c.rng.choice([Raw("1000"), Raw("1000000"), [Raw("1000"), Raw("10000")], [Raw("2"), Raw("1000000000")],
                               Raw("50"), [Raw("100"), Raw("1000")]])
        issues = Raw(c.rng.choice(["20", "50", "1000", "1000000", "10", "15"]))
        random_ = M([["issues", issues], ["values", values], ["opposition", Raw("0.5")]])
        put(c.root, "domain", M([["random", random_]]))
        agents = lookup(c.root, "agents")
        if is_collection(agents):
            for a in agents:
                if isinstance(a, M):
                    a[:] = [p for p in a if p[0] not in ("weights", "values")]
    elif r < 0.65:
        put(c.root, "domain", M([["split", M([["slices", Raw(c.rng.choice(
            ["1000000", "10000000", "1000000000", "1000000000000", str(2**63), "100000"]))]])]]))
    else:
        n = c.rng.randint(12, 40)
        m = c.rng.randint(3, 10)
        names = [f"i{i}" for i in range(n)]
        put(c.root, "domain", M([["issues", [M([["name", nm], ["values", [Raw(f"v{j}") for j in range(m)]]])
                                             for nm in names]]]))
        agents = lookup(c.root, "agents")
        if is_collection(agents):
            for a in agents:
                if isinstance(a, M):
                    w = [Raw(repr(1 / n))] * n
                    put(a, "weights", M([[nm, w[i]] for i, nm in enumerate(names)]))
                    put(a, "values", M([[nm, [Raw(repr(c.rng.random())) for _ in range(m)]] for nm in names]))
    return True


FAMILY_BLOWUP = {
    "division-of-labour": [("horizon",), ("event-budget",), ("agents", "*", "count"), ("workload", "arrivals", "count"),
                           ("workload", "arrivals", "until"), ("workload", "arrivals", "rate"),
                           ("failures", "max-attempts")],
    "negotiation": [("deadline",), ("domain", "random", "issues"), ("domain", "random", "values"),
                    ("domain", "split", "slices")],
    "resource-allocation": [("periods",), ("bidders", "*", "count"), ("bidders", "*", "rate"), ("supply", "units"),
                            ("starvation-bound",)],
    "commons": [("rounds",), ("agents", "*", "count"), ("agents", "*", "joins")],
    "agent-team": [("tasks", "count"), ("tasks", "trials"), ("tasks", "rate"), ("members", "*", "concurrency"),
                   ("calls", "retries"), ("calls", "timeout")],
}
BIG_VALUES = ["100000", "1000000", "10000000", "1000000000", "1000000000000", "1e15", str(2**53 + 1), str(2**62),
              str(2**31 - 1), "2147483648"]


def op_family_blowup(c: Ctx) -> bool:
    patterns = FAMILY_BLOWUP.get(c.family or "")
    if c.kind != "scenario" or not patterns or not isinstance(c.root, M):
        return False
    pattern = c.rng.choice(patterns)
    value = Raw(c.rng.choice(BIG_VALUES))
    matches = [s for s in slots(c.holder) if len(s.path) == len(pattern)
               and all(p == "*" or p == q for p, q in zip(pattern, s.path))]
    if matches:
        c.rng.choice(matches).set(value)
        return True
    if "*" in pattern:
        return False
    node = c.root
    for k in pattern[:-1]:
        child = lookup(node, k)
        if not isinstance(child, M):
            child = M()
            put(node, k, child)
        node = child
    put(node, pattern[-1], value)
    return True


GRAPH_CONDITIONS = ["failed", "rejected and attempts < 1e308", "confidence < .nan", "cost > -1e308", "attempts >= 0",
                    "elapsed == inf", "risk < 0.5 and risk > 0.5", "and", "confidence <", "x < 1", "cost >> 1",
                    "estimated-difficulty > 1e-320", ""]


def op_graph(c: Ctx) -> bool:
    """Rewires an orchestration graph: an edge loses its bound, points elsewhere (itself, a
    missing node), gets an odd bound or condition; a node is removed or made a huge fan-out;
    or the graph grows a long chain or a loop of instant nodes."""
    graphs = lookup(c.root, "orchestrations") if isinstance(c.root, M) else None
    if not isinstance(graphs, M) or not graphs:
        return False
    graph = c.rng.choice(list(graphs))[1]
    nodes = lookup(graph, "nodes") if isinstance(graph, M) else None
    if not isinstance(nodes, M) or not nodes:
        return False
    names = [str(k) for k, _ in nodes]
    edges = []
    for _, node in nodes:
        if isinstance(node, M):
            for key in ("next", "branch"):
                value = lookup(node, key)
                if isinstance(value, list):
                    edges += [e for e in value if isinstance(e, M)]
    move = c.rng.randrange(8)
    if move == 0 and edges:
        edge = c.rng.choice(edges)
        edge[:] = [pair for pair in edge if pair[0] != "limit"]
    elif move == 1 and edges:
        put(c.rng.choice(edges), "to", c.rng.choice(names + ["nowhere", weird_name(c.rng)]))
    elif move == 2 and edges:
        put(c.rng.choice(edges), "limit", Raw(c.rng.choice(["10000", "10001", "-1", "0", "1e9", ".nan", "2.5"])))
    elif move == 3 and edges:
        put(c.rng.choice(edges), "if", c.rng.choice(GRAPH_CONDITIONS))
    elif move == 4 and len(nodes) > 1:
        del nodes[c.rng.randrange(len(nodes))]
    elif move == 5:
        node = c.rng.choice(list(nodes))[1]
        if not isinstance(node, M):
            return False
        put(node, "parallel", M([["members", ["small"] * c.rng.choice([1, 101, 5000])],
                                   ["count", Raw(c.rng.choice(["101", "102", "0", "-1", "1e9"]))],
                                   ["merge", c.rng.choice(["first-valid", "best-confidence", "judge", "fastest"])]]))
        for key in ("call", "review", "verify", "decompose", "branch"):
            node[:] = [pair for pair in node if pair[0] != key]
    elif move == 6:
        # A long chain of calls, every edge bounded at the maximum: the footprint must refuse or bound it.
        length = c.rng.choice([50, 999, 1001, 3000])
        chain = M([[f"n{k}", M([["call", "small"], ["next", [M([["if", "failed"], ["to", "n0"], ["limit", Raw("10000")]]),
                                                              M([["to", f"n{k + 1}" if k + 1 < length else "done"]])]]])]
                   for k in range(length)])
        chain.append(["done", "end"])
        put(graph, "nodes", chain)
        put(graph, "start", "n0")
    else:
        first, second = c.rng.sample(names, 2) if len(names) > 1 else (names[0], names[0])
        put(nodes, first, M([["branch", [M([["to", second], ["limit", Raw("3")]])]]]))
        put(nodes, second, M([["verify", M([["accuracy", Raw("0.5")]])], ["next", [M([["to", first], ["limit", Raw("3")]])]]]))
    return True


OPERATORS: dict[str, Callable[[Ctx], bool]] = {
    "num-extreme": op_num_extreme,
    "num-type": op_num_type,
    "count-huge": op_count_huge,
    "seed-limit": op_seed_limit,
    "list-long": op_list_long,
    "list-empty": op_list_empty,
    "list-dup": op_list_dup,
    "key-remove": op_key_remove,
    "key-unknown": op_key_unknown,
    "key-dup": op_key_dup,
    "type-swap": op_type_swap,
    "alias-bomb": op_alias_bomb,
    "nest-deep": op_nest_deep,
    "name-weird": op_name_weird,
    "suite-path": op_suite_path,
    "grid-astronomical": op_grid_astronomical,
    "grid-bad-key": op_grid_bad_key,
    "grid-bad-value": op_grid_bad_value,
    "baseline": op_baseline,
    "domain-blowup": op_domain_blowup,
    "family-blowup": op_family_blowup,
    "graph": op_graph,
}
SUITE_ONLY = {"seed-limit", "suite-path", "grid-astronomical", "grid-bad-key", "grid-bad-value", "baseline"}
SCENARIO_ONLY = {"domain-blowup", "family-blowup", "graph"}


# --------------------------------------------------------------------------------------------
# Seeds and generation

@dataclass
class Seed:
    relpath: str
    kind: str
    family: str | None
    tree: object


def load_corpus(root: Path) -> dict[str, Seed]:
    corpus = {}
    for path in sorted((root / "scenarios").rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        if path.name.startswith("fuzz-"):
            continue
        tree = from_node(yaml.compose(path.read_text(encoding="utf-8")))
        kind = "suite" if isinstance(tree, M) and lookup(tree, "scenarios") is not None else "scenario"
        family = lookup(tree, "family") if kind == "scenario" else None
        corpus[rel] = Seed(rel, kind, str(family) if family is not None else None, tree)
    return corpus


@dataclass
class Mutant:
    index: int
    origin: str                  # "gen" or "replay:<folder>"
    relpath: str
    kind: str
    family: str | None
    operators: list[str]
    text: str
    strategy: str | None

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def shrink(holder: list, limit: int) -> None:
    """Halves the longest list until the emitted text is at most `limit` bytes."""
    while len(emit(holder[0])) > limit:
        lists = [s.get() for s in slots(holder) if is_collection(s.get()) and not isinstance(s.get(), M)]
        longest = max(lists, key=len, default=None)
        if not longest or len(longest) < 2:
            return
        del longest[len(longest) // 2:]


def generate(seed: int, index: int, corpus: dict[str, Seed], strategies: dict[str, list[str]],
             only: list[str] | None = None) -> Mutant:
    rng = random.Random(f"coordbench-fuzz:{seed}:{index}")
    suites = sorted(r for r, s in corpus.items() if s.kind == "suite")
    scenarios = sorted(r for r, s in corpus.items() if s.kind == "scenario")
    relpath = rng.choice(suites) if suites and (rng.random() < 0.2 or not scenarios) else rng.choice(scenarios)
    base = corpus[relpath]
    holder = [copy.deepcopy(base.tree)]
    ctx = Ctx(rng, base.kind, relpath, base.family, holder, corpus, strategies)
    names = [n for n in OPERATORS if not (base.kind == "scenario" and n in SUITE_ONLY)
             and not (base.kind == "suite" and n in SCENARIO_ONLY) and (not only or n in only)]
    if not names:
        names = [n for n in OPERATORS if not only or n in only]
    wanted = rng.randint(1, 3)
    applied: list[str] = []
    for _ in range(30):
        if len(applied) >= wanted:
            break
        name = rng.choice(names)
        if OPERATORS[name](ctx):
            applied.append(name)
    shrink(holder, MAX_INPUT_BYTES * 5 // 4)
    family = base.family
    if base.kind == "scenario":
        f = lookup(holder[0], "family") if isinstance(holder[0], M) else None
        if isinstance(f, str) and f in strategies:
            family = str(f)
    choices = strategies.get(family or "", [])
    strategy = rng.choice(choices) if choices else None
    return Mutant(index, "gen", relpath, base.kind, family, applied, emit(holder[0]), strategy)


# --------------------------------------------------------------------------------------------
# Running one command

@dataclass
class Limits:
    cpu: int
    wall: float
    memory_mb: int
    rlimit: str | None           # "as", "data" or None (RSS polling only)
    env: dict


@dataclass
class CommandResult:
    name: str                    # validate / run / simulate
    argv: list[str]
    exit_code: int | None
    signal: str | None
    wall: float
    cpu: float
    max_rss_mb: float
    killed: str | None           # "wall", "rss" when the fuzzer killed it
    stdout: str
    stderr: str
    stdout_bytes: int
    stderr_bytes: int
    new_files: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    evidence: str | None = None  # the stderr line behind an "unpositioned" verdict

    def first_line(self) -> str:
        lines = [self.evidence] if self.evidence else [l for l in self.stderr.splitlines() if l.strip()]
        fatal = [l for l in lines if "Fatal error" in l or "fatal error" in l]
        text = (fatal or lines or ["(nothing on stderr)"])[0]
        prefix = (f"killed at the {self.killed} limit: " if self.killed else f"{self.signal}: " if self.signal
                  else f"exit {self.exit_code}: ")
        return (prefix + text)[:200]


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def limited_argv(argv: list[str], limits: Limits) -> list[str]:
    opts = [f"--cpu={limits.cpu}:{limits.cpu + 2}", "--core=0"]
    if limits.rlimit == "as":
        opts.append(f"--as={limits.memory_mb * 1024 * 1024}")
    elif limits.rlimit == "data":
        opts.append(f"--data={limits.memory_mb * 1024 * 1024}")
    return ["prlimit", *opts, "--", *argv]


def execute(name: str, argv: list[str], cwd: str, limits: Limits) -> CommandResult:
    """Runs argv with stdin from /dev/null under the limits; keeps the first 64 KiB of each stream."""
    start = time.monotonic()
    proc = subprocess.Popen(limited_argv(argv, limits), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=limits.env)
    bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    totals = {fd: 0 for fd in bufs}
    sel = selectors.DefaultSelector()
    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
        sel.register(f.fileno(), selectors.EVENT_READ)
    open_fds = set(bufs)
    killed = None
    status = rusage = None
    peak_rss = 0
    next_poll = 0.0
    exited_at = None

    def kill(reason: str) -> None:
        nonlocal killed
        killed = killed or reason
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    while True:
        if open_fds:
            for key, _ in sel.select(timeout=0.05):
                fd = key.fd
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(fd)
                    open_fds.discard(fd)
                    continue
                totals[fd] += len(chunk)
                room = CAPTURE_LIMIT - len(bufs[fd])
                if room > 0:
                    bufs[fd] += chunk[:room]
        else:
            time.sleep(0.01)
        now = time.monotonic()
        if status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, rusage, exited_at = st, ru, now
            elif now >= next_poll:
                peak_rss = max(peak_rss, rss_kb(proc.pid))
                if peak_rss > limits.memory_mb * 1024:
                    kill("rss")
                next_poll = now + 0.1
        if status is None and now - start > limits.wall:
            kill("wall")
        if status is not None and (not open_fds or now - exited_at > 2.0):
            break      # exited; stop waiting for pipes a grandchild might still hold
    if open_fds:       # a leftover grandchild in our process group
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.returncode = -1
    sel.close()
    proc.stdout.close()
    proc.stderr.close()
    wall = time.monotonic() - start
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    outs = list(bufs.values())
    tots = list(totals.values())
    return CommandResult(
        name=name, argv=argv, exit_code=code, signal=signal.Signals(sig).name if sig else None, wall=round(wall, 3),
        cpu=round(rusage.ru_utime + rusage.ru_stime, 3), max_rss_mb=round(max(rusage.ru_maxrss, peak_rss) / 1024, 1),
        killed=killed, stdout=outs[0].decode("utf-8", "replace"), stderr=outs[1].decode("utf-8", "replace"),
        stdout_bytes=tots[0], stderr_bytes=tots[1])


def classify(r: CommandResult, limits: Limits) -> list[str]:
    classes = []
    over_cpu = r.cpu >= limits.cpu - 0.05
    memory_text = bool(MEMORY_MARKERS.search(r.stderr))
    near_limit = r.max_rss_mb >= RSS_NEAR_LIMIT * limits.memory_mb
    failed = r.signal is not None or r.exit_code not in ALLOWED_EXIT_CODES
    if r.killed == "wall" or r.signal == "SIGXCPU" or (r.signal == "SIGKILL" and over_cpu and r.killed is None):
        classes.append("hang")
    elif r.killed == "rss" or ((failed or r.exit_code != 0) and (memory_text or near_limit)):
        classes.append("memory")
    elif failed:
        classes.append("crash")
    elif r.exit_code == BAD_INPUT_EXIT:
        lines = r.stderr.splitlines()
        if r.stderr_bytes > CAPTURE_LIMIT and lines:
            lines.pop()     # cut off at the capture limit: the last line is incomplete
        for line in lines:
            m = AT_ONE_ONE.match(line)
            if ("error:" in line and not POSITIONED.match(line)) or (m and QUOTED_POSITION.search(m.group(1))):
                classes.append("unpositioned")
                r.evidence = line
                break
    if r.stderr_bytes > OVERSIZED_STDERR:
        classes.append("oversized")
    if r.new_files and r.signal is None and r.killed is None:
        classes.append("wrote-on-error")
    return classes


# --------------------------------------------------------------------------------------------
# Running one input

@dataclass
class InputResult:
    index: int
    origin: str
    relpath: str
    kind: str
    operators: list[str]
    sha: str
    size: int
    strategy: str | None
    commands: list[CommandResult]
    classes: list[str]
    saved: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.classes)

    def primary(self) -> tuple[str, CommandResult] | None:
        for cls in CLASSES:
            for c in self.commands:
                if cls in c.classes:
                    return cls, c
        return None


def listing(root: str) -> set[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for f in filenames:
            found.add(os.path.relpath(os.path.join(dirpath, f), root))
    return found


def run_input(m: Mutant, opts: "Options") -> InputResult:
    tmp = tempfile.mkdtemp(prefix="cbfuzz-")
    try:
        shutil.copytree(opts.root / "scenarios", os.path.join(tmp, "scenarios"),
                        ignore=shutil.ignore_patterns("fuzz-*"))
        target = os.path.join(tmp, m.relpath)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write(m.text)
        if m.kind == "suite":
            suite = m.relpath
        else:
            suite = os.path.join(os.path.dirname(m.relpath), "fuzz-suite.yaml")
            with open(os.path.join(tmp, suite), "w") as f:
                f.write(f"scenarios:\n  - path: {os.path.basename(m.relpath)}\nreplications: 2\n")
        before = listing(tmp)
        binary = str(opts.binary)
        commands = [("validate", [binary, "validate", m.relpath]),
                    ("run", [binary, "run", suite, "--out", "out", "--jobs", "1", "-q", *opts.run_args])]
        if m.kind == "scenario" and m.strategy:
            commands.append(("simulate", [binary, "simulate", m.relpath, "--strategy", m.strategy,
                                          *opts.simulate_args]))
        results = []
        for name, argv in commands:
            r = execute(name, argv, tmp, opts.limits)
            after = listing(tmp)
            new = sorted(after - before)
            if name == "run":
                if r.exit_code == 0 and r.signal is None:
                    new = [p for p in new if not (p + os.sep).startswith("out" + os.sep)]
                shutil.rmtree(os.path.join(tmp, "out"), ignore_errors=True)
            for p in new:           # the next command starts from the same files
                try:
                    os.remove(os.path.join(tmp, p))
                except OSError:
                    pass
            r.new_files = new[:20]
            r.argv = ["coordbench"] + argv[1:]
            r.classes = classify(r, opts.limits)
            results.append(r)
        classes = [c for c in CLASSES if any(c in r.classes for r in results)]
        return InputResult(m.index, m.origin, m.relpath, m.kind, m.operators, m.sha, len(m.text.encode("utf-8", "surrogatepass")),
                           m.strategy, results, classes)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Regression corpus

def save_case(res: InputResult, m: Mutant, opts: "Options") -> str | None:
    cls = res.primary()[0]
    folder = opts.save / f"{cls}-{res.sha}"
    if folder.exists():
        return str(folder)
    folder.mkdir(parents=True, exist_ok=True)
    compressed = res.size > MAX_SAVED_BYTES
    path = folder / (m.relpath + (".gz" if compressed else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = m.text.encode("utf-8", "surrogatepass")
    path.write_bytes(gzip.compress(data, mtime=0) if compressed else data)
    case = {
        "class": cls, "classes": res.classes, "operators": res.operators, "seed": opts.seed, "index": res.index,
        "relpath": m.relpath, "kind": m.kind, "strategy": m.strategy, "sha": res.sha, "bytes": res.size,
        "compressed": compressed,
        "commands": [{"argv": c.argv, "exit": c.exit_code, "signal": c.signal, "killed": c.killed,
                      "classes": c.classes, "first_line": c.first_line()} for c in res.commands],
    }
    (folder / "case.json").write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")
    return str(folder)


def load_saved(opts: "Options", corpus, strategies) -> list[Mutant]:
    cases = []
    if not opts.save.is_dir():
        return cases
    for folder in sorted(p for p in opts.save.iterdir() if (p / "case.json").is_file()):
        case = json.loads((folder / "case.json").read_text())
        path = folder / case["relpath"]
        packed = folder / (case["relpath"] + ".gz")
        if path.is_file() or packed.is_file():
            data = path.read_bytes() if path.is_file() else gzip.decompress(packed.read_bytes())
            text = data.decode("utf-8", errors="surrogatepass")
            m = Mutant(case.get("index", -1), f"replay:{folder.name}", case["relpath"], case["kind"], None,
                       case.get("operators", []), text, case.get("strategy"))
        else:
            m = generate(case["seed"], case["index"], corpus, strategies)
            if m.sha != case.get("sha"):
                print(f"# note: {folder.name}: regenerated input differs (seed files changed)", file=sys.stderr)
            m.origin = f"replay:{folder.name}"
        if m.kind == "scenario":
            seed = corpus.get(m.relpath)
            m.family = seed.family if seed else None
            known = strategies.get(m.family or "", [])
            if m.strategy not in known:
                m.strategy = known[0] if known else None
        cases.append(m)
    return cases


# --------------------------------------------------------------------------------------------
# Driver

@dataclass
class Options:
    root: Path
    binary: Path
    n: int
    seed: int
    seconds: float
    workers: int
    run_args: list[str]
    simulate_args: list[str]
    save: Path
    no_save: bool
    replay_only: bool
    limits: Limits
    jsonl: Path | None
    stats: Path | None


def list_strategies(binary: Path, limits: Limits) -> dict[str, list[str]]:
    r = execute("list", [str(binary), "list", "strategies"], str(REPO), limits)
    if r.exit_code != 0:
        sys.exit(f"fuzz: `{binary} list strategies` failed: {r.first_line()}")
    families: dict[str, list[str]] = {}
    current = None
    for line in r.stdout.splitlines():
        m = re.match(r"^Strategies of (\S+)", line)
        if m:
            current = m.group(1)
            families[current] = []
        elif current and re.match(r"^  \S", line):
            families[current].append(line.split()[0])
    return families


def choose_memory_limit(binary: Path, limits: Limits) -> str | None:
    """The first rlimit under which the binary validates and runs the default suite normally."""
    probe_suite = "scenarios/default.yaml"
    for mode in ("as", "data"):
        trial = dataclasses.replace(limits, rlimit=mode)
        ok = execute("probe", [str(binary), "list", "strategies"], str(REPO), trial).exit_code == 0
        tmp = tempfile.mkdtemp(prefix="cbfuzz-probe-")
        try:
            shutil.copytree(REPO / "scenarios", os.path.join(tmp, "scenarios"), ignore=shutil.ignore_patterns("fuzz-*"))
            ok = ok and execute("probe", [str(binary), "validate", probe_suite], tmp, trial).exit_code == 0
            ok = ok and execute("probe", [str(binary), "run", probe_suite, "--out", "out", "--jobs", "2", "-q",
                                          "--replications", "1"], tmp, trial).exit_code == 0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if ok:
            return mode
    return None


def fail_line(res: InputResult) -> str:
    cls, cmd = res.primary()
    ops = "+".join(res.operators) or "-"
    classes = "+".join(res.classes)
    return f"FAIL {classes:<14} [{ops}] {cmd.name} {res.relpath} (#{res.index} {res.origin} {res.sha}): {cmd.first_line()}"


# The fuzzer's own address space: a generator bug must end this process with a MemoryError,
# not exhaust the machine (the commands it runs get their own, smaller limit).
SELF_MEMORY_LIMIT = 8 << 30


def main(argv=None) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft > SELF_MEMORY_LIMIT:
        resource.setrlimit(resource.RLIMIT_AS, (SELF_MEMORY_LIMIT, hard))
    ap = argparse.ArgumentParser(description="Structure-aware fuzzer for coordbench input files.")
    ap.add_argument("--binary", default=".build/release/coordbench", help="relative to the repo root unless absolute")
    ap.add_argument("--n", type=int, default=int(os.environ.get("FUZZ_N", 300)), help="new inputs (env FUZZ_N)")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 1)), help="campaign seed (env FUZZ_SEED)")
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", 120)),
                    help="time budget; no new inputs are started after it (env FUZZ_SECONDS)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--run-args", default="--max-runs 5000 --max-events 5e7 --run-timeout 2",
                    help="extra arguments for `coordbench run` (shlex-split); the default bounds the work "
                         "a suite may ask for, as a CI job running other people's suites would")
    ap.add_argument("--simulate-args", default="--max-events 5e7 --run-timeout 2",
                    help="extra arguments for `coordbench simulate` (shlex-split)")
    ap.add_argument("--save", default=str(REPO / "scripts/fuzz/regressions"), help="regression corpus folder")
    ap.add_argument("--no-save", action="store_true", help="do not save new failing inputs")
    ap.add_argument("--replay-only", action="store_true", help="only replay the saved cases")
    ap.add_argument("--cpu-seconds", type=int, default=20)
    ap.add_argument("--wall-seconds", type=float, default=None, help="default: 3 × --cpu-seconds")
    ap.add_argument("--memory-mb", type=int, default=4096)
    ap.add_argument("--jsonl", default=None, help="write every input's result as one JSON line here")
    ap.add_argument("--stats", default=None, help="write the per-class breakdowns as JSON here")
    ap.add_argument("--backtrace", action="store_true", help="let the Swift runtime print crash backtraces")
    ap.add_argument("--ops", default="", help="comma-separated operators to draw from (default: all)")
    ap.add_argument("--show", type=int, default=None, metavar="INDEX",
                    help="print input INDEX of the campaign (--seed) with its operators and exit")
    a = ap.parse_args(argv)
    only = [o for o in a.ops.split(",") if o]
    unknown = [o for o in only if o not in OPERATORS]
    if unknown:
        ap.error(f"unknown operator(s) {', '.join(unknown)}; known: {', '.join(OPERATORS)}")

    binary = Path(a.binary)
    binary = binary if binary.is_absolute() else REPO / binary
    if not os.access(binary, os.X_OK):
        print(f"fuzz: no executable at {binary}", file=sys.stderr)
        return 2
    if not shutil.which("prlimit"):
        print("fuzz: needs prlimit (util-linux)", file=sys.stderr)
        return 2
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    if not a.backtrace:
        env["SWIFT_BACKTRACE"] = "enable=no"
    limits = Limits(a.cpu_seconds, a.wall_seconds or 3 * a.cpu_seconds, a.memory_mb, None, env)
    if a.show is not None:
        m = generate(a.seed, a.show, load_corpus(REPO), list_strategies(binary, limits), only)
        print(f"# {m.relpath} [{'+'.join(m.operators)}] strategy {m.strategy} sha {m.sha}")
        sys.stdout.write(m.text)
        return 0
    limits.rlimit = choose_memory_limit(binary, limits)
    save = Path(a.save) if os.path.isabs(a.save) else Path.cwd() / a.save
    opts = Options(REPO, binary, a.n, a.seed, a.seconds, max(1, a.workers), shlex.split(a.run_args), shlex.split(a.simulate_args), save,
                   a.no_save, a.replay_only, limits, Path(a.jsonl) if a.jsonl else None,
                   Path(a.stats) if a.stats else None)
    print(f"# coordbench fuzz: binary {binary}, seed {a.seed}, n {a.n}, workers {opts.workers}, "
          f"limits cpu {limits.cpu}s wall {limits.wall:g}s memory {limits.memory_mb} MiB "
          f"({'RLIMIT_' + limits.rlimit.upper() if limits.rlimit else 'no rlimit'} + RSS polling)", flush=True)

    corpus = load_corpus(REPO)
    strategies = list_strategies(binary, limits)
    replays = load_saved(opts, corpus, strategies)
    started = time.monotonic()
    results: list[InputResult] = []
    lock = threading.Lock()
    jsonl = open(opts.jsonl, "w") if opts.jsonl else None

    def job(item: Mutant | int) -> tuple[Mutant, InputResult]:
        m = item if isinstance(item, Mutant) else generate(opts.seed, item, corpus, strategies, only)
        return m, run_input(m, opts)

    def jobs():
        yield from replays
        if not opts.replay_only:
            yield from range(opts.n)

    source = iter(jobs())
    out_of_time = False
    with ThreadPoolExecutor(max_workers=opts.workers) as pool:
        pending = set()
        while True:
            while len(pending) < opts.workers and not out_of_time:
                if time.monotonic() - started > opts.seconds:
                    out_of_time = True
                    break
                m = next(source, None)
                if m is None:
                    out_of_time = None  # exhausted, not cut
                    break
                pending.add(pool.submit(job, m))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                m, res = fut.result()
                with lock:
                    if res.failed and not opts.no_save and res.origin == "gen":
                        res.saved = save_case(res, m, opts)
                    results.append(res)
                    if res.failed:
                        print(fail_line(res), flush=True)
                    if jsonl:
                        record = dataclasses.asdict(res)
                        for c in record["commands"]:
                            c["stdout"], c["stderr"] = c["stdout"][:4000], c["stderr"][:4000]
                        jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
                        jsonl.flush()
                    if len(results) % 100 == 0:
                        print(f"# progress: {len(results)} inputs, {sum(r.failed for r in results)} failed, "
                              f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
            if out_of_time is None and not pending:
                break
    if jsonl:
        jsonl.close()
    elapsed = time.monotonic() - started
    return report(results, opts, replays, elapsed, out_of_time is True)


def report(results: list[InputResult], opts: Options, replays, elapsed: float, cut: bool) -> int:
    by_class = Counter()
    by_op: dict[str, Counter] = defaultdict(Counter)
    by_cmd: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        for cls in r.classes:
            by_class[cls] += 1
            for op in set(r.operators) or {"(none)"}:
                by_op[cls][op] += 1
            for cmd in {c.name for c in r.commands if cls in c.classes}:
                by_cmd[cls][cmd] += 1
    n_replay = sum(1 for r in results if r.origin != "gen")
    n_gen = len(results) - n_replay
    failed = sum(1 for r in results if r.failed)
    replay_failed = sum(1 for r in results if r.failed and r.origin != "gen")
    ops_tried = Counter(op for r in results for op in set(r.operators))
    print(f"# {len(results)} inputs ({n_replay} replayed, {n_gen} new) in {elapsed:.1f} s "
          f"({len(results) / max(elapsed, 1e-9):.2f} inputs/s)")
    if cut:
        print(f"# time budget of {opts.seconds:g} s reached: {n_gen} of {0 if opts.replay_only else opts.n} "
              "new inputs were run")
    if n_replay:
        print(f"# replay: {n_replay - replay_failed} passed, {replay_failed} failed")
    for cls in CLASSES:
        if by_class[cls]:
            ops = ", ".join(f"{k} {v}" for k, v in by_op[cls].most_common())
            cmds = ", ".join(f"{k} {v}" for k, v in by_cmd[cls].most_common())
            print(f"# {cls}: by operator: {ops}; by command: {cmds}")
    print("# operators applied (inputs): " + ", ".join(f"{k} {v}" for k, v in sorted(ops_tried.items())))
    if opts.stats:
        opts.stats.write_text(json.dumps({"inputs": len(results), "seconds": elapsed, "by_class": by_class,
                                          "by_operator": by_op, "by_command": by_cmd,
                                          "operators_applied": ops_tried}, indent=2) + "\n")
    print(f"{len(results)} inputs, {by_class['crash']} crashes, {by_class['hang']} hangs, "
          f"{by_class['memory']} memory blow-ups, {by_class['unpositioned']} unpositioned errors, "
          f"{by_class['wrote-on-error']} wrote-on-error, {by_class['oversized']} oversized logs")
    print(f"fuzz: {len(results) - failed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
