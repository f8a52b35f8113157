#!/usr/bin/env bash
# Negotiations per second: coordbench against NegMAS 0.16 on the same 60-outcome domain
# (scenarios/negotiation/speed-60.yaml = scripts/negmas/speed-domain.json), Boulware vs
# Conceder, 20 rounds, set-up included on both sides, measured in this one invocation.
#
# The two are timed in interleaved rounds (default 5): in each, NegMAS then coordbench, each
# repeating whole negotiations for about SECONDS (default 2) after its process has started
# (NegMAS after one warm-up negotiation, coordbench after reading the scenario). Each round's
# rates and ratio are printed; the headline is the MEDIAN of the rounds' ratios, which one
# round in which either side was disturbed (this machine is shared) cannot move.
#
# Usage: bash scripts/bench-negotiation.sh [ROUNDS [SECONDS]]
# Installs negmas from PyPI (scripts/negmas/requirements.txt) when it is missing.
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-2}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "error: ROUNDS must be a positive integer" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "error: SECONDS must be a number" >&2; exit 2; }
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

echo "$rounds rounds, each NegMAS then coordbench for about $seconds s each (set-up included on both sides)"
rates=()
for ((round = 1; round <= rounds; round++)); do
    # The first round rewrites scripts/negmas/speed-domain.json from NegMAS (as the single
    # measurement did); the others only time.
    dump=$([ "$round" -eq 1 ] && echo "" || echo "--no-dump")
    negmas_rate=$(python3 scripts/negmas/speed.py --min-seconds "$seconds" $dump | awk '/^negmas_negotiations_per_second/ {print $2}')
    swift_rate=$($bin bench --scenario scenarios/negotiation/speed-60.yaml --strategy sao --seconds "$seconds" \
                 | awk '/^runs_per_second/ {print $2}')
    python3 - "$round" "$swift_rate" "$negmas_rate" <<'PY'
import sys
r, swift, negmas = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"round {r}: coordbench {swift:9.0f}/s ({1e6 / swift:5.1f} µs)   NegMAS {negmas:6.1f}/s ({1e3 / negmas:5.2f} ms)   "
      f"ratio {swift / negmas:6.0f}×", flush=True)
PY
    rates+=("$swift_rate" "$negmas_rate")
done
python3 - "${rates[@]}" <<'PY'
import statistics, sys
values = [float(v) for v in sys.argv[1:]]
swift, negmas = values[0::2], values[1::2]
ratios = [s / n for s, n in zip(swift, negmas)]
print(f"coordbench: {statistics.median(swift):12.0f} negotiations/s median ({1e6 / statistics.median(swift):6.1f} µs each, "
      f"scoring included; rounds {min(swift):.0f}–{max(swift):.0f})")
print(f"NegMAS:     {statistics.median(negmas):12.1f} negotiations/s median ({1e3 / statistics.median(negmas):6.2f} ms each; "
      f"rounds {min(negmas):.1f}–{max(negmas):.1f})")
print(f"ratio per round: {', '.join(f'{r:.0f}×' for r in ratios)} (lowest {min(ratios):.0f}×, highest {max(ratios):.0f}×)")
print(f"headline, the median of the rounds' ratios: {statistics.median(ratios):.0f}×")
PY
