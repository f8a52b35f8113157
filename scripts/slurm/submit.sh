#!/usr/bin/env bash
# Runs a coordbench suite on a Slurm cluster as a job array of shards plus a merge job.
#
#   scripts/slurm/submit.sh SUITE SHARDS_DIR RESULTS_DIR [--shards N] [--partition P] [--time T]
#       [--mem M] [--cpus-per-task C] [--merge-always] [--wait] [-- coordbench run options]
#
# Submits
#   1. scripts/slurm/shards.sbatch as the array --array=1-N: task K runs
#      `coordbench run SUITE --shard auto --out SHARDS_DIR/shard-K --jobs C -q`;
#   2. scripts/slurm/merge.sbatch with --dependency=afterok:<array job> (and
#      --kill-on-invalid-dep=yes): `coordbench merge SHARDS_DIR/shard-* --out RESULTS_DIR`,
#      which writes the same results an unsharded `coordbench run SUITE --out RESULTS_DIR` would.
# and prints on stdout, in a form `eval` accepts,
#   ARRAY_JOB_ID=<id>
#   MERGE_JOB_ID=<id>
# and on stderr what to run to watch them. Logs go to SHARDS_DIR/logs/ (shard-<array>_<K>.out,
# merge-<id>.out), a folder created here because sbatch opens the log files before a job starts.
#
# Options:
#   SUITE              the suite file, e.g. scenarios/default.yaml
#   SHARDS_DIR         folder of the shard folders (created); must be on a file system every
#                      node sees, like RESULTS_DIR and the coordbench executable
#   RESULTS_DIR        where the merged results go
#   --shards N         number of shards, i.e. array tasks (default 8)
#   --partition P      Slurm partition of both jobs (default: the cluster's default partition)
#   --time T           time limit of each shard task and of the merge (sbatch --time syntax,
#                      e.g. 30 or 1:00:00; default: the partition's)
#   --mem M            memory of each shard task and of the merge (sbatch --mem syntax, e.g. 4G)
#   --cpus-per-task C  CPUs per shard task; each shard runs with `--jobs C` (default 1)
#   --merge-always     chain the merge with afterany instead of afterok: it runs even when a task
#                      failed and then exits 3, listing the missing runs and the commands that
#                      re-run their shards (in its log)
#   --wait             wait for the merge job to end; exit with its status (0: RESULTS_DIR is
#                      complete), or 1 when it did not run because a shard task failed (the
#                      failed tasks' logs are shown)
#   -- OPTIONS         everything after `--` goes to every shard's `coordbench run`
# Other sbatch options (account, QOS, ...) can be given through sbatch's own environment
# variables, e.g. SBATCH_ACCOUNT=proj SBATCH_QOS=short scripts/slurm/submit.sh ...
#
# Environment:
#   COORDBENCH   the coordbench executable. Default: `coordbench` on the PATH, else this
#                repository's .build/release/coordbench. Passed on to the jobs as an absolute path.
#   SLURM_CONF   as for any Slurm command (for the private test cluster: . DIR/env, see
#                scripts/slurm/cluster.sh)
#
# Re-running failed shards later (the array ran, some tasks failed):
#   sbatch --array=K[,K...] --export=ALL,SHARDS=N --output=SHARDS_DIR/logs/shard-%A_%a.out \
#       scripts/slurm/shards.sbatch SUITE SHARDS_DIR
# then sbatch scripts/slurm/merge.sbatch SHARDS_DIR RESULTS_DIR (or run coordbench merge).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
}
die() { echo "error: $*" >&2; exit 2; }
say() { echo "==> $*" >&2; }

shards=8 partition='' time_limit='' mem='' cpus='' wait=0 dependency=afterok
positional=()
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
    --shards=*) shards=${1#*=}; shift ;;
    --partition) [ $# -ge 2 ] || usage; partition=$2; shift 2 ;;
    --partition=*) partition=${1#*=}; shift ;;
    --time) [ $# -ge 2 ] || usage; time_limit=$2; shift 2 ;;
    --time=*) time_limit=${1#*=}; shift ;;
    --mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
    --mem=*) mem=${1#*=}; shift ;;
    --cpus-per-task) [ $# -ge 2 ] || usage; cpus=$2; shift 2 ;;
    --cpus-per-task=*) cpus=${1#*=}; shift ;;
    --merge-always) dependency=afterany; shift ;;
    --wait) wait=1; shift ;;
    -h | --help) usage ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "error: unknown option $1" >&2; usage ;;
    *) positional+=("$1"); shift ;;
    esac
