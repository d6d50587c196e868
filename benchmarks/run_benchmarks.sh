#!/usr/bin/env bash
# Runs bench_run for a list of configurations and prints one table row per run
# (markdown, so it can go straight into benchmarks/RESULTS.md).
#
#   benchmarks/run_benchmarks.sh            # headline: 10^7 agents x 365 days, 1 and 2 threads
#   benchmarks/run_benchmarks.sh --tiny     # seconds-long sizes (the CI guard)
#   benchmarks/run_benchmarks.sh --sweep    # agents 10^5..10^8 x threads 1,2 (10^8: 30 days)
#   benchmarks/run_benchmarks.sh --startup  # also time loading 100k regions / 500k routes
#
# Options: --no-output (engine only, no HDF5), --regions R (default 1000),
# --ruleset native|flee, --agents "N1 N2 ..." --days D (replace the configuration list),
# --seed S, --no-build, --build-dir DIR (default $MIGFLOW_BENCH_BUILD or build-bench),
# --repeat N (runs per configuration, default 3: the row is the run of median wall time),
# --json FILE (appends one JSON record per configuration: every run, median/min/max,
# commit, compiler, host, CPU, binding; benchmarks/README.md; results_table.py prints
# the table again from it).
# Each run writes its HDF5 file to a temporary path, takes its size and removes it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MIGFLOW_BENCH_BUILD:-$root/build-bench}"
mode=headline
regions=1000
seed=1
output_flag=""
do_build=1
startup=0
ruleset=native
custom_agents=""
custom_days=365
repeat=3
json_args=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --tiny) mode=tiny ;;
        --sweep) mode=sweep ;;
        --startup) startup=1 ;;
        --no-output) output_flag="--no-output" ;;
        --regions) regions="$2"; shift ;;
        --ruleset) ruleset="$2"; shift ;;
        --agents) custom_agents="$2"; shift ;;
        --days) custom_days="$2"; shift ;;
        --seed) seed="$2"; shift ;;
        --no-build) do_build=0 ;;
        --build-dir) build="$2"; shift ;;
        --repeat) repeat="$2"; shift ;;
        --json) json_args=(--json "$(realpath -m "$2")"); shift ;;
        -h|--help) sed -n "2,18p" "$0"; exit 0 ;;
        *) echo "run_benchmarks.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [[ $do_build -eq 1 ]]; then
    if [[ ! -f "$build/CMakeCache.txt" ]]; then
        cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
    cmake --build "$build" -j2 --target bench_run bench_startup >/dev/null
fi
bench_run="$build/benchmarks/bench_run"
bench_startup="$build/benchmarks/bench_startup"
[[ -x "$bench_run" ]] || { echo "run_benchmarks.sh: $bench_run not built" >&2; exit 1; }

# Configurations: "agents days threads".
configs=()
case "$mode" in
    tiny) configs=("20000 5 1" "20000 5 2") ; regions=50 ;;
    headline) configs=("10000000 365 1" "10000000 365 2") ;;
    sweep)
        for n in 100000 1000000 10000000; do
            configs+=("$n 365 1" "$n 365 2")
        done
        configs+=("100000000 30 1" "100000000 30 2")
        ;;
esac
if [[ -n "$custom_agents" ]]; then
    configs=()
    for n in $custom_agents; do configs+=("$n $custom_days 1" "$n $custom_days 2"); done
fi

# Value of key=... in a bench_run line.
field() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# CPU s and steps per CPU-second stay meaningful when other work shares the machine;
# wall s and agent-steps/s are the figures the targets are about.
echo "ruleset: $ruleset; each row the run of median wall time of $repeat"
printf '| agents | regions | days | threads | wall s | agent-steps/s | bytes/agent | peak RSS MB | HDF5 MB | CPU s | steps/CPU-s | load (1 min) |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
status=0
for c in "${configs[@]}"; do
    read -r agents days threads <<<"$c"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if ! out="$("$bench_run" --agents "$agents" --regions "$regions" --days "$days" \
                 --threads "$threads" --seed "$seed" --ruleset "$ruleset" $output_flag \
                 --repeat "$repeat" "${json_args[@]}")"; then
        echo "| $agents | $regions | $days | $threads | FAILED | | | | | | | $load |"
        status=1
        continue
    fi
    line="$(grep '^agents=' <<<"$out")"
    stages="$(grep '^stages ' <<<"$out" || true)"
    h5="$(field h5_mb "$line")"
    [[ -n "$output_flag" ]] && h5="-"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$agents" "$regions" "$days" "$threads" "$(field wall_s "$line")" \
        "$(field agent_steps_per_s "$line")" "$(field bytes_per_agent "$line")" \
        "$(field peak_rss_mb "$line")" "$h5" "$(field cpu_s "$line")" \
        "$(field agent_steps_per_cpu_s "$line")" "$load"
    echo "  ${stages}" >&2
done

if [[ $startup -eq 1 ]]; then
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if [[ "$mode" == tiny ]]; then
        out="$("$bench_startup" --regions 2000 --routes 10000 --days 30 --repeat "$repeat" "${json_args[@]}")"
    else
        out="$("$bench_startup" --repeat "$repeat" "${json_args[@]}")"
    fi
    echo
    echo "$out (load $load)"
fi
exit $status
