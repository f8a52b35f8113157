#!/usr/bin/env python3
"""Loads a results folder's runs.csv, summary.csv, results.json and detail files (the
`<table>.csv` files the manifest's outputs list) with pandas' defaults, as a user would, and
checks that nothing is lost: no key column has a missing value, every metric and figure column
is numeric, every number read equals the one in results.json (a detail file's, the one in its
text), every detail row names a run of runs.csv with the same scenario, point, strategy and
replication, and the row counts are the manifest's. Exit 0 when the folder loads cleanly, 1 with
the problems otherwise.

    python3 scripts/check-results-load.py results/default
"""
import json
import math
import sys
from pathlib import Path

import pandas as pd


def main(folder: Path) -> int:
    problems = []
    manifest = json.loads((folder / "manifest.json").read_text())
    content = manifest["content"]
    runs = pd.read_csv(folder / "runs.csv")
    summary = pd.read_csv(folder / "summary.csv")
    results = json.loads((folder / "results.json").read_text())

    if len(runs) != content["runs"]:
        problems.append(f"runs.csv has {len(runs)} rows, the manifest {content['runs']} runs")
    for frame, name, keys in [(runs, "runs.csv", ["run", "scenario", "family", "point", "strategy", "replication",
                                                  "seed", "stop_reason", "events"]),
                              (summary, "summary.csv", ["scenario", "family", "point", "strategy", "metric", "unit",
                                                        "direction", "n", "interval", "confidence"])]:
        for key in keys:
            missing = int(frame[key].isna().sum())
            if missing:
                problems.append(f"{name}: {missing} missing values in key column {key}")
    metric_columns = [c for c in runs.columns if ":" in c and not c.startswith("grid:")]
    expected = {f"{f['name']}:{m['name']}" for f in content["families"] for m in f["metrics"]}
    if set(metric_columns) != expected:
        problems.append(f"runs.csv metric columns {sorted(set(metric_columns) ^ expected)} differ from the manifest's")
    for column in metric_columns + ["mean", "sd", "ci_low", "ci_high"]:
        frame = summary if column in ("mean", "sd", "ci_low", "ci_high") else runs
        if not pd.api.types.is_numeric_dtype(frame[column]):
            problems.append(f"column {column} is not numeric (dtype {frame[column].dtype})")
    if runs["run"].duplicated().any():
        problems.append("runs.csv: duplicate run identities")
    if summary.duplicated(["scenario", "point", "strategy", "metric"]).any():
        problems.append("summary.csv: duplicate (scenario, point, strategy, metric) rows")

    # Every value read by pandas equals the one in results.json (no rounding, no lost cells).
    by_run = {r["run"]: r for r in results["runs"]}
    checked = 0
    for row in runs.to_dict("records"):
        record = by_run.get(row["run"])
        if record is None:
            problems.append(f"run {row['run']} is not in results.json")
            continue
        for name, value in record["metrics"].items():
            column = f"{row['family']}:{name}"
            got = row[column]
            if value is None:
                if not (isinstance(got, float) and math.isnan(got)):
                    problems.append(f"{row['run']} {column}: {got!r} in runs.csv, null in results.json")
            elif got != value:
                problems.append(f"{row['run']} {column}: {got!r} in runs.csv, {value!r} in results.json")
            checked += 1
        if len(problems) > 20:
            break
    if len(summary) != len(results["summary"]):
        problems.append(f"summary.csv has {len(summary)} rows, results.json {len(results['summary'])}")

    details = check_details(folder, content, runs, problems)

    for p in problems[:20]:
        print(f"{folder}: {p}", file=sys.stderr)
    if not problems:
        files = "".join(f", {name} ({rows} rows)" for name, rows in details)
        print(f"{folder}: runs.csv ({len(runs)} rows, {len(runs.columns)} columns), summary.csv ({len(summary)} rows)"
              f"{files} and results.json load in pandas {pd.__version__} without loss ({checked} values checked)")
    return 1 if problems else 0


RUN_COLUMNS = ["run", "scenario", "point", "strategy", "replication"]


def check_details(folder: Path, content: dict, runs: pd.DataFrame, problems: list) -> list:
    """Checks each detail file the manifest's outputs list as runs.csv is checked; returns
    (file name, rows) of each."""
    tables = {}
    for family in content["families"]:
        for table in family.get("details") or []:
            tables.setdefault(table["name"] + ".csv", table)
    by_run = {row["run"]: row for row in runs[RUN_COLUMNS].to_dict("records")}
    loaded = []
    for name, table in tables.items():
        if name not in content["outputs"]:
            continue
        frame = pd.read_csv(folder / name)
        raw = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        loaded.append((name, len(frame)))
        keys = RUN_COLUMNS + table["keys"]
        figures = [f["name"] for f in table["figures"]]
        if list(frame.columns) != keys + figures:
            problems.append(f"{name}: columns {list(frame.columns)}, the manifest declares {keys + figures}")
            continue
        for key in keys:
            missing = int(frame[key].isna().sum())
            if missing:
                problems.append(f"{name}: {missing} missing values in key column {key}")
        for column in figures:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                problems.append(f"{name}: column {column} is not numeric (dtype {frame[column].dtype})")
                continue
            # Every value read equals the number written (no rounding, no lost or invented cells).
            for got, text in zip(frame[column], raw[column]):
                if text == "":
                    if not math.isnan(got):
                        problems.append(f"{name} {column}: {got!r} read from an empty cell")
                elif got != float(text):
                    problems.append(f"{name} {column}: {got!r} read from {text!r}")
                if len(problems) > 20:
                    return loaded
        for row in frame[RUN_COLUMNS].to_dict("records"):
            run = by_run.get(row["run"])
            if run is None:
                problems.append(f"{name}: run {row['run']} is not in runs.csv")
            elif run != row:
                problems.append(f"{name}: run {row['run']} has {row}, runs.csv {run}")
            if len(problems) > 20:
                return loaded
    return loaded


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "results/default")))
