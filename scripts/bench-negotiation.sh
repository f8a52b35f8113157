#!/usr/bin/env bash
# Negotiations per second: coordbench against NegMAS 0.16 on the same 60-outcome domain
# (scenarios/negotiation/speed-60.yaml = scripts/negmas/speed-domain.json), Boulware vs
# Conceder, 20 rounds, set-up included on both sides, measured in this one invocation.
# Installs negmas from PyPI (scripts/negmas/requirements.txt) when it is missing.
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
scratch=${COORDBENCH_SCRATCH:-.build}   # the build folder
if ! python3 -c "import negmas, sys; sys.exit(negmas.__version__ != '0.16.0')" 2>/dev/null; then
    echo "==> installing negmas 0.16.0 from PyPI" >&2
    python3 -m pip install -q -r scripts/negmas/requirements.txt >&2
fi
echo "==> building coordbench (release)" >&2
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
bin="$scratch/release/coordbench"

# Same negotiation, same result: the agreement NegMAS reached must be coordbench's too.
expected=$(python3 -c "import json; r=json.load(open('scripts/negmas/speed-domain.json'))['result']; print(r['step'], r['utilities'][0], r['utilities'][1])")
got=$($bin simulate scenarios/negotiation/speed-60.yaml --strategy sao | awk '$1=="rounds"{r=$2} $1=="utility-1"{a=$2} $1=="utility-2"{b=$2} END{print r, a, b}')
echo "NegMAS result (step u1 u2):      $expected"
echo "coordbench result (rounds u1 u2): $got"

negmas_rate=$(python3 scripts/negmas/speed.py | awk '/^negmas_negotiations_per_second/ {print $2}')
swift_rate=$($bin bench --scenario scenarios/negotiation/speed-60.yaml --strategy sao | awk '/^runs_per_second/ {print $2}')
python3 - "$swift_rate" "$negmas_rate" <<'PY'
import sys
swift, negmas = float(sys.argv[1]), float(sys.argv[2])
print(f"coordbench: {swift:12.0f} negotiations/s  ({1e6 / swift:8.1f} µs each, scoring included)")
print(f"NegMAS:     {negmas:12.1f} negotiations/s  ({1e3 / negmas:8.2f} ms each)")
print(f"ratio:      {swift / negmas:12.0f}×")
PY
