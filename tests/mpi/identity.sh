#!/usr/bin/env bash
# MPI identity test: the same scenario and seed give identical datasets on 1, 2 and 3
# ranks (with different thread counts) and in a run without MPI.
# usage: identity.sh MIGFLOW SCENARIO WORKDIR [SERIAL_MIGFLOW] [RUN_ARGS...]
#   SERIAL_MIGFLOW: a build without MPI (default, or given as "": MIGFLOW itself,
#   started without mpirun); RUN_ARGS: more `migflow run` arguments for every run
set -euo pipefail
bin=$1 scenario=$2 work=$3 serial=${4:-$1}
shift $(($# < 4 ? $# : 4))
run_args=("$@")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/launch.sh"
mkdir -p "$work"
rm -f "$work"/*.h5 "$work"/*.partial
"$serial" run "$scenario" -o "$work/serial.h5" --threads 2 --quiet ${run_args[@]+"${run_args[@]}"} > /dev/null
status=0
for run in "1 2" "2 1" "3 2"; do
    set -- $run
    ranks=$1 threads=$2
    out="$work/ranks$ranks.h5"
    mpi_run "$ranks" "$bin" run "$scenario" -o "$out" --threads "$threads" --quiet ${run_args[@]+"${run_args[@]}"} > "$work/ranks$ranks.out"
    if [ "$ranks" -gt 1 ]; then
        # Load balance: every rank holds the same number of agents to within one.
        read -r lo hi < <(sed -n 's/.*, \([0-9]*\) to \([0-9]*\) agents each.*/\1 \2/p' "$work/ranks$ranks.out")
        if [ -z "${hi:-}" ] || [ $((hi - lo)) -gt 1 ] || [ "$lo" -eq 0 ]; then
            echo "$ranks ranks: agents per rank unbalanced or not reported: ${lo:-?} to ${hi:-?}"
            status=1
        fi
    fi
    /usr/bin/python3 - "$out" "$ranks" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert int(f.attrs["ranks"]) == int(sys.argv[2]), f"ranks attribute {f.attrs['ranks']}"
    assert int(f.attrs["complete"]) == 1
PY
    if /usr/bin/python3 "$here/same_datasets.py" "$work/serial.h5" "$out"; then
        echo "$ranks rank(s) x $threads thread(s): identical to the serial run"
    else
        status=1
    fi
done
exit $status
