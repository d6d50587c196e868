#!/usr/bin/env bash
# The documented Slurm scripts (docs/slurm/, docs/HPC.md) submitted with sbatch to a
# real one-node Slurm that start-cluster.sh brings up, awaited, and their outputs checked
# against the same work done without Slurm.
#   tests/slurm/run-tests.sh BUILD_DIR [MPI_BUILD_DIR]
# Exit 0 when every check passed, 1 on a failure, 77 when Slurm cannot start here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [MPI_BUILD_DIR]}" && pwd)
mpi_build=${2:+$(cd "$2" && pwd)}  # absolute: the tests run from a work directory
cluster=${MIGFLOW_SLURM_DIR:-/tmp/migflow-slurm}
export MIGFLOW="$build/migflow"
py=/usr/bin/python3

rc=0
env=$("$here/start-cluster.sh" "$cluster") || rc=$?
[ $rc -eq 0 ] || exit $rc
eval "$env"
work=$(mktemp -d /tmp/migflow-slurm-work.XXXXXX)
trap '"$here/stop-cluster.sh" "$cluster"; rm -rf "$work"' EXIT
cd "$work"

failures=0
pass() { echo "slurm test: ok: $*"; }
fail() { echo "slurm test: FAILED: $*" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# The state of a job as slurmctld reports it (COMPLETED, FAILED, CANCELLED, ...) and its exit code.
job_field() { scontrol show job -o "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
# Waits until every job given has ended; at most $timeout seconds.
await() {
  local timeout=$1 id
  shift
  for _ in $(seq 1 $((timeout * 2))); do
    local running=0
    for id in "$@"; do
      case $(job_field "$id" JobState) in PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED) running=1 ;; esac
    done
    [ $running -eq 0 ] && return 0
    sleep 0.5
  done
  return 1
}
# An index without its wall_s column, which differs between any two runs.
index_body() {
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s" || $i == "build") skip[i] = 1 }
                    { out = ""; for (i = 1; i <= NF; i++) if (!(i in skip)) out = out (out == "" ? "" : OFS) $i; print out }' "$1"
}
same_series() {  # same_series A.h5 B.h5: the datasets a run's results are made of
  local d
  for d in /series/population /series/agents /series/arrivals /series/departures /series/route_flow_forward \
           /series/route_flow_backward /series/in_transit; do
    h5diff -q "$1" "$2" "$d" "$d" || { echo "  $d differs between $1 and $2" >&2; return 1; }
  done
}

# The cluster launches steps with no MPI interface unless told (start-cluster.sh), as the
# project's own test cluster and many sites do: the scripts must say --mpi themselves.
check "the test cluster's MpiDefault is none" test "$(scontrol show config | sed -n 's/^MpiDefault *= *//p')" = none

echo "== run.sbatch: one run, threads on one node, progress lines in the batch log"
"$MIGFLOW" run "$src/scenarios/sahel.yaml" --set days=200 -o local.h5 --quiet > /dev/null
timeout 300 sbatch --wait -o run.log "$src/docs/slurm/run.sbatch" "$src/scenarios/sahel.yaml" "$work/slurm.h5" --set days=200 \
  > /dev/null && pass "run.sbatch exit 0" || fail "run.sbatch exit status $? (log: $(tail -3 run.log))"
check "run.sbatch wrote a complete file" test -f slurm.h5 -a ! -e slurm.h5.partial
check "its file passes the schema check" "$py" "$src/analysis/check_schema.py" slurm.h5
check "its series equal the run outside Slurm" same_series local.h5 slurm.h5
check "the batch log has one progress line per 5 % (20)" test "$(grep -c '^day [0-9]*/200 (' run.log)" -eq 20
check "the batch log has no carriage return" test "$(tr -cd '\r' < run.log | wc -c)" -eq 0
check "the run used the task's 2 cores as threads" "$py" -c \
  "import h5py,sys; sys.exit(int(h5py.File('slurm.h5')['/'].attrs['threads']) != 2)"

echo "== run.sbatch stopped by scancel --signal=TERM: clean stop, no partial file"
job=$(sbatch --parsable -o stop.log "$src/docs/slurm/run.sbatch" "$src/scenarios/sahel.yaml" "$work/stop.h5" \
  --set days=30000)
for _ in $(seq 1 120); do [ -e stop.h5.partial ] && break; sleep 0.5; done
check "the long run started (partial file present)" test -e stop.h5.partial
sleep 1
scancel --signal=TERM "$job"
check "the job ended within 20 s of the signal" await 20 "$job"
check "migflow said it stopped" grep -q "migflow: run stopped by SIGTERM after [0-9]* of 30000 days; $work/stop.h5 not written" stop.log
check "no partial file and no result file left" test ! -e stop.h5.partial -a ! -e stop.h5
check "the job ended FAILED with exit code 143" test "$(job_field "$job" JobState) $(job_field "$job" ExitCode)" = "FAILED 143:0"

echo "== run-checkpointed.sbatch stopped by SIGTERM as at its time limit: checkpoint, requeue, continue"
"$MIGFLOW" run "$src/scenarios/sahel.yaml" --set days=20000 -o ck_local.h5 --quiet > /dev/null
job=$(sbatch --parsable -o ckpt.log "$src/docs/slurm/run-checkpointed.sbatch" "$src/scenarios/sahel.yaml" "$work/ck.h5" \
  --set days=20000)
for _ in $(seq 1 120); do [ -e ck.h5.partial ] && break; sleep 0.5; done
check "the long run started (partial file present)" test -e ck.h5.partial
sleep 1
scancel --signal=TERM "$job"  # the job's steps only, as --signal=TERM@120 does at the time limit
check "the job requeued itself, continued and ended within 300 s" await 300 "$job"
check "migflow wrote the checkpoint and exited 75" grep -q "migflow: run stopped by SIGTERM after [0-9]* of 20000 days; checkpoint written to $work/ck.h5.checkpoint.h5" ckpt.log
check "the second start continued from it" grep -q "migflow-ckpt: start 2: continuing $work/ck.h5.checkpoint.h5" ckpt.log
check "the job ended COMPLETED after one requeue" test "$(job_field "$job" JobState) $(job_field "$job" Restarts)" = "COMPLETED 1"
check "its result equals the uninterrupted run outside Slurm" "$py" "$src/tests/mpi/same_datasets.py" ck_local.h5 ck.h5
check "the checkpoint was removed" test ! -e ck.h5.checkpoint.h5 -a ! -e ck.h5.partial

echo "== sweep as a job array of 3 shards, then the merge (submit-sweep.sh)"
cat > sweep.yaml << YAML
scenario: $src/scenarios/tiny.yaml
seeds: [1, 2, 3]
set: {days: 40}
grid: {behaviour.lambda_conflict: [0.2, 0.5]}
YAML
sed 's/^set:/output_dir: serial_out\nset:/' sweep.yaml > serial.yaml
"$MIGFLOW" sweep serial.yaml > /dev/null 2>&1
# One core per shard: two array tasks run at once on this 2-core node, sharing the directory.
read -r array merge < <("$src/docs/slurm/submit-sweep.sh" sweep.yaml 3 --cpus-per-task=1 -o "$work/%x-%j.log")
check "the array and the merge ended" await 300 "$array" "$merge"
check "the merge job completed" test "$(job_field "$merge" JobState)" = COMPLETED
check "every shard wrote its index" test -f sweep_out/index.shard-0-of-3.csv -a -f sweep_out/index.shard-1-of-3.csv \
  -a -f sweep_out/index.shard-2-of-3.csv
check "the merged index equals the serial sweep's" diff <(index_body sweep_out/index.csv) <(index_body serial_out/index.csv)
for f in serial_out/run_*.h5; do
  check "$(basename "$f") equals the serial sweep's" same_series "$f" "sweep_out/$(basename "$f")"
done

echo "== the job array stopped by scancel --signal=TERM, then submitted again: finishes exactly the rest"
cat > long.yaml << YAML
scenario: $src/scenarios/sahel.yaml
seeds: [1, 2, 3, 4]
set: {days: 400}
YAML
sed 's/^set:/output_dir: long_serial\nset:/' long.yaml > long_serial.yaml
"$MIGFLOW" sweep long_serial.yaml > /dev/null 2>&1
read -r array merge < <("$src/docs/slurm/submit-sweep.sh" long.yaml 2 --cpus-per-task=1 -o "$work/%x-%j.log")
# Stopped once a run has finished and another is under way.
for _ in $(seq 1 480); do
  compgen -G "long_out/run_*.h5" > /dev/null && compgen -G "long_out/run_*.h5.partial" > /dev/null && break
  sleep 0.25
done
scancel --signal=TERM "$array"
check "the stopped array and its merge ended" await 60 "$array" "$merge"
check "the merge was cancelled (its dependency failed)" test "$(job_field "$merge" JobState)" = CANCELLED
check "a shard index marks a run interrupted" grep -q ',interrupted,' long_out/index.shard-0-of-2.csv long_out/index.shard-1-of-2.csv
check "no partial file left" test -z "$(compgen -G 'long_out/*.partial' || true)"
done_before=$(cat long_out/index.shard-*-of-2.csv | grep -c ',done,' || true)
read -r array merge < <("$src/docs/slurm/submit-sweep.sh" long.yaml 2 --cpus-per-task=1 -o "$work/again-%x-%j.log")
check "the resubmitted array and merge ended" await 300 "$array" "$merge"
kept=0
for n in $(sed -n 's/.* ran, \([0-9]*\) kept from before.*/\1/p' again-migflow-sweep-*.log); do kept=$((kept + n)); done
check "some runs had finished before the stop ($done_before)" test "$done_before" -gt 0
check "the resubmitted shards kept those $done_before run(s) and ran only the rest" test "$kept" -eq "$done_before"
check "the resubmitted merge completed" test "$(job_field "$merge" JobState)" = COMPLETED
check "the merged index equals the serial sweep's" diff <(index_body long_out/index.csv) <(index_body long_serial/index.csv)
for f in long_serial/run_*.h5; do
  check "$(basename "$f") equals the serial sweep's" same_series "$f" "long_out/$(basename "$f")"
done

if [ -n "$mpi_build" ] && [ -x "$mpi_build/migflow" ]; then
  echo "== run.sbatch and the job array with the MPI build (one task per step, MpiDefault=none)"
  MIGFLOW="$mpi_build/migflow" timeout 300 sbatch --wait -o run-mpi.log "$src/docs/slurm/run.sbatch" \
    "$src/scenarios/sahel.yaml" "$work/run-mpi.h5" --set days=200 > /dev/null \
    && pass "run.sbatch with the MPI build exit 0" || fail "run.sbatch with the MPI build exit status $? (log: $(tail -5 run-mpi.log))"
  check "its series equal the serial run's" same_series local.h5 run-mpi.h5
  check "it used the task's 2 cores as threads" "$py" -c \
    "import h5py,sys; f=h5py.File('run-mpi.h5'); sys.exit(int(f.attrs['threads']) != 2 or int(f.attrs['ranks']) != 1)"
  # The same step without a launch interface fails as issue #24 reported, so the checks
  # above hold because the scripts pass --mpi, not because this cluster is lenient.
  MIGFLOW="$mpi_build/migflow" MIGFLOW_SRUN_MPI=none timeout 300 sbatch --wait -o run-nompi.log \
    "$src/docs/slurm/run.sbatch" "$src/scenarios/sahel.yaml" "$work/run-nompi.h5" --set days=20 > /dev/null 2>&1 \
    && fail "run.sbatch with MIGFLOW_SRUN_MPI=none succeeded: this cluster does not reproduce the failure" \
    || check "without --mpi the MPI build cannot start under srun (the failure the scripts avoid)" \
         grep -q PMI run-nompi.log
  sed 's/^set:/output_dir: mpi_array_out\nset:/' sweep.yaml > mpi_array.yaml
  read -r array merge < <(MIGFLOW="$mpi_build/migflow" "$src/docs/slurm/submit-sweep.sh" mpi_array.yaml 3 \
    --cpus-per-task=1 -o "$work/mpi-%x-%j.log")
  check "the MPI build's array and merge ended" await 300 "$array" "$merge"
  check "its merge job completed (the merge runs migflow without srun: one MPI process)" \
    test "$(job_field "$merge" JobState)" = COMPLETED
  check "its merged index equals the serial sweep's" diff <(index_body mpi_array_out/index.csv) <(index_body serial_out/index.csv)
  for f in serial_out/run_*.h5; do
    check "$(basename "$f") of the MPI build's array equals the serial sweep's" same_series "$f" "mpi_array_out/$(basename "$f")"
  done

  echo "== run-hybrid.sbatch: 2 ranks x 1 thread against the serial run"
  # The script's defaults are 2 nodes x 2 ranks x 16 threads; this node takes 1 x 2 x 1.
  MIGFLOW="$mpi_build/migflow" timeout 300 sbatch --wait -o hybrid.log --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
    "$src/docs/slurm/run-hybrid.sbatch" "$src/scenarios/sahel.yaml" "$work/hybrid.h5" --set days=200 > /dev/null \
    && pass "run-hybrid.sbatch exit 0" || fail "run-hybrid.sbatch exit status $? (log: $(tail -5 hybrid.log))"
  check "the 2-rank run's series equal the serial run's" same_series local.h5 hybrid.h5

  echo "== sweep-mpi.sbatch: the sweep as one MPI job of 3 ranks (rank 0 deals, 2 run)"
  sed 's/^set:/output_dir: mpi_out\nset:/' sweep.yaml > mpi_sweep.yaml
  # --overcommit: 3 tasks on this 2-core node; rank 0 mostly sleeps.
  MIGFLOW="$mpi_build/migflow" timeout 300 sbatch --wait -o sweep-mpi.log --nodes=1 --ntasks=3 --cpus-per-task=1 \
    --overcommit "$src/docs/slurm/sweep-mpi.sbatch" mpi_sweep.yaml > /dev/null \
    && pass "sweep-mpi.sbatch exit 0" || fail "sweep-mpi.sbatch exit status $? (log: $(tail -5 sweep-mpi.log))"
  check "both worker ranks ran runs" grep -q "on rank 2:" sweep-mpi.log
  check "the MPI sweep's index equals the serial sweep's" diff <(index_body mpi_out/index.csv) <(index_body serial_out/index.csv)
  for f in serial_out/run_*.h5; do
    check "$(basename "$f") of the MPI sweep equals the serial sweep's" same_series "$f" "mpi_out/$(basename "$f")"
  done
else
  echo "slurm test: SKIPPED: the MPI build under run.sbatch, the job array, run-hybrid.sbatch and sweep-mpi.sbatch (no MPI build of migflow given: $0 BUILD_DIR MPI_BUILD_DIR)"
fi

if [ $failures -gt 0 ]; then
  echo "slurm tests: $failures check(s) failed; daemon logs in $cluster/log" >&2
  trap '"$here/stop-cluster.sh" "$cluster"' EXIT  # keep the work directory to look at
  echo "work directory kept: $work" >&2
  exit 1
fi
echo "slurm tests: all passed"
