#!/usr/bin/env bash
# The kernel benchmark: the hold model on coordbench's event queue and on C++
# std::priority_queue (g++ -O2), in one invocation, with the ratio of events per second.
# Usage: scripts/bench.sh [EVENTS]   (default 10,000,000 events per measurement)
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
printf '%-10s %16s %16s %8s  %s\n' pending "swift events/s" "c++ events/s" ratio "checksums agree"
for n in $sizes; do
    best_cpp=0
    for _ in 1 2 3; do
        read -r rate cpp_sum < <(scripts/bin/hold_model "$n" "$events")
        best_cpp=$(python3 -c "print(max($best_cpp, $rate))")
    done
    read -r _ swift_rate swift_sum < <("$scratch/release/coordbench" bench --pending "$n" --events "$events" --plain)
    ratio=$(python3 -c "print(f'{$swift_rate / $best_cpp:.3f}')")
    agree=$([ "$swift_sum" = "$cpp_sum" ] && echo yes || echo "NO ($swift_sum vs $cpp_sum)")
    printf '%-10s %16.0f %16.0f %8s  %s\n' "$n" "$swift_rate" "$best_cpp" "$ratio" "$agree"
done
