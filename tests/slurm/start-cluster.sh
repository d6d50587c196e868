#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine for the Slurm tests: munged with a key
# of its own, slurmctld and slurmd as root, this host both controller and compute node,
# everything (config, state, logs, sockets) under one directory so that nothing in /etc
# or /run is touched. Prints `export SLURM_CONF=...` for the callers to eval.
# Exit status 77 when a piece cannot start here, with the reason on stderr.
set -euo pipefail

dir=${1:-/tmp/migflow-slurm}
skip() { echo "slurm: cannot start: $*" >&2; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "the daemons must start as root (uid $(id -u))"
for b in munged slurmctld slurmd sbatch sinfo scontrol; do
  command -v "$b" > /dev/null || skip "$b not installed (.ci/install-deps slurm installs slurm-wlm and munge)"
done

"$(dirname "$0")/stop-cluster.sh" "$dir" 2> /dev/null || true
rm -rf "$dir"
mkdir -p "$dir"/{munge,state,spool,log}
chmod 700 "$dir/munge"
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"

# --force: munged refuses root and group-writable /tmp otherwise; this is a throwaway key.
munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed" \
  || skip "munged did not start: $(tail -3 "$dir/log/munged.log" 2> /dev/null)"

host=$(hostname -s)
# The node as slurmd itself sees it (CPUs, sockets, memory), so it is not drained for a mismatch.
node=$(slurmd -C | head -1)
[[ "$node" == NodeName=* ]] || skip "slurmd -C printed no node description: $node"
node_name=${node%% *}
node_name=${node_name#NodeName=}
# Free ports above the usual 6817/6818, so a real Slurm on this machine is not disturbed.
ctld_port=${MIGFLOW_SLURM_PORT:-16817}

cat > "$dir/slurm.conf" << CONF
ClusterName=migflow-ci
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups (containers seldom allow them): processes tracked by parent pid, tasks
# bound to their cores by sched_setaffinity (task/affinity), which needs no cgroup.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=10
MinJobAge=600
$node State=UNKNOWN
PartitionName=debug Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" -i || skip "slurmctld did not start: $(tail -3 "$dir/log/slurmctld.log" 2> /dev/null)"
slurmd -f "$SLURM_CONF" || skip "slurmd did not start: $(tail -3 "$dir/log/slurmd.log" 2> /dev/null)"

for _ in $(seq 1 60); do
  state=$(sinfo -h -N -o '%t' 2> /dev/null | head -1 || true)
  [ "$state" = idle ] && { echo "export SLURM_CONF=$SLURM_CONF"; exit 0; }
  sleep 0.5
done
skip "the node did not become idle (state: ${state:-none}); $(tail -5 "$dir/log/slurmd.log" "$dir/log/slurmctld.log" 2> /dev/null)"
