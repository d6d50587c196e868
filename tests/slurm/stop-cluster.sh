#!/usr/bin/env bash
# Stops the one-node cluster start-cluster.sh started (by the pids it recorded).
set -u
dir=${1:-/tmp/migflow-slurm}
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2> /dev/null || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
done
exit 0
