"""A calibration loop from Python (issue #12): one Flee case loaded once, then many
in-process runs, each with other parameter values and its own seed. Prints the time
to load, the time per run (run + Dataset) and the extrapolation to 10,000 runs.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/bench_calibration.py \
        --case ../shared/flee/cases/burundi --runs 200 --threads 2

With --runs below 10,000 the total for 10,000 is extrapolated from the mean, and says so.
"""
import argparse
import os
import resource
import statistics
import sys
import time

import migflow


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", required=True, help="Flee input directory, or a scenario YAML")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--key", default="flee.move_rules.camp_weight",
                    help="the parameter varied (native scenarios: e.g. behaviour.lambda_conflict)")
    ap.add_argument("--low", type=float, default=0.5)
    ap.add_argument("--high", type=float, default=4.0)
    a = ap.parse_args()

    t0 = time.perf_counter()
    sc = migflow.Scenario.from_flee(a.case) if os.path.isdir(a.case) else migflow.Scenario.from_yaml(a.case)
    load_s = time.perf_counter() - t0

    per_run, engine = [], []
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    for i in range(a.runs):
        value = a.low + (a.high - a.low) * (i + 0.5) / a.runs
        t = time.perf_counter()
        res = sc.run(seed=i + 1, set={a.key: value}, threads=a.threads)
        per_run.append(time.perf_counter() - t)
        engine.append(res.attrs["wall_seconds"])
    total = time.perf_counter() - start
    cpu = cpu_seconds() - cpu0
    mean = total / a.runs
    print(f"case={a.case} ruleset={sc.ruleset} regions={len(sc.regions)} days={sc.days} "
          f"agents_at_end={res.attrs['final_agents']} threads={res.attrs['threads']}")
    print(f"load_s={load_s:.3f} runs={a.runs} total_s={total:.2f} per_run_s={mean:.4f} "
          f"median_run_s={statistics.median(per_run):.4f} engine_s={statistics.mean(engine):.4f} "
          f"dataset_s={mean - statistics.mean(engine):.4f} cpu_s_per_run={cpu / a.runs:.4f} "
          f"load_1min={os.getloadavg()[0]:.2f}")
    extrapolated = "" if a.runs >= 10000 else " (extrapolated from the mean)"
    print(f"runs_10000_min={mean * 10000 / 60:.1f}{extrapolated}")


if __name__ == "__main__":
    sys.exit(main())
