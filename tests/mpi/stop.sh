#!/usr/bin/env bash
# MPI stop test: SIGTERM to one rank only stops every rank before the same day (they
# agree once a day), exits 143 with rank 0's message, and leaves no file behind.
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
exit $status
