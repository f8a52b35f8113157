#!/usr/bin/env bash
# A suite's parallel speed-up and serial share: runs SUITE (default scenarios/default.yaml) with
# --jobs 1 and --jobs 2 and prints, for each, the wall time, the peak memory and the CPU time of
# every thread (scripts/thread_cpu.c, an LD_PRELOAD library): the main thread (reading the
# suite, appending results in plan order, finishing the files), the workers, and the helper
# threads (hashing and writing blocks, summarising groups, the executable's fingerprint). The
# serial share is the main thread's CPU over the process's; on a shared machine compare CPU,
# not wall time. Usage: scripts/bench-suite.sh [SUITE] [extra run options…]
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${COORDBENCH_SCRATCH:-.build}
suite=${1:-scenarios/default.yaml}
shift || true
mkdir -p scripts/bin
gcc -O2 -shared -fPIC -o scripts/bin/thread_cpu.so scripts/thread_cpu.c -ldl -lpthread
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for jobs in 1 2; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" env LD_PRELOAD="$PWD/scripts/bin/thread_cpu.so" THREAD_CPU_OUT="$tmp/threads" \
        "$scratch/release/coordbench" run "$suite" --out "$tmp/out-$jobs" --jobs "$jobs" -q "$@"
    read -r wall rss < "$tmp/time"
    python3 - "$jobs" "$wall" "$rss" "$tmp/threads" <<'PY'
import sys
jobs, wall, rss, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
main = workers = helpers = 0.0
total = 0.0
for line in open(path):
    f = line.split()
    if f[0] == "process": total = float(f[2]); continue
    cpu = float(f[-1])
    if f[2] == "main": main += cpu
    elif f[3] == "coordbench": workers += cpu   # worker threads carry the process's name
    else: helpers += cpu
print(f"--jobs {jobs}: wall {wall:.2f} s, peak {rss / 1024:.0f} MiB; CPU {total / 1000:.2f} s: main {main:.0f} ms "
      f"({100 * main / total:.1f} %, the serial share), workers {workers:.0f} ms, helpers {helpers:.0f} ms "
      f"({100 * helpers / total:.1f} %)")
PY
done
