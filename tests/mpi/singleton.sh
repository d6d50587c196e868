#!/usr/bin/env bash
# The MPI build started three ways (docs/HPC.md "One run across ranks"): directly as one
# process (an MPI singleton, no launcher), and under mpirun on 1 and 2 ranks. Each file
# holds the same results as the build without MPI, whole-file (`migflow compare-files`,
# which leaves out only how the run was executed and lists it); `--version` lists mpi.
# usage: singleton.sh MIGFLOW SCENARIO WORKDIR [SERIAL_MIGFLOW]
set -uo pipefail
bin=$1 scenario=$2 work=$3 serial=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
mkdir -p "$work"
rm -f "$work"/*.h5 "$work"/*.out
status=0
fail() { echo "FAIL: $*"; status=1; }

"$bin" --version > "$work/version.out" || fail "--version exit $?"
grep -q "^  features: mpi\( \|$\)" "$work/version.out" || fail "--version does not list mpi first: $(grep features "$work/version.out")"
grep -q "^  mpi: none" "$work/version.out" && fail "--version says mpi: none"

[ -n "$serial" ] || serial=$bin
"$serial" run "$scenario" -o "$work/serial.h5" --quiet || fail "serial run exit $?"
"$bin" run "$scenario" -o "$work/singleton.h5" --quiet --threads 2 \
    || fail "singleton run exit $?"
mpi_run 1 "$bin" run "$scenario" -o "$work/ranks1.h5" --quiet || fail "mpirun -np 1 exit $?"
mpi_run 2 "$bin" run "$scenario" -o "$work/ranks2.h5" --quiet --threads 1 || fail "mpirun -np 2 exit $?"
for f in singleton ranks1 ranks2; do
    "$bin" compare-files "$work/serial.h5" "$work/$f.h5" > "$work/$f.out"
    rc=$?
    [ $rc -eq 0 ] || fail "$f: compare-files exit $rc: $(head -5 "$work/$f.out")"
done
grep -q "^  /@ranks: 1 | 2$" "$work/ranks2.out" || fail "compare-files does not list ranks 1 | 2 as left out"
grep -q "^  /@build_mpi: none | " "$work/ranks2.out" || [ "$serial" = "$bin" ] || fail "compare-files does not list build_mpi"
# The whole-file comparison h5diff makes reports the execution attributes; compare-files does not.
h5diff -q "$work/serial.h5" "$work/ranks2.h5" > /dev/null 2>&1 && fail "h5diff finds no difference at all (ranks should differ)"
[ $status -eq 0 ] && echo "singleton, mpirun -np 1 and -np 2: the same results as the build without MPI"
exit $status
