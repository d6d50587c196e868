#!/usr/bin/env bash
# MPI stop test: SIGTERM to one rank only stops every rank before the same day (they
# agree once a day), exits 143 with rank 0's message, and leaves no file behind; with
# --checkpoint, rank 0 writes the checkpoint, every rank exits 75, and 3 ranks continue it.
# usage: stop.sh MIGFLOW SCENARIO WORKDIR
set -uo pipefail
bin=$1 scenario=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
rm -rf "$work"
mkdir -p "$work"
status=0
fail() { echo "FAIL: $*"; status=1; }

mpi_run 2 "$bin" run "$scenario" --set days=30000 -o "$work/out.h5" > "$work/out.log" 2> "$work/err.log" &
launcher=$!
for _ in $(seq 1 600); do [ -e "$work/out.h5.partial" ] && break; sleep 0.1; done
[ -e "$work/out.h5.partial" ] || fail "the run did not start"
sleep 1
# One rank: the youngest `migflow` process under the launcher (the ranks are its
# descendants; which one does not matter, only one is signalled).
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
rank=$(for p in $(descendants "$launcher"); do
         [ "$(cat "/proc/$p/comm" 2> /dev/null)" = migflow ] && echo "$p"
       done | sort -n | tail -1)
[ -n "$rank" ] || fail "no rank process found under the launcher $launcher"
start=$SECONDS
kill -TERM "$rank"
wait "$launcher"
rc=$?
[ $rc -eq 143 ] || fail "exit $rc, expected 143 ($(tail -3 "$work/err.log"))"
[ $((SECONDS - start)) -le 5 ] || fail "took $((SECONDS - start)) s to stop"
n=$(grep -c "migflow: run stopped by SIGTERM after [0-9]* of 30000 days; $work/out.h5 not written" "$work/err.log")
[ "$n" -eq 1 ] || fail "message printed $n times, expected once: $(cat "$work/err.log")"
ls "$work"/out.h5* > /dev/null 2>&1 && fail "output left behind: $(ls "$work")"
[ $status -eq 0 ] && echo "SIGTERM to one of 2 ranks: every rank stopped, exit 143, no file left"

# With --checkpoint: the ranks agree on the stop, rank 0 writes the checkpoint once, all
# exit 75; 3 ranks continue it to the file of an uninterrupted serial run.
mpi_run 2 "$bin" run "$scenario" --set days=3000 -o "$work/ck_out.h5" --checkpoint "$work/ck.h5" --quiet \
    > /dev/null 2> "$work/ck_err.log" &
launcher=$!
for _ in $(seq 1 600); do [ -e "$work/ck_out.h5.partial" ] && break; sleep 0.1; done
[ -e "$work/ck_out.h5.partial" ] || fail "the checkpointed run did not start"
sleep 1
rank=$(for p in $(descendants "$launcher"); do
         [ "$(cat "/proc/$p/comm" 2> /dev/null)" = migflow ] && echo "$p"
       done | sort -n | tail -1)
kill -TERM "$rank"
wait "$launcher"
rc=$?
[ $rc -eq 75 ] || fail "checkpointed stop: exit $rc, expected 75 ($(tail -3 "$work/ck_err.log"))"
n=$(grep -c "migflow: run stopped by SIGTERM after [0-9]* of 3000 days; checkpoint written to $work/ck.h5 " "$work/ck_err.log")
[ "$n" -eq 1 ] || fail "checkpoint message printed $n times, expected once: $(cat "$work/ck_err.log")"
[ -e "$work/ck_out.h5" ] && fail "a result file was left by the stopped run"
mpi_run 3 "$bin" run --restart "$work/ck.h5" --threads 1 --quiet > /dev/null 2> "$work/ck_restart.log" ||
    fail "restart on 3 ranks failed: $(tail -3 "$work/ck_restart.log")"
"$bin" run "$scenario" --set days=3000 -o "$work/serial.h5" --quiet > /dev/null 2>&1 || fail "serial run failed"
/usr/bin/python3 "$here/same_datasets.py" "$work/serial.h5" "$work/ck_out.h5" ||
    fail "restarted on 3 ranks: datasets differ from the uninterrupted serial run"
[ $status -eq 0 ] && echo "SIGTERM to one of 2 ranks with --checkpoint: exit 75, restarted on 3 ranks, identical file"
exit $status
