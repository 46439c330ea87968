#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, in a folder of its own, for tests and benches.
#   scripts/slurm-local.sh run DIR    writes DIR/slurm.conf, starts munged (as the munge user),
#                                     slurmctld and slurmd (as root) as its own children, waits until
#                                     the node is idle, prints SLURM_CONF=DIR/slurm.conf, and keeps
#                                     running until SIGTERM/SIGINT (Ctrl-C), then stops all three
#   scripts/slurm-local.sh stop DIR   stops daemons left in DIR (by their pid files), e.g. after a kill -9
# The daemons run in the foreground under this script, so it reaps them: nothing is left behind,
# not even a zombie where PID 1 does not reap orphans (containers, micro-VMs).
# Needs root and Debian's slurmctld slurmd slurm-client munge. Nothing outside DIR is written or
# read beyond the binaries: its own munge key and socket, its own state and spool folders, and
# ports chosen free now (SLURMCTLD_PORT / SLURMD_PORT override them).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 run|stop DIR" >&2; exit 2; }

die() { echo "slurm-local: $*" >&2; stop_children; exit 1; }

# a TCP port nothing listens on (random, in a range no default service uses)
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free TCP port found in 20000-39999"
}

stop_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop() {
  # running jobs (slurmstepd and the job's processes) end with slurmd
  stop_pidfile "$dir/run/slurmd.pid"
  stop_pidfile "$dir/run/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
}

children=()
sleeper=""
# stop our own children, slurmd first, and reap them
stop_children() {
  local i pid
  for (( i=${#children[@]}-1; i>=0; i-- )); do
    pid=${children[$i]}
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  children=()
  if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null || true; wait "$sleeper" 2>/dev/null || true; fi
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
[ "$cmd" = run ] || die "unknown command '$cmd' (run or stop)"

[ "$(id -u)" = 0 ] || die "must run as root (slurmd starts jobs as their user; munged needs the munge user)"
for b in munged mungekey slurmctld slurmd sinfo sbatch; do
  command -v "$b" >/dev/null || die "'$b' not found: install the Debian packages slurmctld slurmd slurm-client munge"
done
id munge >/dev/null 2>&1 || die "no 'munge' user: install the Debian package munge"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod 0755 "$dir"
mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run" "$dir/munge"
chown munge:munge "$dir/munge"
chmod 0755 "$dir/munge"
# munged refuses a socket the munge user cannot reach (every folder above needs o+x)
setpriv --reuid=munge --regid=munge --init-groups test -x "$dir/munge" \
  || die "the munge user cannot reach $dir (a parent folder lacks o+x); use a folder under /tmp"
trap 'echo "slurm-local: start failed; logs in $dir/log and $dir/munge" >&2; stop_children' ERR
trap 'stop_children; exit 0' TERM INT HUP

# munge: our own key and socket, so a system munged (if any) is neither needed nor disturbed
key="$dir/munge/munge.key"
socket="$dir/munge/munge.socket"
if [ ! -f "$key" ]; then
  runuser -u munge -- mungekey --create --keyfile="$key" 2>/dev/null \
    || { dd if=/dev/urandom of="$key" bs=1 count=1024 status=none && chown munge:munge "$key"; }
  chmod 0600 "$key"
fi
# setpriv execs munged in place (runuser would stay as its parent and swallow our TERM)
setpriv --reuid=munge --regid=munge --init-groups munged -F --socket="$socket" --key-file="$key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" >/dev/null 2>&1 &
children+=($!)
for _ in $(seq 1 50); do [ -S "$socket" ] && break; kill -0 "${children[0]}" 2>/dev/null || break; sleep 0.1; done
[ -S "$socket" ] || die "munged did not start: $(tail -n 3 "$dir/munge/munged.log" 2>/dev/null)"

host=$(hostname -s)
cpus=$(nproc)
# a little below the physical memory, so slurmd never reports less than configured (that drains the node)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
ctld_port=${SLURMCTLD_PORT:-$(free_port)}
slurmd_port=${SLURMD_PORT:-$(free_port)}
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$(free_port)

: >"$dir/plugstack.conf"
cat >"$dir/slurm.conf" <<CONF
# written by scripts/slurm-local.sh: a single-node cluster on localhost
ClusterName=serlocal
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=3600
MaxArraySize=100001
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
PlugStackConfig=$dir/plugstack.conf
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >/dev/null 2>&1 &
children+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >/dev/null 2>&1 &
children+=($!)

state=""
for _ in $(seq 1 150); do
  for pid in "${children[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a daemon exited during start-up: $(tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null)"
  done
  state=$(sinfo -h -N -n "$host" -o '%T' 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || die "node $host is '${state:-not reported}' after 30 s, not idle: $(tail -n 5 "$dir/log/slurmd.log" "$dir/log/slurmctld.log" 2>/dev/null)"
trap - ERR
echo "SLURM_CONF=$SLURM_CONF"
# keep running (and reaping) until told to stop; a daemon that dies ends the cluster
while true; do
  for pid in "${children[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "slurm-local: daemon $pid exited; stopping the cluster" >&2
      stop_children
      exit 1
    fi
  done
  sleep 1 &
  sleeper=$!
  wait "$sleeper" || true
done
