#!/usr/bin/env bash
# A real, private, single-node Slurm cluster on this machine, kept entirely under one folder:
# for trying the sharded workflow (scripts/slurm/submit.sh) and for the end-to-end test
# (scripts/slurm/test-slurm.sh) without a real cluster.
#
#   scripts/slurm/cluster.sh start  DIR   # install Slurm and munge if missing, start the daemons
#   scripts/slurm/cluster.sh status DIR   # show whether the daemons run and what the node does
#   scripts/slurm/cluster.sh stop   DIR   # stop the daemons started under DIR
#
# start
#   Installs the Debian packages slurmctld, slurmd, slurm-client and munge with apt-get when a
#   command is missing (needs root or password-less sudo), writes DIR/slurm.conf, a fresh munge
#   key and DIR/env, then starts three daemons of its own: munged (private key and socket under
#   DIR/munge), slurmctld and slurmd. No systemd, cgroups or system-wide configuration is used
#   or changed; the daemons run as root. It waits until the node is idle and the scheduler has
#   run once (at most CLUSTER_TIMEOUT seconds, default 60), then prints on stdout the line the
#   Slurm commands need, also written to DIR/env:
#       export SLURM_CONF=DIR/slurm.conf
#   so `eval "$(scripts/slurm/cluster.sh start DIR)"` or `. DIR/env` sets up the shell. Progress
#   goes to stderr. When the cluster under DIR is already up, start only prints that line; when
#   it is half up (a daemon died), it is stopped and started afresh. When it does not come up,
#   start stops what it started, prints the end of each daemon's log and exits 1.
# stop
#   Sends TERM to exactly the daemons recorded in DIR's pid files (each checked to be the daemon
#   started with DIR's files), waits up to 10 s for them to exit, and removes the pid files.
#   DIR itself (configuration, logs, state) is left in place.
# status
#   Prints each daemon's pid or "not running" and, when all run, `sinfo`; exit 0 when all three
#   daemons run and the controller answers, 1 otherwise.
#
# Layout of DIR: slurm.conf, env, munge/ (key, socket, pid, log), state/ (StateSaveLocation),
# spool/ (SlurmdSpoolDir), run/ (pid files), log/ (slurmctld.log, slurmd.log, and the daemons'
# own stdout/stderr).
#
# Settings (environment variables, read by start):
#   CLUSTER_CPUS      CPUs the node advertises (default: the larger of 4 and the machine's CPU
#                     count, so that 4 one-CPU shards run at once even on a 2-core machine;
#                     advertising more than the machine has relies on
#                     SlurmdParameters=config_overrides)
#   CLUSTER_NODE      node name (default coordnode); CLUSTER_PARTITION partition (default local)
#   SLURMCTLD_PORT, SLURMD_PORT   ports (default: 6817 and 6818 when free, else the next free
#                     pair above them)
#   CLUSTER_TIMEOUT   seconds to wait for the cluster to come up (default 60)
# The partition is the default one and has no time limit; the node's RealMemory is the machine's
# memory, so `--mem` requests up to that size are accepted. Scheduling is tuned to be fast
# (batch_sched_delay=0, sched_min_interval=0, MinJobAge=4: finished jobs are forgotten after 4 s)
# and jobs whose dependency can no longer be satisfied are cancelled (kill_invalid_depend).
# There is no accounting storage, so `sacct` does not work; `squeue` and `scontrol show job` do.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
}

[ $# -eq 2 ] || usage
action=$1
case "$action" in start | stop | status) ;; *) usage ;; esac
[ -n "$2" ] || usage
if [ "$action" = start ]; then
    mkdir -p "$2"
elif [ ! -d "$2" ]; then
    echo "error: no such folder: $2" >&2
    exit 1
fi
dir=$(cd "$2" && pwd -P)

conf=$dir/slurm.conf
node=${CLUSTER_NODE:-coordnode}
partition=${CLUSTER_PARTITION:-local}
timeout=${CLUSTER_TIMEOUT:-60}
export SLURM_CONF=$conf

say() { echo "==> $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# pid files: a daemon counts as ours only when its command line names DIR's files
# ---------------------------------------------------------------------------------------------
pidfile_of() {
    case "$1" in
    munged) echo "$dir/munge/munged.pid" ;;
    slurmctld) echo "$dir/run/slurmctld.pid" ;;
    slurmd) echo "$dir/run/slurmd.pid" ;;
    esac
}

