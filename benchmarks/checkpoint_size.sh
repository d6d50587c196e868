#!/usr/bin/env bash
# Checkpoint size per agent and write time (docs/HPC.md "Checkpoint and restart"): the
# Sahel scenario with about 10^7 agents (people_per_agent 0.18), stopped before day
# STOP_DAY with --checkpoint, then continued with --restart for the remaining days.
#   benchmarks/checkpoint_size.sh MIGFLOW [PEOPLE_PER_AGENT] [DAYS] [STOP_DAY] [THREADS]
set -euo pipefail
bin=${1:?usage: $0 MIGFLOW [PEOPLE_PER_AGENT] [DAYS] [STOP_DAY] [THREADS]}
ppa=${2:-0.18} days=${3:-12} stop=${4:-10} threads=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/migflow-ckpt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
set +e
"$bin" run "$here/../scenarios/sahel.yaml" --set agents.people_per_agent="$ppa" --set days="$days" --quiet \
  --threads "$threads" -o "$work/out.h5" --checkpoint "$work/ck.h5" --stop-after-days "$stop" 2> "$work/stop.log"
rc=$?
set -e
[ $rc -eq 75 ] || { echo "expected exit 75, got $rc: $(cat "$work/stop.log")" >&2; exit 1; }
agents=$("$bin" info "$work/ck.h5" | sed -n 's/.*, \([0-9]*\) agents$/\1/p')
bytes=$(stat -c %s "$work/ck.h5")
write_s=$(sed -n 's/.*checkpoint written to [^ ]* ([0-9.]* MB, \([0-9.]*\) s).*/\1/p' "$work/stop.log" | tail -1)
start=$(date +%s.%N)
"$bin" run --restart "$work/ck.h5" --quiet --threads "$threads" -o "$work/out.h5" > /dev/null
restart_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "agents $agents, checkpoint $bytes bytes ($(awk -v b="$bytes" -v n="$agents" 'BEGIN { printf "%.2f", b / n }') bytes per agent), written in $write_s s; restart + $((days - stop)) day(s) + result file: $restart_s s ($threads thread(s))"
