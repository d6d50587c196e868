"""A calibration loop from Python (issue #12): one Flee case loaded once, then many
in-process runs, each with other parameter values and its own seed. Prints the time
to load, the time per run (run + Dataset) and the extrapolation to 10,000 runs.

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/bench_calibration.py \
        --case scenarios/flee/burundi --runs 200 --threads 2

With --runs below 10,000 the total for 10,000 is extrapolated from the mean, and says so.
--workers N runs N scenarios at a time from N Python threads (the GIL is released
while a run executes), each with --threads threads. --repeat N repeats the whole loop
(default 1; the printed lines are the repetition of median total time) and --json FILE
appends one JSON record of them all (schema migflow-bench/1, benchmarks/README.md).
"""
import argparse
import concurrent.futures
import json
import os
import platform
import resource
import socket
import statistics
import sys
import time

import migflow


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


BINDING_PREFIXES = ("OMP_", "OMPI_MCA_hwloc", "OMPI_MCA_rmaps", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_SIZE",
                    "I_MPI_PIN", "HYDRA_BIND", "MPIR_CVAR_", "SLURM_CPU", "SLURM_NTASKS", "SLURM_JOB_ID",
                    "SLURM_JOB_NODELIST", "SLURM_MPI_TYPE", "TBB_")


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "cpu model"):
                    return value.strip() or "unknown"
    except OSError:
        pass
    return "unknown"


def cpus_allowed_list():
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def context(load_before, argv):
    """The fields bench_record.hpp's context_json writes, from Python."""
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "host": socket.gethostname(),
        "kernel": f"{platform.system()} {platform.release()}",
        "cpu_model": cpu_model(),
        "cores_online": os.cpu_count(),
        "cpus_allowed": cpus_allowed_list(),
        "cpus_allowed_count": len(os.sched_getaffinity(0)),
        "binding_env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(BINDING_PREFIXES)},
        "load_before": list(load_before),
        "load_after": list(os.getloadavg()),
        "build": migflow._core.build_info(),
        "command": list(argv),
    }


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def one_loop(sc, a):
    """One calibration loop of a.runs runs; its figures."""
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
    engine = [float(d[1].attrs["wall_seconds"]) for d in done]
    res = done[-1][1]
    cpu = cpu_seconds() - cpu0
    return {
        "total_s": total,
        "per_run_s": total / a.runs,
        "median_call_s": statistics.median(per_run),
        "engine_s": statistics.mean(engine),
        "dataset_s": statistics.mean(per_run) - statistics.mean(engine),
        "cpu_s_per_run": cpu / a.runs,
        "runs_10000_min": total / a.runs * 10000 / 60,
        "final_agents": int(res.attrs["final_agents"]),
        "threads_used": int(res.attrs["threads"]),
    }


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
    ap.add_argument("--repeat", type=int, default=1, help="repetitions of the whole loop (default 1)")
    ap.add_argument("--json", metavar="FILE", help="append one JSON record (benchmarks/README.md) to FILE")
    a = ap.parse_args()
    if a.repeat < 1 or a.runs < 1:
        ap.error("--repeat and --runs must be at least 1")

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    sc = migflow.Scenario.from_flee(a.case, a.ruleset) if os.path.isdir(a.case) else migflow.Scenario.from_yaml(a.case)
    load_s = time.perf_counter() - t0
    loops = [one_loop(sc, a) for _ in range(a.repeat)]
    m = sorted(loops, key=lambda r: r["total_s"])[(len(loops) - 1) // 2]  # the loop of median total time
    print(f"case={a.case} ruleset={sc.ruleset} regions={len(sc.regions)} days={sc.days} "
          f"agents_at_end={m['final_agents']} threads={m['threads_used']} workers={a.workers} repeats={a.repeat}")
    print(f"load_s={load_s:.3f} runs={a.runs} total_s={m['total_s']:.2f} per_run_s={m['per_run_s']:.4f} "
          f"median_call_s={m['median_call_s']:.4f} engine_s={m['engine_s']:.4f} "
          f"dataset_s={m['dataset_s']:.4f} cpu_s_per_run={m['cpu_s_per_run']:.4f} "
          f"load_1min={os.getloadavg()[0]:.2f}")
    extrapolated = "" if a.runs >= 10000 else " (extrapolated from the mean)"
    print(f"runs_10000_min={m['runs_10000_min']:.1f}{extrapolated}")
    if a.json:
        figures = ("total_s", "per_run_s", "median_call_s", "engine_s", "dataset_s", "cpu_s_per_run", "runs_10000_min")
        record = {
            "schema": "migflow-bench/1",
            "benchmark": "bench_calibration",
            "config": {"case": a.case, "ruleset": sc.ruleset, "regions": len(sc.regions), "days": sc.days,
                       "runs": a.runs, "threads": a.threads, "workers": a.workers, "key": a.key,
                       "low": a.low, "high": a.high},
            "repeats": a.repeat,
            "load_s": load_s,
            "runs": loops,
            "summary": {f: spread([loop[f] for loop in loops]) for f in figures},
            "context": context(load_before, sys.argv),
        }
        try:
            with open(a.json, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
        except OSError as e:
            sys.exit(f"bench_calibration: cannot write the record to {a.json}: {e.strerror}")


if __name__ == "__main__":
    sys.exit(main())
