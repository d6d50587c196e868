#!/usr/bin/env bash
# Submits a sweep as a job array of N shards and its merge, which starts only when every
# shard succeeded (docs/HPC.md). Prints the two job ids: ARRAY_ID MERGE_ID.
#   scripts/slurm/submit-sweep.sh SWEEP.yaml N [sbatch options for both jobs...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SWEEP.yaml N [sbatch options...]" >&2; exit 2; }
sweep=$1 shards=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable "$@" --array="0-$((shards - 1))" "$here/sweep-array.sbatch" "$sweep")
array=${array%%;*}  # --parsable prints "id;cluster" on multi-cluster sites
merge=$(sbatch --parsable "$@" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  "$here/sweep-merge.sbatch" "$sweep")
echo "${array} ${merge%%;*}"
