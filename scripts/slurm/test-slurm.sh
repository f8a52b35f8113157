#!/usr/bin/env bash
# End-to-end test of sharded runs on a real Slurm cluster: a private single-node cluster under a
# temporary folder (scripts/slurm/cluster.sh; installs Slurm and munge with apt-get the first
# time), the default suite run once on this machine and once as a Slurm job array of 4 shards
# plus a merge job (scripts/slurm/submit.sh --wait), and the two result folders compared file by
# file. Then the failure cases: a shard folder lost (the merge exits 3 and lists exactly that
# shard's runs; re-running that shard alone through Slurm and merging again gives the same
# results), and a shard task that fails (the merge job, chained with afterany, exits 3 and lists
# exactly that shard's runs).
#
#   bash scripts/slurm/test-slurm.sh
#
# Builds nothing: needs .build/release/coordbench (or COORDBENCH=path). Prints `==>` progress on
# stderr and a summary (times, per-shard runs and CPU seconds, PASS/FAIL per check) on stdout;
# exits 0 when every check passed, 1 otherwise. The cluster is stopped and the temporary folder
# removed at the end, also on failure or interruption (KEEP_TMP=1 keeps the folder, with the
# daemons' and jobs' logs).
#
# Compared: every file of the two folders byte for byte (cmp), except manifest.json, which is
# compared without its "provenance" object (time, host, arguments: never the same), keys in the
# written order.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

