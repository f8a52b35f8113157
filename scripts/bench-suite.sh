#!/usr/bin/env bash
# A suite's parallel speed-up and serial share, in interleaved rounds with the machine's own
# two-core ceiling measured in the same rounds.
#
# Each round runs SUITE (default scenarios/default.yaml), one after another:
#   1. `--jobs 1`, and 2. `--jobs 2`, each with the CPU time of every thread
#      (scripts/thread_cpu.c, an LD_PRELOAD library): the main thread (reading the suite,
#      appending results in plan order, finishing the files), the workers, and the helper
#      threads (hashing and writing blocks, summarising groups, reading half of the suite);
#   3. `--jobs 1` pinned to one core (`taskset -c 0`): the time on one core;
#   4. the peer: two independent `--jobs 1` runs at once, pinned to cores 0 and 1. They share
#      nothing but the hardware, so 2 × (3) / (the slower of the two) is the most that two
#      cores give this work at that moment — the ceiling of a perfectly parallel suite. On a
#      shared virtual machine it moves with what the host's other tenants do, which is why it
#      is measured in every round next to the speed-up it bounds.
# It prints each round and the medians of: the speed-up over `--jobs 1` (1/2), over one core
# (3/2), the peer's ceiling, and the speed-up as a fraction of that ceiling; and each thread's
# CPU in the median round of `--jobs 2`. The serial share is the main thread's CPU over the
# process's. Compare medians of rounds, never one run: wall times on this kind of machine move
# by several per cent from one minute to the next.
#
# Usage: scripts/bench-suite.sh [SUITE] [extra run options…]
# ROUNDS (default 5) sets the number of rounds; COORDBENCH_SCRATCH the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${COORDBENCH_SCRATCH:-.build}
rounds=${ROUNDS:-5}
suite=${1:-scenarios/default.yaml}
shift || true
mkdir -p scripts/bin
gcc -O2 -shared -fPIC -o scripts/bin/thread_cpu.so scripts/thread_cpu.c -ldl -lpthread
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
bin=$scratch/release/coordbench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME PIN JOBS: one run of the suite; its wall time (s) and peak memory (KiB) go to
# $tmp/NAME.time and its threads' CPU to $tmp/NAME.threads.
run() {
    local name=$1 pin=$2 jobs=$3
    shift 3
    rm -rf "$tmp/out-$name"
    /usr/bin/time -f "%e %M" -o "$tmp/$name.time" env LD_PRELOAD="$PWD/scripts/bin/thread_cpu.so" \
        THREAD_CPU_OUT="$tmp/$name.threads" taskset -c "$pin" \
        "$bin" run "$suite" --out "$tmp/out-$name" --jobs "$jobs" -q "$@"
}
shift_args=("$@")
for round in $(seq 1 "$rounds"); do
    run jobs1 0,1 1 "${shift_args[@]}"
    run jobs2 0,1 2 "${shift_args[@]}"
    run one 0 1 "${shift_args[@]}"
    run pairA 0 1 "${shift_args[@]}" &
    run pairB 1 1 "${shift_args[@]}"
    wait
    for name in jobs1 jobs2 one pairA pairB; do
        printf '%s %s ' "$name" "$(cat "$tmp/$name.time")"
    done > "$tmp/round-$round"
    for jobs in 1 2; do
        python3 - "$tmp/jobs$jobs.threads" >> "$tmp/round-$round" <<'PY'
import sys
main = workers = helpers = total = 0.0
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "process": total = float(f[2]); continue
    cpu = float(f[-1])
    if f[2] == "main": main += cpu
    elif f[3] == "coordbench": workers += cpu   # worker threads carry the process's name
    else: helpers += cpu
print(f"cpu {total:.0f} {main:.0f} {workers:.0f} {helpers:.0f}", end=" ")
PY
    done
    echo >> "$tmp/round-$round"
done

python3 - "$tmp" "$rounds" <<'PY'
import statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
rows = []
for r in range(1, rounds + 1):
    f = open(f"{tmp}/round-{r}").read().split()
    wall = {f[i]: float(f[i + 1]) for i in range(0, 15, 3)}
    rss = {f[i]: int(f[i + 2]) for i in range(0, 15, 3)}
    cpu1 = list(map(float, f[16:20]))
    cpu2 = list(map(float, f[21:25]))
    rows.append((wall, rss, cpu1, cpu2))
print(f"{'round':>5}  {'jobs 1':>7} {'jobs 2':>7} {'1 core':>7} {'pair':>11}   "
      f"{'speed-up':>8} {'vs 1 core':>9} {'ceiling':>7} {'of ceiling':>10}")
speedups, cores, ceilings, fractions = [], [], [], []
for r, (wall, rss, cpu1, cpu2) in enumerate(rows, 1):
    s, c = wall["jobs1"] / wall["jobs2"], wall["one"] / wall["jobs2"]
    ceiling = 2 * wall["one"] / max(wall["pairA"], wall["pairB"])
    speedups.append(s); cores.append(c); ceilings.append(ceiling); fractions.append(s / ceiling)
    print(f"{r:>5}  {wall['jobs1']:>6.2f}s {wall['jobs2']:>6.2f}s {wall['one']:>6.2f}s "
          f"{wall['pairA']:>5.2f}/{wall['pairB']:.2f}s   {s:>7.3f}× {c:>8.3f}× {ceiling:>6.3f}× {100 * s / ceiling:>9.1f} %")
med = statistics.median
print(f"median speed-up of --jobs 2: {med(speedups):.3f}× over --jobs 1 (rounds {min(speedups):.3f}–{max(speedups):.3f}), "
      f"{med(cores):.3f}× over one core; the machine's ceiling for this work {med(ceilings):.3f}× "
      f"(rounds {min(ceilings):.3f}–{max(ceilings):.3f}); the speed-up is {100 * med(fractions):.1f} % of it")
for jobs, index in (("1", 2), ("2", 3)):
    ordered = sorted(rows, key=lambda row: row[0][f"jobs{jobs}"])
    wall, rss, cpu = ordered[len(ordered) // 2][0][f"jobs{jobs}"], ordered[len(ordered) // 2][1][f"jobs{jobs}"], ordered[len(ordered) // 2][index]
    total, main, workers, helpers = cpu
    print(f"--jobs {jobs} (median round): wall {wall:.2f} s, peak {rss / 1024:.0f} MiB; CPU {total / 1000:.2f} s: "
          f"main {main:.0f} ms ({100 * main / total:.1f} %, the serial share), workers {workers:.0f} ms, "
          f"helpers {helpers:.0f} ms ({100 * helpers / total:.1f} %)")
PY
