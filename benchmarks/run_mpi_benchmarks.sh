#!/usr/bin/env bash
# Strong and weak scaling of one run across MPI ranks (issue #8): bench_run from a
# MIGFLOW_MPI=ON build under mpirun, for 1, 2 and 4 ranks, one thread per rank, on the
# synthetic scenario with 1,000 and with 100,000 regions. Prints one markdown row per
# run with the per-day compute and communication times (benchmarks/RESULTS.md).
#
#   benchmarks/run_mpi_benchmarks.sh [--build-dir DIR] [--days D] [--ranks "1 2 4"]
#                                    [--agents N] [--no-build] [--repeat N] [--json FILE]
#
# Strong: N agents in total (default 10^7). Weak: N/4 agents per rank (so 4 ranks run N).
# Each configuration runs --repeat times (default 3) in one launch; a row is the run of
# median wall time, with the 1-minute load average beside it. --json FILE appends one
# JSON record per configuration (every run, median/min/max, commit, compiler, MPI
# library, host, CPU, the CPUs each rank may use and the binding environment:
# benchmarks/README.md).
# Columns: compute = a rank's run time outside collectives and output, per day (the
# slowest rank); comm = time inside collectives per day (waiting for slower ranks
# included); exchange = the daily tally sum alone (waiting included); allreduce alone =
# the same message summed after a synchronising collective (fastest of 20): the pure
# cost of the day's communication.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MIGFLOW_MPI_BUILD:-$root/build-mpi}"
days=30
ranks_list="1 2 4"
agents=10000000
do_build=1
repeat=3
json_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir) build="$2"; shift ;;
        --days) days="$2"; shift ;;
        --ranks) ranks_list="$2"; shift ;;
        --agents) agents="$2"; shift ;;
        --no-build) do_build=0 ;;
        --repeat) repeat="$2"; shift ;;
        --json) json_args=(--json "$(realpath -m "$2")"); shift ;;
        *) echo "run_mpi_benchmarks.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ $do_build -eq 1 ]]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMIGFLOW_MPI=ON > /dev/null
    cmake --build "$build" -j2 --target bench_run > /dev/null
fi
source "$root/tests/mpi/launch.sh"
cores=$(nproc)

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $2"; }

echo "| scaling | regions | agents | ranks | oversubscribed | wall s | compute ms/day (max rank) | comm ms/day (mean) | comm ms/day (max) | exchange ms/day | allreduce alone ms | message kB | load (1 min) |"
echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for regions in 1000 100000; do
    for scaling in strong weak; do
        for p in $ranks_list; do
            n=$agents
            [[ $scaling == weak ]] && n=$(( agents / 4 * p ))
            out=$(mpi_run "$p" "$build/benchmarks/bench_run" --agents "$n" --regions "$regions" \
                  --days "$days" --threads 1 --no-output --seed 1 --repeat "$repeat" "${json_args[@]}")
            main=$(grep '^agents=' <<< "$out")
            mpi=$(grep '^ranks=' <<< "$out")
            over=no
            (( p > cores )) && over="yes ($p ranks on $cores cores)"
            load=$(cut -d' ' -f1 /proc/loadavg)
            echo "| $scaling | $regions | $n | $p | $over | $(field wall_s "$main") | $(field compute_ms_per_day_max "$mpi") | $(field comm_ms_per_day_mean "$mpi") | $(field comm_ms_per_day_max "$mpi") | $(field exchange_ms_per_day_mean "$mpi") | $(field allreduce_alone_ms "$mpi") | $(( $(field message_bytes "$mpi") / 1000 )) | $load |"
        done
    done
done
