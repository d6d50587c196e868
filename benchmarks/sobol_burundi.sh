#!/bin/sh
# Sobol sensitivity of the Burundi Flee case (issue #22): 6 move-rule coefficients,
# N base rows (default 512: 512 x (6 + 2) = 4096 runs), one seed, the runs spread over
# JOBS shard processes of one thread each (`migflow sweep --jobs`, default: the
# machine's cores), merged, then
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
# The runs and the merge: --jobs runs the shards as child processes, whose CPU time
# /usr/bin/time counts with the parent's.
/usr/bin/time -f "%U %S" -o "$work/sweep.cpu" \
  "$migflow" sweep "$work/sobol.yaml" --overwrite --jobs "$jobs" --threads 1 > "$work/sweep.log" 2>&1
t2=$(now)
"$migflow" sensitivity "$work/sobol_out" --bootstrap 1000 > "$work/sensitivity.log" 2>&1
t3=$(now)
cat "$work/sensitivity.log"
cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$work/sweep.cpu")
grep -h "finished in\|^merge:" "$work/sweep.log"
awk -v cpu="$cpu" -v a="$t0" -v c="$t2" -v d="$t3" -v n="$n" -v j="$jobs" 'BEGIN {
  printf "N = %d, %d runs, --jobs %d --threads 1: sweep and merge %.1f s, sensitivity %.1f s, total %.1f s (%.1f min)\n",
         n, n * 8, j, c - a, d - c, d - a, (d - a) / 60
  printf "CPU of the sweep and its shards (user + sys): %.1f s, %.3f s per run; spread over %d cores: %.1f min\n", cpu, cpu / (n * 8), j, cpu / j / 60 }'