done
[ ${#positional[@]} -eq 3 ] || usage
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards takes a positive whole number (got '$shards')"
[ -z "$cpus" ] || [[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus-per-task takes a positive whole number (got '$cpus')"

# Absolute paths: the jobs may start in another folder, and the merge compares what the shards
# recorded.
suite=$(realpath -m -- "${positional[0]}")
shards_dir=$(realpath -m -- "${positional[1]}")
results_dir=$(realpath -m -- "${positional[2]}")
[ -f "$suite" ] || die "no such suite file: ${positional[0]}"

if [ -n "${COORDBENCH:-}" ]; then
    case "$COORDBENCH" in */*) COORDBENCH=$(realpath -m -- "$COORDBENCH") ;; esac
elif command -v coordbench >/dev/null 2>&1; then
    COORDBENCH=$(command -v coordbench)
elif [ -x "$repo/.build/release/coordbench" ]; then
    COORDBENCH=$repo/.build/release/coordbench
else
    die "no coordbench executable: build it (swift build -c release), put it on the PATH or set COORDBENCH"
fi
command -v "$COORDBENCH" >/dev/null 2>&1 || die "COORDBENCH=$COORDBENCH is not an executable"
export COORDBENCH

command -v sbatch >/dev/null 2>&1 || die "no sbatch on the PATH (is this a Slurm submission host?)"

# Shard folders of another sharding (more shards) would make the merge refuse the lot.
shopt -s nullglob
for d in "$shards_dir"/shard-*/; do
    k=${d%/}
    k=${k##*/shard-}
    if ! [[ "$k" =~ ^[0-9]+$ ]] || [ "$k" -gt "$shards" ]; then
        die "$shards_dir already holds ${d%/}, which is not one of shard-1 .. shard-$shards; remove it or choose another SHARDS_DIR"
    fi
done
shopt -u nullglob
logs=$shards_dir/logs
mkdir -p "$logs"

common=()
[ -z "$partition" ] || common+=(--partition "$partition")
[ -z "$time_limit" ] || common+=(--time "$time_limit")
[ -z "$mem" ] || common+=(--mem "$mem")

submit() { # prints the job id
    local out
    if ! out=$(sbatch --parsable "$@"); then
        echo "error: sbatch failed${SLURM_CONF:+ (SLURM_CONF=$SLURM_CONF)}; is the cluster up and SLURM_CONF set?" >&2
        exit 1
    fi
    echo "${out%%;*}"
}

array_cpus=()
[ -z "$cpus" ] || array_cpus=(--cpus-per-task "$cpus")
array_id=$(submit --array="1-$shards" --job-name=coordbench-shard \
    --output="$logs/shard-%A_%a.out" "${common[@]+"${common[@]}"}" "${array_cpus[@]+"${array_cpus[@]}"}" \
    "$here/shards.sbatch" "$suite" "$shards_dir" "${extra[@]+"${extra[@]}"}")
merge_id=$(submit --dependency="$dependency:$array_id" --kill-on-invalid-dep=yes \
    --job-name=coordbench-merge --output="$logs/merge-%j.out" "${common[@]+"${common[@]}"}" \
    "$here/merge.sbatch" "$shards_dir" "$results_dir")

echo "ARRAY_JOB_ID=$array_id"
echo "MERGE_JOB_ID=$merge_id"
say "submitted $shards shards of $suite as array job $array_id (${cpus:-1} CPU each, coordbench: $COORDBENCH)"
say "and the merge into $results_dir as job $merge_id (after $dependency:$array_id)"
say "watch:  squeue -j $array_id,$merge_id     logs: $logs/shard-${array_id}_K.out, $logs/merge-$merge_id.out"
[ "$wait" -eq 1 ] || exit 0

# --wait: poll until the merge job has ended. (Accounting storage may be absent, so not sacct; a
# finished job stays visible to squeue only for MinJobAge seconds, so the merge's exit status is
# read from the status file merge.sbatch writes.)
say "waiting for merge job $merge_id"
t0=$SECONDS
last=
while :; do
    if ! state=$(squeue -h -t all -j "$merge_id" -o %T 2>&1); then
        case "$state" in
        *"Invalid job id"*) state= ;; # already forgotten (MinJobAge): it has ended
        *) say "squeue failed (${state//$'\n'/ }); trying again"; sleep 2; continue ;;
        esac
    fi
    case "$state" in
    "" | COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED | BOOT_FAIL | DEADLINE | SPECIAL_EXIT | REVOKED) break ;;
    esac
    if [ "$state" != "$last" ]; then
        left=$(squeue -h -r -j "$array_id" -o %T 2>/dev/null | sort | uniq -c | awk '{ printf "%s%d %s", sep, $1, tolower($2); sep = ", " }' || true)
        say "merge job $merge_id: $state${left:+; shard tasks: $left} ($((SECONDS - t0)) s)"
        last=$state
    fi
    sleep 1
done

status_file=$logs/merge-$merge_id.status
if [ -s "$status_file" ]; then
    status=$(tr -dc '0-9' <"$status_file")
    status=${status:-1}
    if [ "$status" -eq 0 ]; then
        say "merged into $results_dir ($((SECONDS - t0)) s after submission)"
    else
        echo "error: the merge (job $merge_id) exited with status $status; the end of $logs/merge-$merge_id.out:" >&2
        tail -n 30 "$logs/merge-$merge_id.out" >&2 || true
    fi
    exit "$status"
fi

echo "error: the merge job $merge_id did not run${state:+ (state: $state)}: a shard task failed or was cancelled" >&2
failed=()
for k in $(seq "$shards"); do
    f=$logs/shard-${array_id}_$k.out
    if ! grep -q '^==> task .* ended with exit status 0 ' "$f" 2>/dev/null; then
        failed+=("$k")
        echo "---- $f" >&2
        tail -n 15 "$f" >&2 2>/dev/null || echo "(no log)" >&2
    fi
done
list=$(IFS=,; echo "${failed[*]:-K}")
echo "re-run the failed shards ($list of $shards), then merge:" >&2
echo "  sbatch --array=$list --export=ALL,SHARDS=$shards --output='$logs/shard-%A_%a.out' $here/shards.sbatch '$suite' '$shards_dir'" >&2
echo "  sbatch --output='$logs/merge-%j.out' $here/merge.sbatch '$shards_dir' '$results_dir'" >&2
exit 1
