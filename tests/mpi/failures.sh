#!/usr/bin/env bash
# MPI failure test: an error on any rank ends the whole job with a non-zero exit and
# a message, never a hang, and leaves no result file that looks complete.
# usage: failures.sh MIGFLOW SCENARIO WORKDIR
set -uo pipefail
bin=$1 scenario=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
mkdir -p "$work"
rm -f "$work"/*
status=0
fail() { echo "FAIL: $*"; status=1; }

# 1. Bad input (every rank finds it): exit 1, the message once, nothing written.
cat > "$work/bad.yaml" <<'YAML'
name: bad
start_date: 2024-01-01
days: ten
regions:
  - {name: A, lat: 0, lon: 0, population: 10}
YAML
mpi_run 3 "$bin" run "$work/bad.yaml" -o "$work/bad.h5" > "$work/bad.out" 2> "$work/bad.err"
rc=$?
[ $rc -eq 1 ] || fail "bad input: exit $rc, expected 1"
n=$(grep -c "bad.yaml:3:7: days: got \`ten\`, expected a whole number" "$work/bad.err")
[ "$n" -eq 1 ] || fail "bad input: message printed $n times, expected once"
ls "$work"/bad.h5* > /dev/null 2>&1 && fail "bad input: output left behind"

# 2. An error on rank 0 only (its output file cannot be created): every rank ends.
mpi_run 2 "$bin" run "$scenario" -o "$work/no/such/dir/out.h5" > "$work/nodir.out" 2> "$work/nodir.err"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "unwritable output: exit $rc"
grep -q "cannot create .*/no/such/dir/out.h5.partial: the directory .* does not exist" "$work/nodir.err" || fail "unwritable output: no message"

# 3. A rank killed during the run: the job ends non-zero, and no complete-looking file.
cat > "$work/kill_rank1.sh" <<SH
#!/usr/bin/env bash
rank=\${OMPI_COMM_WORLD_RANK:-\${PMI_RANK:-0}}
if [ "\$rank" = 1 ]; then (sleep 1; kill -9 \$\$) & fi
exec "$bin" run "$scenario" -o "$work/killed.h5" --set days=100000 --quiet
SH
chmod +x "$work/kill_rank1.sh"
start=$(date +%s)
mpi_run 2 "$work/kill_rank1.sh" > "$work/killed.out" 2> "$work/killed.err"
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "killed rank: exit $rc"
[ -e "$work/killed.h5" ] && fail "killed rank: killed.h5 exists"
echo "killed rank: job ended with exit $rc after $(( $(date +%s) - start )) s"

# 4. Threads the binding cannot give: a warning with the fix, and the file records what ran.
timeout 300 "$MPI_LAUNCHER" "${mpi_flags[@]}" --bind-to core -np 2 "$bin" run "$scenario" -o "$work/bound.h5" \
    --threads 2 --quiet > "$work/bound.out" 2> "$work/bound.err"
rc=$?
[ $rc -eq 0 ] || fail "bound ranks: exit $rc"
grep -q "migflow: warning: --threads 2, but this process may use 1 core(s), so it runs 1 thread(s): each MPI rank is bound to its cores; start with \`mpirun --bind-to none\`" "$work/bound.err" \
    || fail "bound ranks: no warning: $(cat "$work/bound.err")"
/usr/bin/python3 -c "import h5py, sys; sys.exit(int(h5py.File('$work/bound.h5')['/'].attrs['threads']) != 1)" \
    || fail "bound ranks: the file does not record 1 thread"

# 5. Commands of one process are refused on several ranks, once, before any work.
for cmd in "compare $scenario $scenario --replicates 2 -o $work/cmp.h5" "import-flee $work -o $work/case.yaml" \
           "check $scenario" "build-case $work/case.yaml -o $work/built" "export $work/bound.h5 -o $work/tables" \
           "report $work/bound.h5 -o $work/report.html" "info $work/bound.h5" "compare-files $work/bound.h5 $work/bound.h5" \
           "params" "schema"; do
    mpi_run 2 "$bin" $cmd > "$work/one.out" 2> "$work/one.err"
    rc=$?
    name=${cmd%% *}
    [ $rc -eq 2 ] || fail "$name on 2 ranks: exit $rc, expected 2"
    n=$(grep -c "migflow $name: runs in one process, not on 2 MPI ranks: start it without mpirun or srun" "$work/one.err")
    [ "$n" -eq 1 ] || fail "$name on 2 ranks: message printed $n times, expected once"
done
[ -e "$work/cmp.h5" ] && fail "compare on 2 ranks wrote its file"
[ -e "$work/case.yaml" ] && fail "import-flee on 2 ranks wrote its file"
for out in built tables report.html; do [ -e "$work/$out" ] && fail "$out written by a command refused on 2 ranks"; done

[ $status -eq 0 ] && echo "all failure cases ended every rank"
exit $status
