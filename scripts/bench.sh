#!/usr/bin/env bash
# The kernel benchmark: the hold model on coordbench's event queue and on C++
# std::priority_queue (g++ -O2), in one invocation, with the ratio of events per second.
# Usage: [ROUNDS=3] scripts/bench.sh [EVENTS]   (default 10,000,000 events per measurement)
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
scratch=${COORDBENCH_SCRATCH:-.build}   # the build folder
events=${1:-10000000}
sizes="1000 100000"
mkdir -p scripts/bin
echo "==> building (release) and compiling scripts/hold_model.cpp with g++ -O2" >&2
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
g++ -O2 -o scripts/bin/hold_model scripts/hold_model.cpp -lgsl -lgslcblas -lm
# Rounds interleave the two (C++ then Swift, ROUNDS times, default 3), so that a change in the
# machine's load falls on both; each round's ratio goes to stderr, and the table shows the
# medians over the rounds: rates, and the ratio (the median of the rounds' ratios).
rounds=${ROUNDS:-3}
printf '%-10s %16s %16s %8s  %s\n' pending "swift events/s" "c++ events/s" ratio "checksums agree"
for n in $sizes; do
    swift_rates=() cpp_rates=() agree=yes
    for round in $(seq 1 "$rounds"); do
        read -r cpp_rate cpp_sum < <(scripts/bin/hold_model "$n" "$events")
        read -r _ swift_rate swift_sum < <("$scratch/release/coordbench" bench --pending "$n" --events "$events" --plain)
        [ "$swift_sum" = "$cpp_sum" ] || agree="NO ($swift_sum vs $cpp_sum)"
        cpp_rates+=("$cpp_rate") swift_rates+=("$swift_rate")
        python3 -c "print(f'  round $round, $n pending: swift {$swift_rate:.0f}/s, c++ {$cpp_rate:.0f}/s, ratio {$swift_rate / $cpp_rate:.3f}')" >&2
    done
    python3 - "$n" "$agree" "${swift_rates[*]}" "${cpp_rates[*]}" <<'PY'
import statistics, sys
n, agree = sys.argv[1], sys.argv[2]
swift, cpp = [list(map(float, a.split())) for a in sys.argv[3:5]]
ratio = statistics.median(s / c for s, c in zip(swift, cpp))
print(f"{n:<10} {statistics.median(swift):16.0f} {statistics.median(cpp):16.0f} {ratio:8.3f}  {agree}")
PY
done