# Prints the pid of daemon $1 when it runs (not a zombie) and was started with DIR's files.
running_pid() {
    local file pid
    file=$(pidfile_of "$1")
    [ -s "$file" ] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [ -n "$pid" ] && alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$1" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/" || return 1
    echo "$pid"
}

# True while process $1 exists and is not a zombie.
alive() {
    local state
    [ -r "/proc/$1/status" ] || return 1
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)
    [ -n "$state" ] && [ "$state" != Z ]
}

# Cancels the jobs still in the cluster (all are ours: it is private), so that no job step
# outlives the daemons, and waits up to 10 s for them to end.
cancel_jobs() {
    running_pid slurmctld >/dev/null || return 0
    local jobs
    jobs=$(timeout 5 squeue -h -o %i 2>/dev/null || true)
    [ -n "$jobs" ] || return 0
    say "cancelling the jobs still in the cluster: $(echo "$jobs" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one job id a word
    timeout 5 scancel $jobs 2>/dev/null || true
    local _
    for _ in $(seq 40); do
        [ -z "$(timeout 5 squeue -h -t pending,running,completing,configuring -o %i 2>/dev/null || true)" ] && return 0
        sleep 0.25
    done
    echo "warning: jobs still in the cluster after 10 s" >&2
}

stop_daemons() {
    local d pid pids=()
    cancel_jobs
    for d in slurmd slurmctld munged; do
        if pid=$(running_pid "$d"); then
            say "stopping $d (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    # Wait for the processes themselves (a daemon removes its pid file before it has exited).
    local waited=0 left
    while :; do
        left=()
        for pid in "${pids[@]+"${pids[@]}"}"; do
            alive "$pid" && left+=("$pid")
        done
        [ ${#left[@]} -gt 0 ] || break
        if [ "$waited" -ge 100 ]; then
            echo "warning: still running after 10 s: pids ${left[*]}" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$dir/munge/munged.pid" "$dir/run/slurmctld.pid" "$dir/run/slurmd.pid"
}

all_running() {
    running_pid munged >/dev/null && running_pid slurmctld >/dev/null && running_pid slurmd >/dev/null
}

any_running() {
    running_pid munged >/dev/null || running_pid slurmctld >/dev/null || running_pid slurmd >/dev/null
}

print_env() {
    echo "export SLURM_CONF=$conf" >"$dir/env"
    echo "export SLURM_CONF=$conf"
}

log_tails() {
    local f
    for f in "$dir/munge/munged.log" "$dir/log/munged.out" "$dir/log/slurmctld.log" \
        "$dir/log/slurmctld.out" "$dir/log/slurmd.log" "$dir/log/slurmd.out"; do
        [ -s "$f" ] || continue
        echo "---- last lines of $f" >&2
        tail -n 15 "$f" >&2
    done
}

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------
install_packages() {
    local missing=()
    command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
    command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
    command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
    command -v munged >/dev/null 2>&1 || missing+=(munge)
    [ ${#missing[@]} -gt 0 ] || return 0
    command -v apt-get >/dev/null 2>&1 ||
        die "Slurm is not installed (missing: ${missing[*]}) and apt-get is not available; install slurmctld, slurmd, slurm-client and munge"
    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=sudo
        else
            die "installing ${missing[*]} needs root; run: sudo apt-get install --no-install-recommends ${missing[*]}"
        fi
    fi
    say "installing ${missing[*]} with apt-get"
    local t0=$SECONDS
    $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >&2
    say "installed in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_ports() {
    if [ -n "${SLURMCTLD_PORT:-}" ] || [ -n "${SLURMD_PORT:-}" ]; then
        ctld_port=${SLURMCTLD_PORT:-6817}
        d_port=${SLURMD_PORT:-$((ctld_port + 1))}
        return
    fi
    local p=6817
    while [ "$p" -lt 6917 ]; do
        if ! port_in_use "$p" && ! port_in_use $((p + 1)); then
            ctld_port=$p
            d_port=$((p + 1))
            return
        fi
        p=$((p + 2))
    done
    die "no free pair of ports between 6817 and 6917; set SLURMCTLD_PORT and SLURMD_PORT"
}

write_config() {
    local cpus mem_mib ncpu
    ncpu=$(nproc 2>/dev/null || echo 1)
    cpus=${CLUSTER_CPUS:-$((ncpu > 4 ? ncpu : 4))}
    # The machine's memory in MiB (what slurmd would report); with config_overrides any value
    # is accepted, and without RealMemory every `--mem` request would be refused (default 1 MiB).
    mem_mib=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo 2>/dev/null || true)
    [ -n "$mem_mib" ] && [ "$mem_mib" -gt 0 ] || mem_mib=1024
    pick_ports
    cat >"$conf" <<EOF
# Written by scripts/slurm/cluster.sh: a private single-node cluster under $dir
ClusterName=coordbench
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=4
KillWait=5
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=$partition Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
    say "wrote $conf (node $node: $cpus CPUs, ${mem_mib} MiB; ports $ctld_port, $d_port)"
}

# ---------------------------------------------------------------------------------------------
# readiness: the node is idle and the main scheduler has run at least once
# ---------------------------------------------------------------------------------------------
node_state() { timeout 5 sinfo -h -N -n "$node" -o %T 2>/dev/null | head -n 1 || true; }

sched_cycles() {
    timeout 5 sdiag 2>/dev/null | awk '
        /^Main schedule statistics/ { main = 1 }
        main && /Total cycles:/ { print $3; exit }' || true
}

ready() {
    [ "$(node_state)" = idle ] || return 1
    local c
    c=$(sched_cycles)
    [ -n "$c" ] && [ "$c" -ge 1 ]
}

# ---------------------------------------------------------------------------------------------
start() {
    if all_running && ready; then
        say "the cluster under $dir is already up"
        print_env
        return 0
    fi
    if any_running; then
        say "the cluster under $dir is only partly up: stopping it and starting afresh"
        stop_daemons || true
    fi
    install_packages
    local t0=$SECONDS
    mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/run" "$dir/log"
    # munged refuses a socket in a folder that not everybody can reach: every folder above it
    # must be searchable by all (o+x). DIR and DIR/munge are made so; the others are checked.
    chmod go+x "$dir"
    chmod 0755 "$dir/munge"
    local p=$dir
    while [ "$p" != / ]; do
        p=$(dirname "$p")
        [ "$(( $(stat -c '0%a' "$p") & 1 ))" -eq 1 ] ||
            die "munged needs every folder above its socket to be searchable by all, and $p is not (mode $(stat -c %a "$p")); chmod o+x $p, or choose a DIR elsewhere"
    done
    write_config

    # munge: a fresh private key (128 random bytes, mode 0400) and socket
    rm -f "$dir/munge/munge.key"
    head -c 128 /dev/urandom >"$dir/munge/munge.key"
    chmod 0400 "$dir/munge/munge.key"
    rm -f "$dir/munge/munge.sock" "$dir/munge/munge.sock.lock"

    say "starting munged, slurmctld and slurmd under $dir"
    munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" </dev/null >>"$dir/log/munged.out" 2>&1 ||
        { log_tails; die "munged did not start"; }

    for _ in $(seq 50); do
        [ -S "$dir/munge/munge.sock" ] && break
        sleep 0.1
    done
    [ -S "$dir/munge/munge.sock" ] || { log_tails; stop_daemons || true; die "munged did not create its socket"; }

    slurmctld -f "$conf" -i </dev/null >>"$dir/log/slurmctld.out" 2>&1 ||
        { log_tails; stop_daemons || true; die "slurmctld did not start"; }
    slurmd -f "$conf" -N "$node" </dev/null >>"$dir/log/slurmd.out" 2>&1 ||
        { log_tails; stop_daemons || true; die "slurmd did not start"; }

    local deadline=$((SECONDS + timeout))
    until ready; do
        if [ "$SECONDS" -ge "$deadline" ] || ! all_running; then
            echo "error: the Slurm cluster under $dir did not come up within $timeout s" \
                "(node state: '$(node_state)', scheduling cycles: '$(sched_cycles)')" >&2
            log_tails
            stop_daemons || true
            exit 1
        fi
        sleep 0.25
    done
    say "cluster up in $((SECONDS - t0)) s: partition $partition, node $node ($(timeout 5 sinfo -h -N -n "$node" -o %c) CPUs)"
    print_env
}

status() {
    local d pid ok=0
    for d in munged slurmctld slurmd; do
        if pid=$(running_pid "$d"); then
            echo "$d: running (pid $pid)"
        else
            echo "$d: not running"
            ok=1
        fi
    done
    if [ "$ok" -eq 0 ]; then
        echo "export SLURM_CONF=$conf"
        timeout 5 sinfo || ok=1
    fi
    return "$ok"
}

case "$action" in
start) start ;;
stop)
    if any_running; then
        stop_daemons
        say "stopped the cluster under $dir"
    else
        say "no daemon of the cluster under $dir is running"
    fi
    ;;
status) status ;;
esac
