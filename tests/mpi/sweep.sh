#!/usr/bin/env bash
# MPI sweep test: `mpirun -np 3 migflow sweep` (rank 0 deals, ranks 1 and 2 run) writes
# the index and run files of the same sweep run by one process, and a slow run does not
# hold back the others: while one rank runs it, the other runs all the rest.
# usage: sweep.sh MIGFLOW SCENARIOS_DIR WORKDIR [SERIAL_MIGFLOW]
set -uo pipefail
bin=$1 scenarios=$2 work=$3 serial=${4:-$1}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
status=0
fail() { echo "FAIL: $*"; status=1; }
# An index without its wall_s column, which differs between any two runs.
index_body() {
  awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_s" || $i == "build") skip[i] = 1 }
                    { out = ""; for (i = 1; i <= NF; i++) if (!(i in skip)) out = out (out == "" ? "" : OFS) $i; print out }' "$1"
}

# Run 0 is long (2000 days of the Sahel scenario, 100,000 agents); runs 1 to 4 are 200
# days each, so the other worker runs all four before run 0 ends.
body="scenario: $scenarios/sahel.yaml
seeds: [3]
set: {agents.people_per_agent: 20}
grid: {days: [2000, 200, 201, 202, 203]}"
printf 'output_dir: serial\n%s\n' "$body" > serial.yaml
printf 'output_dir: ranks\n%s\n' "$body" > ranks.yaml
"$serial" sweep serial.yaml --threads 1 > serial.log 2>&1 || fail "serial sweep: exit $?"
mpi_run 3 "$bin" sweep ranks.yaml --threads 1 > ranks.out 2> ranks.err
rc=$?
[ $rc -eq 0 ] || fail "sweep on 3 ranks: exit $rc ($(tail -3 ranks.err))"
diff <(index_body serial/index.csv) <(index_body ranks/index.csv) > /dev/null || fail "index.csv differs from the serial sweep's"
for f in serial/run_*.h5; do
  /usr/bin/python3 "$here/same_datasets.py" "$f" "ranks/$(basename "$f")" || fail "$(basename "$f") differs"
done
grep -q "(5 ran on 2 rank(s), 0 kept from before)" ranks.out || fail "summary: $(cat ranks.out)"
slow=$(sed -n 's/.*run_000\.h5 (seed 3, days=2000) on rank \([0-9]\):.*/\1/p' ranks.err)
[ -n "$slow" ] || fail "no line for run 0 in: $(cat ranks.err)"
n_slow=$(grep -c "on rank $slow:" ranks.err)
[ "$n_slow" -eq 1 ] || fail "rank $slow ran the slow run and $((n_slow - 1)) other(s): the others waited for it ($(cat ranks.err))"
[ "$(tail -1 ranks.err)" = "$(grep 'run_000.h5' ranks.err)" ] || fail "the slow run did not finish last"

# Setup mistakes are reported once, by rank 0, and end every rank.
mpi_run 2 "$bin" sweep ranks.yaml --shard 0/2 > shard.out 2> shard.err
rc=$?
# Rank 0 exits 2 (a usage mistake), the others 1: the launcher reports either.
[ $rc -ne 0 ] || fail "--shard under MPI: exit 0"
n=$(grep -c "migflow sweep: --shard and --merge are for sweeps without mpirun" shard.err)
[ "$n" -eq 1 ] || fail "--shard under MPI: message printed $n times, expected once"
[ $status -eq 0 ] && echo "sweep on 3 ranks: index and files identical to the serial sweep; the slow run held back no other"
exit $status
