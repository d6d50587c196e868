#!/usr/bin/env bash
# MPI checkpoint test: a run stopped before day D (on 1, 2 or 3 ranks, or without MPI)
# writes a checkpoint that does not depend on the number of ranks, and restarting it on
# 1, 2 or 3 ranks gives the datasets of an uninterrupted serial run (docs/HPC.md
# "Checkpoint and restart"). Also a SIGTERM to one rank writes the checkpoint.
# usage: checkpoint.sh MIGFLOW SCENARIO WORKDIR STOP_DAY [SERIAL_MIGFLOW] [RUN_ARGS...]
set -uo pipefail
bin=$1 scenario=$2 work=$3 day=$4 serial=${5:-$1}
[ -n "$serial" ] || serial=$bin
shift $(($# < 5 ? $# : 5))
run_args=("$@")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
rm -rf "$work"
mkdir -p "$work"
status=0
fail() { echo "FAIL: $*"; status=1; }

"$serial" run "$scenario" -o "$work/serial.h5" --threads 2 --quiet ${run_args[@]+"${run_args[@]}"} > /dev/null ||
    fail "the serial run failed"
# Checkpoints written by a run without MPI and by 2 and 3 ranks: the same agents by id.
"$serial" run "$scenario" -o "$work/out.h5" --quiet --checkpoint "$work/ck_serial.h5" --stop-after-days "$day" \
    ${run_args[@]+"${run_args[@]}"} 2> "$work/stop_serial.log"
rc=$?
[ $rc -eq 75 ] || fail "serial stop: exit $rc, expected 75 ($(tail -2 "$work/stop_serial.log"))"
for writers in 2 3; do
    mpi_run "$writers" "$bin" run "$scenario" -o "$work/out.h5" --quiet --threads 1 --checkpoint "$work/ck_$writers.h5" \
        --stop-after-days "$day" ${run_args[@]+"${run_args[@]}"} 2> "$work/stop_$writers.log"
    rc=$?
    [ $rc -eq 75 ] || fail "$writers ranks stop: exit $rc, expected 75 ($(tail -2 "$work/stop_$writers.log"))"
    n=$(grep -c "checkpoint written to $work/ck_$writers.h5" "$work/stop_$writers.log")
    [ "$n" -eq 1 ] || fail "$writers ranks: stop message printed $n times, expected once"
    /usr/bin/python3 - "$work/ck_serial.h5" "$work/ck_$writers.h5" <<'PY' || fail "checkpoint of $writers ranks differs from the serial one"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    names = []
    a["/checkpoint"].visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    assert names, "no datasets in /checkpoint"
    for n in names:
        x, y = a["/checkpoint"][n][()], b["/checkpoint"][n][()]
        assert x.dtype == y.dtype and np.array_equal(x, y), f"/checkpoint/{n} differs"
PY
done
for from in serial 2 3; do
    for run in "1 2" "2 1" "3 1"; do
        set -- $run
        ranks=$1 threads=$2
        out="$work/restart_${from}_$ranks.h5"
        mpi_run "$ranks" "$bin" run --restart "$work/ck_$from.h5" -o "$out" --threads "$threads" --quiet \
            > /dev/null 2> "$work/restart.log" || fail "restart of ck_$from on $ranks rank(s) failed: $(tail -2 "$work/restart.log")"
        if /usr/bin/python3 "$here/same_datasets.py" "$work/serial.h5" "$out"; then
            echo "checkpoint of $from before day $day, restarted on $ranks rank(s) x $threads thread(s): identical to the serial run"
        else
            fail "checkpoint of $from restarted on $ranks rank(s)"
        fi
    done
done
exit $status
