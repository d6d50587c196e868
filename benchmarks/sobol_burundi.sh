#!/bin/sh
# Sobol sensitivity of the Burundi Flee case (issue #22): 6 move-rule coefficients,
# N base rows (default 512: 512 x (6 + 2) = 4096 runs), one seed, the runs spread over
# JOBS shards of one thread each (default: the machine's cores), merged, then
# `migflow sensitivity`. Prints the wall time of each step and the CPU time of the
# runs (what a quiet machine's wall time approaches); the figures go to
# benchmarks/RESULTS.md ("Sobol sensitivity").
#
#   benchmarks/sobol_burundi.sh BUILD_DIR WORK_DIR [N] [JOBS]
set -eu
command -v /usr/bin/time > /dev/null || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
build=$1 work=$2 n=${3:-512} jobs=${4:-$(nproc)}
here=$(cd "$(dirname "$0")/.." && pwd)
migflow=$build/migflow
mkdir -p "$work"
"$migflow" import-flee "$here/scenarios/flee/burundi" -o "$work/burundi.yaml" > /dev/null
cat > "$work/sobol.yaml" <<YAML
scenario: burundi.yaml
output_dir: sobol_out
seeds: [1]
set: {output.compression: 0}
samples:
  method: sobol
  count: $n
  seed: 1
  ranges:
    flee.move_rules.conflict_movechance: [0.5, 1]
    flee.move_rules.camp_movechance: {min: 0.0001, max: 0.01, scale: log}
    flee.move_rules.default_movechance: [0.1, 0.5]
    flee.move_rules.camp_weight: {min: 0.5, max: 4, scale: log}
    flee.move_rules.foreign_weight: [0.5, 2]
    flee.move_rules.distance_power: [0.5, 1.5]
YAML
now() { date +%s.%N; }
t0=$(now)
k=0
pids=""
while [ "$k" -lt "$jobs" ]; do
  /usr/bin/time -f "%U %S" -o "$work/shard_$k.cpu" \
    "$migflow" sweep "$work/sobol.yaml" --overwrite --shard "$k/$jobs" --threads 1 > "$work/shard_$k.log" 2>&1 &
  pids="$pids $!"
  k=$((k + 1))
done
for p in $pids; do wait "$p"; done
t1=$(now)
"$migflow" sweep "$work/sobol.yaml" --merge > "$work/merge.log" 2>&1
t2=$(now)
"$migflow" sensitivity "$work/sobol_out" --bootstrap 1000 > "$work/sensitivity.log" 2>&1
t3=$(now)
cat "$work/sensitivity.log"
cpu=$(cat "$work"/shard_*.cpu | awk '{ s += $1 + $2 } END { printf "%.1f", s }')
awk -v cpu="$cpu" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v n="$n" -v j="$jobs" 'BEGIN {
  printf "N = %d, %d runs over %d shard(s) of 1 thread: runs %.1f s, merge %.1f s, sensitivity %.1f s, total %.1f s (%.1f min)\n",
         n, n * 8, j, b - a, c - b, d - c, d - a, (d - a) / 60
  printf "CPU of the shards (user + sys): %.1f s, %.3f s per run; with %d cores busy: %.1f min\n", cpu, cpu / (n * 8), j, cpu / j / 60 }'
