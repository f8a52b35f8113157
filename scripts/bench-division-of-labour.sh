#!/usr/bin/env bash
# How the division-of-labour strategies scale: CPU seconds per event at 1,000, 10,000 and
# 100,000 agents at a fixed load (tasks proportional to agents), the fitted exponent of cost
# per event against agents (log-log slope), and an overloaded run (10 agents, load 1.2) at
# 10^5 and 10^6 tasks. Not a timed test: numbers depend on the machine.
# Usage: scripts/bench-division-of-labour.sh [COORDBENCH]   (default .build/release/coordbench)
#        SIZES="1000 10000" REPS="50 5 1" to change the team sizes and replications per size
#        (/usr/bin/time counts in hundredths of a second: small teams need many replications).
#        scripts/bench-division-of-labour.sh --million [COORDBENCH]: instead, the issue 12 check
#        "10^6 agents and 10^7 events in one run within 1 GiB and a minute of CPU, for every
#        strategy": the team below with 10^6 agents (rate 600,000, 5,000,000 tasks, an event
#        budget of 10^7), one run per strategy, process CPU (user + system) and peak RSS from
#        /usr/bin/time; exits non-zero when a run misses either limit (a few minutes in all).
set -euo pipefail
cd "$(dirname "$0")/.."
million=
if [ "${1:-}" = --million ]; then million=1; shift; fi
bin=${1:-.build/release/coordbench}
sizes=(${SIZES:-1000 10000 100000})
reps=(${REPS:-50 5 1})
strategies="random round-robin least-loaded skill-routing contract-net response-threshold"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# A team of four profiles (n/4 agents each), three task types, Poisson arrivals at 0.6 n per
# time unit (load about 0.6), 5 n tasks; "base" is the same team with one task, whose time
# (start-up, reading, set-up) is subtracted, replication by replication.
team() { # NAME AGENTS RATE COUNT
    local q=$(($2 / 4))
    cat <<EOF
name: $1
family: division-of-labour
description: scaling probe
task-types: [a, b, c]
agents:
  - {name: generalist, count: $q, speed: 1, cost: 4, reliability: 0.97, skills: {a: 0.9, b: 0.9, c: 0.9}}
  - {name: a-spec, count: $q, speed: 1, cost: 2, reliability: 0.95, skills: {a: 0.9, c: 0.5}}
  - {name: b-spec, count: $q, speed: 1, cost: 2, reliability: 0.95, skills: {b: 0.9, c: 0.5}}
  - {name: c-spec, count: $q, speed: 1.2, cost: 1.5, reliability: 0.93, skills: {c: 0.8}}
workload:
  arrivals: {process: poisson, rate: $3, count: $4}
  size: {distribution: exponential, mean: 1}
  difficulty: {distribution: uniform, min: 0, max: 0.8}
failures:
  detection: immediate
  max-attempts: 3
EOF
}
if [ -n "$million" ]; then
    { team million 1000000 600000 5000000; echo "event-budget: 10000000"; } > "$dir/million.yaml"
    printf '%-20s %10s %-13s %9s %9s  %s\n' strategy events "stop" "CPU s" "peak MiB" verdict
    failed=0
    for s in $strategies; do
        out=$(/usr/bin/time -f "%U %S %M" -o "$dir/time" "$bin" simulate "$dir/million.yaml" --strategy "$s")
        read -r cpu rss < <(awk '{print $1 + $2, $3}' "$dir/time")
        events=$(sed -n 's/^stop reason .* after \([0-9]*\) events.*/\1/p' <<<"$out")
        stop=$(sed -n 's/^stop reason *\([a-z-]*\) after .*/\1/p' <<<"$out")
        verdict=ok
        if awk -v c="$cpu" -v m="$rss" 'BEGIN {exit !(c > 60 || m > 1048576)}'; then verdict=MISSED; failed=1; fi
        printf '%-20s %10s %-13s %9.2f %9.0f  %s\n' "$s" "$events" "$stop" "$cpu" "$(awk -v m="$rss" 'BEGIN {print m / 1024}')" "$verdict"
    done
    echo "limits: 60 s of CPU and 1 GiB (1024 MiB) a run"
    exit $failed
fi

for n in "${sizes[@]}"; do
    team "scale-$n" "$n" $((n * 6 / 10)) $((n * 5)) > "$dir/scale-$n.yaml"
    team "base-$n" "$n" $((n * 6 / 10)) 1 > "$dir/base-$n.yaml"
done
for m in 100000 1000000; do
    cat > "$dir/overload-$m.yaml" <<EOF
name: overload-$m
family: division-of-labour
description: ten identical agents at load 1.2
task-types: [task]
agents:
  - {name: agent, count: 10, speed: 1, cost: 1, reliability: 0.95, skills: 1}
workload:
  arrivals: {process: poisson, rate: 12, count: $m}
  size: {distribution: exponential, mean: 1}
EOF
done

# Prints "USER_SECONDS EVENTS" for one run.
measure() { # SCENARIO STRATEGY REPLICATION
    local out
    out=$({ /usr/bin/time -f "TIME %U" "$bin" simulate "$dir/$1.yaml" --strategy "$2" --replication "$3"; } 2>&1)
    echo "$(grep -o 'TIME [0-9.]*' <<<"$out" | cut -d' ' -f2) $(grep -o 'after [0-9]*' <<<"$out" | cut -d' ' -f2)"
}

printf '%-20s' "µs CPU per event"
for n in "${sizes[@]}"; do printf '%12s' "n=$n"; done
printf '%10s\n' exponent
for s in $strategies; do
    printf '%-20s' "$s"
    points=""
    for i in "${!sizes[@]}"; do
        n=${sizes[$i]}
        user=0; events=0
        for ((r = 0; r < ${reps[$i]}; r++)); do
            read -r base _ < <(measure "base-$n" "$s" "$r")
            read -r u e < <(measure "scale-$n" "$s" "$r")
            user=$(awk -v a="$user" -v b="$u" -v c="$base" 'BEGIN { print a + b - c }')
            events=$((events + e))
        done
        per=$(awk -v u="$user" -v e="$events" 'BEGIN { printf "%.3f", u / e * 1e6 }')
        printf '%12s' "$per"
        points="$points $n $per"
    done
    # Least-squares slope of log(µs per event) against log(agents).
    awk -v p="$points" 'BEGIN {
        k = split(p, v, " "); m = k / 2
        for (i = 0; i < m; i++) { x[i] = log(v[2*i+1]); y[i] = log(v[2*i+2] > 0 ? v[2*i+2] : 1e-9); sx += x[i]; sy += y[i] }
        sx /= m; sy /= m
        for (i = 0; i < m; i++) { num += (x[i]-sx)*(y[i]-sy); den += (x[i]-sx)^2 }
        printf "%10.2f\n", num / den }'
done
echo
echo "overloaded: 10 agents, load 1.2 (CPU seconds)"
printf '%-20s%14s%14s\n' strategy "10^5 tasks" "10^6 tasks"
for s in $strategies; do
    read -r a _ < <(measure overload-100000 "$s" 0)
    read -r b _ < <(measure overload-1000000 "$s" 0)
    printf '%-20s%14s%14s\n' "$s" "$a" "$b"
done
