#!/usr/bin/env bash
# MPI calibration test: `mpirun -np N migflow calibrate` (the cases x seeds of each
# evaluation dealt to the ranks) writes the history and best values of the same
# calibration run by one process, for 2 and 3 ranks; a resumed one too.
# usage: calibrate.sh MIGFLOW FLEE_CASES WORKDIR [SERIAL_MIGFLOW]
set -uo pipefail
bin=$1 cases=$2 work=$3 serial=${4:-$1}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
status=0
fail() { echo "FAIL: $*"; status=1; }
body() { sed 's/,[^,]*$//' "$1"; }  # history.csv without its wall_seconds column

cat > cal.yaml <<YAML
cases:
  - {case: $cases/burundi, ruleset: native, set: {agents.people_per_agent: 400}}
  - {case: $cases/ssudan, ruleset: native, set: {agents.people_per_agent: 800}}
parameters:
  behaviour.lambda_base: {range: [0.01, 5], log: true, start: 0.4}
  behaviour.beta_camp: [-2, 10]
seeds: 2
budget: 6
YAML
"$serial" calibrate cal.yaml -q --threads 1 -o serial > serial.log 2>&1 || fail "serial calibration: exit $?"
for n in 2 3; do
    mpi_run $n "$bin" calibrate cal.yaml -q --threads 1 -o ranks$n > ranks$n.out 2> ranks$n.err
    rc=$?
    [ $rc -eq 0 ] || fail "calibration on $n ranks: exit $rc ($(tail -3 ranks$n.err))"
    diff <(body serial/history.csv) <(body ranks$n/history.csv) > /dev/null || fail "history.csv on $n ranks differs"
    # The "# made by" line names each build (an MPI one names its MPI library); the rest must match.
    cmp -s <(grep -v "^# made by migflow" serial/best.yaml) <(grep -v "^# made by migflow" ranks$n/best.yaml) \
        || fail "best.yaml on $n ranks differs"
    n_out=$(grep -c "^best: evaluation" ranks$n.out)
    [ "$n_out" -eq 1 ] || fail "$n ranks: the summary printed $n_out times, expected once (rank 0)"
done
# Resumed on 2 ranks with a larger budget: the first 6 replayed, the rest as one process.
"$serial" calibrate cal.yaml -q --threads 1 -o serial8 --budget 8 > serial8.log 2>&1 || fail "serial budget 8: exit $?"
mpi_run 2 "$bin" calibrate cal.yaml -q --threads 1 -o ranks2 --resume --budget 8 > resumed.out 2> resumed.err
rc=$?
[ $rc -eq 0 ] || fail "resumed on 2 ranks: exit $rc ($(tail -3 resumed.err))"
grep -q "(6 replayed from history.csv)" resumed.out || fail "resume summary: $(cat resumed.out)"
diff <(body serial8/history.csv) <(body ranks2/history.csv) > /dev/null || fail "resumed history differs"

# A history that can no longer be written ends every rank with rank 0's message instead
# of leaving the others in the next evaluation: a file-size limit put on the running
# ranks (migflow ignores SIGXFSZ, so the write fails with EFBIG).
sed 's/^budget: 6$/budget: 400/' cal.yaml > long.yaml
mpi_run 2 "$bin" calibrate long.yaml -q --threads 1 -o full > full.out 2> full.err &
job=$!
for _ in $(seq 300); do
    [ -f full/history.csv ] && [ "$(wc -l < full/history.csv)" -ge 3 ] && break
    sleep 0.1
done
exe=$(readlink -f "$bin")
limited=0
for pid in $(pgrep -f "calibrate long.yaml"); do
    [ "$(readlink -f /proc/$pid/exe 2>/dev/null)" = "$exe" ] || continue
    prlimit --pid "$pid" --fsize="$(stat -c %s full/history.csv)" && limited=$((limited + 1))
done
[ "$limited" -eq 2 ] || fail "file-size limit set on $limited ranks, expected 2"
wait $job
rc=$?
[ $rc -eq 1 ] || fail "unwritable history on 2 ranks: exit $rc, expected 1 ($(tail -3 full.err))"
grep -q "history.csv: cannot write" full.err || fail "unwritable history: no message ($(tail -3 full.err))"
exit $status