say() { echo "==> $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

bin=${COORDBENCH:-$repo/.build/release/coordbench}
if [ ! -x "$bin" ]; then
    echo "error: no coordbench executable at $bin; build it first (swift build -c release) or set COORDBENCH" >&2
    exit 1
fi
COORDBENCH=$(realpath -- "$bin")
export COORDBENCH
suite=$repo/scenarios/default.yaml
shards=4
failed_shard=3

T=$(mktemp -d "${TMPDIR:-/tmp}/coordbench-slurm.XXXXXX")
chmod 0755 "$T" # munged wants every folder above its socket searchable by all
cleanup() {
    local rc=$?
    bash "$repo/scripts/slurm/cluster.sh" stop "$T/cluster" >/dev/null 2>&1 || true
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        echo "kept $T" >&2
    else
        rm -rf "$T"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
results=()
pass() { results+=("PASS  $*"); say "PASS: $*"; }
fail() { results+=("FAIL  $*"); echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Compares results folder $2 with the reference $1: same files, same bytes (manifest.json: same
# JSON without "provenance"). Prints what differs on stderr; returns 1 when something does.
same_results() {
    local a=$1 b=$2 f bad=0 n=0
    if ! diff <(cd "$a" && find . -type f | sort) <(cd "$b" && find . -type f | sort) >&2; then
        echo "the folders hold different files (< $a, > $b)" >&2
        bad=1
    fi
    while IFS= read -r f; do
        [ -f "$b/$f" ] || continue
        n=$((n + 1))
        if [ "${f##*/}" = manifest.json ]; then
            python3 - "$a/$f" "$b/$f" <<'EOF' || bad=1
import json, sys
def load(p):
    with open(p, encoding="utf-8") as fh:
        d = json.load(fh)
    d.pop("provenance", None)
    return json.dumps(d, ensure_ascii=False, separators=(",", ":"))
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    print("%s and %s differ (without provenance) at character %d: ...%s... vs ...%s..."
          % (sys.argv[1], sys.argv[2], i, a[max(0, i - 60):i + 60], b[max(0, i - 60):i + 60]), file=sys.stderr)
    sys.exit(1)
EOF
        elif ! cmp "$a/$f" "$b/$f" >&2; then
            bad=1
        fi
    done < <(cd "$a" && find . -type f | sort)
    [ "$n" -gt 0 ] || { echo "no files in $a" >&2; bad=1; }
    say "compared $n files of $b with $a"
    return "$bad"
}

# shard.json field $2 of shard folder $1, or "n/a"
shard_field() {
    python3 - "$1/shard.json" "$2" <<'EOF' 2>/dev/null || echo n/a
import json, sys
v = json.load(open(sys.argv[1])).get(sys.argv[2])
print("n/a" if v is None else v)
EOF
}

# ---------------------------------------------------------------------------------------------
say "starting a private Slurm cluster under $T/cluster"
t=$(now)
env_line=$(bash scripts/slurm/cluster.sh start "$T/cluster")
eval "$env_line"
start_time=$(since "$t")
say "cluster up in $start_time s ($env_line)"

say "running the default suite once on this machine: $T/single/results"
t=$(now)
"$COORDBENCH" run "$suite" --out "$T/single/results" --jobs 2 -q
single_time=$(since "$t")
total_runs=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$T/single/results/runs.csv")
say "single run: $total_runs runs in $single_time s"

# --- 1. the whole cycle through Slurm --------------------------------------------------------
say "submitting the suite as $shards shards plus a merge (scripts/slurm/submit.sh --wait)"
t=$(now)
submit_rc=0
timeout --foreground 300 bash scripts/slurm/submit.sh "$suite" "$T/shards" "$T/merged/results" \
    --shards "$shards" --wait >"$T/submit.out" || submit_rc=$?
cycle_time=$(since "$t")
if [ "$submit_rc" -eq 0 ]; then
    pass "submit.sh --wait: $shards shards and the merge ran (exit 0) in $cycle_time s"
    if same_results "$T/single/results" "$T/merged/results"; then
        pass "merged results identical to the single run"
    else
        fail "merged results differ from the single run"
    fi
else
    fail "submit.sh --wait exited with $submit_rc after $cycle_time s"
fi

shard_lines=()
sum_runs=0
for k in $(seq "$shards"); do
    runs=$(shard_field "$T/shards/shard-$k" runs)
    cpu=$(shard_field "$T/shards/shard-$k" cpu_seconds)
    shard_lines+=("$(printf '  shard %d/%d: %6s runs  %8s CPU s' "$k" "$shards" "$runs" "$cpu")")
    if [[ "$runs" =~ ^[0-9]+$ ]] && [ "$sum_runs" != n/a ]; then
        sum_runs=$((sum_runs + runs))
    else
        sum_runs=n/a
    fi
done
if [ "$sum_runs" = n/a ]; then
    say "shard.json has no \"runs\": not checking that the shards add up"
elif [ "$sum_runs" -eq "$total_runs" ]; then
    pass "the shards' runs add up to the suite's ($sum_runs)"
else
    fail "the shards' runs add up to $sum_runs, the suite has $total_runs"
fi

# --- 2. a lost shard: merge exits 3 and lists its runs; re-run it alone; merge again -----------
lost=$T/shards/shard-$failed_shard
if [ -d "$lost" ]; then
    lost_runs=$(shard_field "$lost" runs)
    say "deleting $lost ($lost_runs runs) and merging the other shards"
    rm -rf "$lost"
    others=()
    for k in $(seq "$shards"); do
        [ "$k" -eq "$failed_shard" ] || others+=("$T/shards/shard-$k")
    done
    merge_rc=0
    "$COORDBENCH" merge "${others[@]}" --out "$T/incomplete/results" \
        >"$T/missing.txt" 2>"$T/missing.err" || merge_rc=$?
    if [ "$merge_rc" -eq 3 ]; then
        pass "merge without shard $failed_shard exits 3"
    else
        fail "merge without shard $failed_shard exited with $merge_rc, not 3"
        sed -n '1,20p' "$T/missing.err" >&2
    fi
    # The lines on stdout: run identities of the single run's runs.csv, each once, as many as
    # the lost shard had (when its shard.json said).
    if python3 - "$T/missing.txt" "$T/single/results/runs.csv" "$lost_runs" <<'EOF'; then
import csv, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
with open(sys.argv[2], newline="", encoding="utf-8") as fh:
    known = {row["run"] for row in csv.DictReader(fh)}
expected = sys.argv[3]
problems = []
if not lines:
    problems.append("no run listed on stdout")
bad = [l for l in lines if not re.match(r"^seed=[^|]*\|scenario=[^|]+\|", l) or l not in known]
if bad:
    problems.append("%d lines are not run identities of the suite, e.g. %r" % (len(bad), bad[0]))
if len(set(lines)) != len(lines):
    problems.append("%d runs listed more than once" % (len(lines) - len(set(lines))))
if expected.isdigit() and len(lines) != int(expected):
    problems.append("%d runs listed, the lost shard had %s" % (len(lines), expected))
for p in problems:
    print(p, file=sys.stderr)
print("%d missing runs listed" % len(lines), file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
        pass "merge lists exactly the lost shard's runs on stdout ($(wc -l <"$T/missing.txt") lines)"
    else
        fail "merge's list of missing runs is wrong (see above)"
    fi
    if grep -q -- "--shard $failed_shard/$shards" "$T/missing.err"; then
        pass "merge prints the command that re-runs shard $failed_shard/$shards"
    else
        fail "merge's stderr has no command with --shard $failed_shard/$shards"
        sed -n '1,20p' "$T/missing.err" >&2
    fi
    if [ -e "$T/incomplete/results/runs.csv" ]; then
        say "note: the incomplete merge wrote $T/incomplete/results/runs.csv"
    fi

    say "re-running shard $failed_shard alone: sbatch --array=$failed_shard --export=ALL,SHARDS=$shards --wait scripts/slurm/shards.sbatch"
    t=$(now)
    rerun_rc=0
    timeout --foreground 300 sbatch --quiet --wait --array="$failed_shard" --export="ALL,SHARDS=$shards" \
        --output="$T/shards/logs/rerun-%A_%a.out" scripts/slurm/shards.sbatch "$suite" "$T/shards" || rerun_rc=$?
    rerun_time=$(since "$t")
    if [ "$rerun_rc" -eq 0 ] && [ -d "$lost" ]; then
        pass "shard $failed_shard re-run through Slurm in $rerun_time s"
    else
        fail "re-running shard $failed_shard exited with $rerun_rc"
        cat "$T/shards/logs/rerun-"*.out >&2 2>/dev/null || true
    fi
    merge_rc=0
    "$COORDBENCH" merge "$T/shards"/shard-* --out "$T/remerged/results" -q || merge_rc=$?
    if [ "$merge_rc" -eq 0 ] && same_results "$T/single/results" "$T/remerged/results"; then
        pass "merge after the re-run: exit 0, results identical to the single run"
    else
        fail "merge after the re-run: exit $merge_rc or results differ from the single run"
    fi
else
    fail "no $lost to delete: skipped the lost-shard check"
fi

# --- 3. a failing task: the merge (chained with afterany) exits 3 and lists the missing runs ---
# Shard 2 of 2 cannot write its folder (a file is in the way): coordbench exits non-zero, the
# merge job still runs (submit.sh --merge-always) and fails with exit 3, listing shard 2's runs.
say "submitting 2 shards of which one fails (its output folder is a file), the merge chained with afterany"
mkdir -p "$T/failing"
: >"$T/failing/shard-2"
t=$(now)
fail_rc=0
timeout --foreground 120 bash scripts/slurm/submit.sh "$suite" "$T/failing" "$T/failing-merged/results" \
    --shards 2 --merge-always --wait >"$T/failing.out" 2>"$T/failing.err" || fail_rc=$?
missing_file=$(find "$T/failing/logs" -name 'merge-*.missing' 2>/dev/null | head -n 1)
expected_missing=$((total_runs / 2)) # shard 2 of 2: runs 1, 3, 5, … of the plan
listed=0
[ -z "$missing_file" ] || listed=$(wc -l <"$missing_file")
if [ "$fail_rc" -eq 3 ] && [ ! -e "$T/failing-merged/results" ] && [ "$listed" -eq "$expected_missing" ] &&
    grep -q -- "--shard 2/2" "$T/failing.err" "$T/failing/logs/"merge-*.out &&
    python3 - "$missing_file" "$T/single/results/runs.csv" <<'EOF'; then
import csv, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
with open(sys.argv[2], newline="", encoding="utf-8") as fh:
    runs = [row["run"] for row in csv.DictReader(fh)]
sys.exit(0 if lines == runs[1::2] else 1)
EOF
    pass "a failing shard task: the merge job exits 3 after $(since "$t") s and lists exactly shard 2/2's $listed runs"
else
    fail "a failing shard task: submit.sh --wait exited with $fail_rc (want 3), $listed runs listed (want $expected_missing)"
    cat "$T/failing.err" >&2
fi

# ---------------------------------------------------------------------------------------------
echo
echo "Slurm end-to-end test (scripts/slurm/test-slurm.sh), coordbench: $COORDBENCH"
echo "  cluster start:           $start_time s"
echo "  single run (--jobs 2):   $single_time s, $total_runs runs"
echo "  Slurm cycle ($shards shards + merge, submit to merged): $cycle_time s"
printf '%s\n' "${shard_lines[@]}"
echo "  re-run of shard $failed_shard:       ${rerun_time:-n/a} s"
printf '%s\n' "${results[@]}"
if [ "$failures" -eq 0 ]; then
    echo "PASS"
else
    echo "FAIL ($failures failed checks)"
    exit 1
fi
