#!/usr/bin/env bash
# Checks invariant 5 of the design: the event loop allocates nothing per event in steady
# state. Runs the hold model, a reviewed two-type team under every division-of-labour
# strategy, and negotiations that never agree, each at two sizes 10× apart, in a release
# build with a malloc-counting LD_PRELOAD library; the number of allocations may grow only
# by amortised array growth, not with the events (or offers).
# COORDBENCH_SCRATCH names the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${COORDBENCH_SCRATCH:-.build}
mkdir -p scripts/bin
gcc -O2 -shared -fPIC -o scripts/bin/malloc_counter.so scripts/malloc_counter.c -ldl
swift build -c release --scratch-path "$scratch" --product coordbench 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
bin=$scratch/release/coordbench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { LD_PRELOAD="$PWD/scripts/bin/malloc_counter.so" "$@" 2>&1 >/dev/null | sed -n 's/^mallocs: //p'; }
limit=200
failed=0
check() {  # name small large
    local growth=$(( $3 - $2 ))
    if [ "$growth" -gt "$limit" ]; then
        echo "allocation check FAILED: $1 allocated $2 then $3 (+$growth) for 10× the events" >&2
        failed=1
    else
        echo "allocation check ok: $1 ($2 → $3 mallocs for 10× the events)"
    fi
}
check "hold model" "$(count $bin bench --pending 1000 --events 100000 --repeats 1 --plain)" \
                   "$(count $bin bench --pending 1000 --events 1000000 --repeats 1 --plain)"
for n in 10000 100000; do
    cat > "$tmp/team-$n.yaml" <<YAML
family: division-of-labour
task-types: [a, b]
agents:
  - {name: agent, count: 4, reliability: 0.9, skills: {a: 1, b: 0.7}}
  - {name: reviewer, role: reviewer}
workload:
  arrivals: {process: poisson, rate: 3, count: $n}
  size: {distribution: exponential, mean: 1}
  difficulty: {distribution: uniform, min: 0, max: 1}
failures: {detection: reviewer, review-time: 0.05}
YAML
done
strategies_of() {  # the strategy names listed under one family
    $bin list strategies | awk -v family="$1" '/^Strategies of / {on = ($3 == family)} on && /^  [a-z]/ {print $1}'
}
for strategy in $(strategies_of division-of-labour); do
    check "$strategy" "$(count $bin simulate "$tmp/team-10000.yaml" --strategy "$strategy")" \
                      "$(count $bin simulate "$tmp/team-100000.yaml" --strategy "$strategy")"
done
# Negotiation: hardliners never agree, so offers grow with the deadline (10× apart).
for deadline in 100 1000; do
    sed "s/^deadline: .*/deadline: $deadline/; s/tactic: boulware/tactic: hardliner/; s/tactic: conceder/tactic: hardliner/" \
        scenarios/negotiation/supplier.yaml > "$tmp/negotiation-$deadline.yaml"
done
for strategy in sao sao-per-offer single-text; do
    check "negotiation $strategy" "$(count $bin simulate "$tmp/negotiation-100.yaml" --strategy "$strategy")" \
                                  "$(count $bin simulate "$tmp/negotiation-1000.yaml" --strategy "$strategy")"
done
# Agent teams, built-in patterns and a user's graph: slots of task instances and requests are
# recycled (their arrays grow with what is in flight only), the latencies are reserved once,
# nothing per event: 1,000 against 10,000 tasks.
for count in 1000 10000; do
    sed "s/^tasks: .*/tasks: {count: $count, rate: 2, trials: 1}/" scenarios/agent-teams/support-desk.yaml > "$tmp/team-$count.yaml"
    # A user's orchestration graph with a branch, a review, a bounded loop and a fan-out.
    cat >> "$tmp/team-$count.yaml" <<'YAML'
orchestrations:
  user-graph:
    nodes:
      triage: {branch: [{if: estimated-difficulty > 0.5, to: panel}, {to: answer}]}
      answer: {call: medium, next: review}
      review: {review: small, next: [{if: rejected, to: answer, limit: 2, escalate: true}, {to: done}]}
      panel: {parallel: {members: panel, count: 3, merge: vote}, next: check}
      check: {verify: {accuracy: 0.9, cost: 0.001}, next: done}
      done: end
  race-graph:
    nodes:
      race: {parallel: {members: [small, small, medium], merge: first-valid}, retries: 0, timeout: 5, next: best}
      best: {parallel: {members: panel, count: 3, merge: best-confidence}, fallback: none, next: ask}
      ask: {call: medium, retries: 3, fallback: frontier, next: [{if: attempts < 2, to: ask, limit: 1}, {to: done}]}
      done: end
YAML
    sed "s/^tasks: .*/tasks: {count: $count, rate: 2, trials: 1}/" scenarios/agent-teams/customer-service.yaml > "$tmp/service-$count.yaml"
done
for strategy in customer-service chain-agent-loose; do
    check "agent-team $strategy (shipped graph)" "$(count $bin simulate "$tmp/service-1000.yaml" --strategy "$strategy")" \
                                                 "$(count $bin simulate "$tmp/service-10000.yaml" --strategy "$strategy")"
done
for strategy in single router scatter-gather user-graph race-graph; do
    small=$(count $bin simulate "$tmp/team-1000.yaml" --strategy "$strategy")
    large=$(count $bin simulate "$tmp/team-10000.yaml" --strategy "$strategy")
    # Arrays of what is in flight grow by doubling: allow their reallocations only.
    check "agent-team $strategy" "$small" "$large"
done
exit $failed
