#!/usr/bin/env bash
# The full M/M/c scenario on coordbench against its hand-written C++ twin, in one invocation:
# scenarios/division-of-labour/mmc-team.yaml with c = 10 agents, λ = 9, μ = 1 (load 0.9)
# and TASKS tasks under least-loaded (a central FIFO line: FCFS M/M/c), against
# scripts/mmc_model.cpp (g++ -O2; std::priority_queue of (time, sequence) events, the same GSL
# mt19937 generator). Prints events per CPU-second of both and their ratio, peak memory, and
# the mean waits of 10 replications: the C++ twin seeds its streams from coordbench's workload
# identity and draws in the same order, so in every replication both mean waits must be the
# same double; and Erlang C's mean wait must lie within the 99 % t-interval of the 10
# replications' means (independent runs, each starting empty, which biases a mean down by
# about Wq · τ / T for a relaxation time τ ≈ 1 / (cμ(1 − √ρ)²) ≈ 38 against T ≈ TASKS / λ: a
# few per cent of the interval's width at 10^5 tasks, about 1 % at 10^6). Exits non-zero when
# either check fails (never on speed: the machine's load moves it).
#
# Usage: scripts/bench-mmc.sh [TASKS [RUNS]]   (default 1,000,000 tasks, 3 runs)
# CPU time is process CPU (user + system), start-up and set-up included on both sides:
# coordbench's is `coordbench bench --scenario` over RUNS runs in one process (each run draws
# its workload, runs and scores; the process's start-up is shared), divided by RUNS; the C++
# twin reports its own process CPU (CLOCK_PROCESS_CPUTIME_ID), best of 3.
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000000}
runs=${2:-3}
rate=9
servers=10
scratch=${COORDBENCH_SCRATCH:-.build}
bin=$scratch/release/coordbench
mkdir -p scripts/bin
echo "==> building coordbench (release) and compiling scripts/mmc_model.cpp with g++ -O2" >&2
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
g++ -O2 -o scripts/bin/mmc_model scripts/mmc_model.cpp -lgsl -lgslcblas -lm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tasks" "$rate" "$servers" "$tmp/mmc.yaml" <<'PY'
import sys, yaml
tasks, rate, servers, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
doc = yaml.safe_load(open("scenarios/division-of-labour/mmc-team.yaml"))
doc["name"] = f"mmc-{servers}-{tasks}"
doc["agents"][0]["count"] = servers
doc["workload"]["arrivals"]["rate"] = rate
doc["workload"]["arrivals"]["count"] = tasks
yaml.safe_dump(doc, open(out, "w"), sort_keys=False)
PY

# Replications 0..9: coordbench's run (its events, exact mean wait, workload identity, peak
# memory) and the C++ twin's run seeded from the same identity, whose mean waits must be the
# same double; the ten means give the 99 % t-interval Erlang C must lie in.
replications=10
: > "$tmp/waits"
for ((r = 0; r < replications; r++)); do
    out=$(/usr/bin/time -f "%U %S %M" -o "$tmp/time" "$bin" simulate "$tmp/mmc.yaml" --strategy least-loaded \
        --replication "$r" --exact)
    identity=$(sed -n 's/^run  *\(.*\)|strategy=.*/\1/p' <<<"$out")
    events=$(sed -n 's/^stop reason .* after \([0-9]*\) events.*/\1/p' <<<"$out")
    wait=$(awk '$1 == "mean-queue-wait" {print $2}' <<<"$out")
    [ "$r" -eq 0 ] && rss=$(awk '{print $3}' "$tmp/time")
    read -r _ cpp_events _ _ _ cpp_wait _ < <(scripts/bin/mmc_model "$rate" "$servers" "$tasks" "$identity")
    echo "$r $events $wait $cpp_events $cpp_wait" >> "$tmp/waits"
done
identity0=$(sed -n 's/|rep=[0-9]*$/|rep=0/p' <<<"$identity")

# CPU time: coordbench over RUNS runs of replication 0 in one process; the C++ twin, best of 3.
/usr/bin/time -f "%U %S" -o "$tmp/bench-time" "$bin" bench --scenario "$tmp/mmc.yaml" --strategy least-loaded \
    --seconds 0 --min-runs "$runs" > /dev/null
swift_cpu=$(awk -v r="$runs" '{printf "%.6f", ($1 + $2) / r}' "$tmp/bench-time")
best=
for _ in 1 2 3; do
    read -r _ cpp_events _ cpu _ < <(scripts/bin/mmc_model "$rate" "$servers" "$tasks" "$identity0")
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$cpu; fi
done
events0=$(awk '$1 == 0 {print $2}' "$tmp/waits")

python3 - "$tasks" "$rate" "$servers" "$events0" "$swift_cpu" "$rss" "$cpp_events" "$best" "$tmp/waits" <<'PY'
import math, statistics, sys
tasks, rate, servers = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
events, swift_cpu, rss = int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
cpp_events, cpp_cpu = int(sys.argv[7]), float(sys.argv[8])
rows = [line.split() for line in open(sys.argv[9])]
a = rate  # offered load λ/μ with μ = 1
top = a ** servers / math.factorial(servers) * servers / (servers - a)
erlang = top / (sum(a ** k / math.factorial(k) for k in range(servers)) + top)
wq = erlang / (servers - a)
swift_rate, cpp_rate = events / swift_cpu, cpp_events / cpp_cpu
ratio = swift_rate / cpp_rate
print(f"M/M/c (λ = {rate:g}, μ = 1, c = {servers}, {tasks:,} tasks, least-loaded): coordbench {events:,} events, "
      f"{swift_cpu:.3f} s CPU a run, {swift_rate / 1e6:.2f} M events/CPU-s, peak {rss / 1024:.0f} MiB; "
      f"C++ twin {cpp_events:,} events, {cpp_cpu:.3f} s, {cpp_rate / 1e6:.2f} M events/CPU-s")
print(f"M/M/c vs C++: {ratio:.2f}× (target ≥ 0.6×: {'met' if ratio >= 0.6 else 'NOT met'})")
same = all(float(r[2]) == float(r[4]) and r[1] == r[3] for r in rows)
waits = [float(r[2]) for r in rows]
mean, sd = statistics.mean(waits), statistics.stdev(waits)
half = 3.249835541592 * sd / math.sqrt(len(waits))   # t(0.995, 9): 99 % two-sided, 10 replications
inside = abs(mean - wq) <= half
print(f"M/M/c mean wait, replication 0: coordbench {waits[0]!r}, C++ {float(rows[0][4])!r}; in all {len(rows)} "
      f"replications {'the same double (same seeds, same draws)' if same else 'NOT THE SAME'}")
print(f"M/M/c mean wait over {len(rows)} replications: {mean:.6f} ± {half:.6f} (99 % t-interval); "
      f"Erlang C {wq:.6f}: {'inside' if inside else 'OUTSIDE'}")
sys.exit(0 if same and inside else 1)
PY
