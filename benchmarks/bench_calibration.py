"""A calibration loop from Python (issue #12): one Flee case loaded once, then many
in-process runs, each with other parameter values and its own seed. Prints the time
to load, the time per run (run + Dataset) and the extrapolation to 10,000 runs.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/bench_calibration.py \
        --case scenarios/flee/burundi --runs 200 --threads 2

With --runs below 10,000 the total for 10,000 is extrapolated from the mean, and says so.
--workers N runs N scenarios at a time from N Python threads (the GIL is released
while a run executes), each with --threads threads.
"""
import argparse
import concurrent.futures
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
    ap.add_argument("--ruleset", choices=["flee", "native"], default="flee",
                    help="a Flee case under Flee's rules, or under the native model (docs/CALIBRATION.md)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--key", default="flee.move_rules.camp_weight",
                    help="the parameter varied (native scenarios: e.g. behaviour.lambda_conflict)")
    ap.add_argument("--low", type=float, default=0.5)
    ap.add_argument("--high", type=float, default=4.0)
    a = ap.parse_args()

    t0 = time.perf_counter()
    sc = migflow.Scenario.from_flee(a.case, a.ruleset) if os.path.isdir(a.case) else migflow.Scenario.from_yaml(a.case)
    load_s = time.perf_counter() - t0

    def one(i):
        value = a.low + (a.high - a.low) * (i + 0.5) / a.runs
        t = time.perf_counter()
        res = sc.run(seed=i + 1, set={a.key: value}, threads=a.threads)
        return time.perf_counter() - t, res

    cpu0 = cpu_seconds()
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(a.workers) as pool:
        done = list(pool.map(one, range(a.runs)))
    total = time.perf_counter() - start
    per_run = [d[0] for d in done]
    engine = [d[1].attrs["wall_seconds"] for d in done]
    res = done[-1][1]
    cpu = cpu_seconds() - cpu0
    mean = total / a.runs
    print(f"case={a.case} ruleset={sc.ruleset} regions={len(sc.regions)} days={sc.days} "
          f"agents_at_end={res.attrs['final_agents']} threads={res.attrs['threads']} workers={a.workers}")
    print(f"load_s={load_s:.3f} runs={a.runs} total_s={total:.2f} per_run_s={mean:.4f} "
          f"median_call_s={statistics.median(per_run):.4f} engine_s={statistics.mean(engine):.4f} "
          f"dataset_s={statistics.mean(per_run) - statistics.mean(engine):.4f} cpu_s_per_run={cpu / a.runs:.4f} "
          f"load_1min={os.getloadavg()[0]:.2f}")
    extrapolated = "" if a.runs >= 10000 else " (extrapolated from the mean)"
    print(f"runs_10000_min={mean * 10000 / 60:.1f}{extrapolated}")


if __name__ == "__main__":
    sys.exit(main())
