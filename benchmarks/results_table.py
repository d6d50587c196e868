#!/usr/bin/python3
"""Print benchmarks/RESULTS.md's tables again from JSON benchmark records.

usage: benchmarks/results_table.py RECORDS.jsonl... [--spread] [--mpi] [--csv]

RECORDS are files of JSON lines written by `bench_run --json`, `bench_startup --json`,
`bench_calibration.py --json` or the run_*benchmarks.sh scripts' --json (the schema: benchmarks/README.md). Prints
the context the records share (commit, build, compiler, MPI library, host, CPU, the
CPUs allowed), then one Markdown row per record: its run of median wall time
(start-up: the medians of load and set-up).
--spread adds the number of runs and the wall time's min–max; --mpi prints bench_run
records in the columns of RESULTS.md's "One run across MPI ranks" table instead.
--csv prints one CSV row per record instead: every config field, the median, min and
max of every summary figure, and the context (build items as build_<name>).
"""
import argparse
import csv
import json
import sys

RUN_COLUMNS = ["agents", "regions", "days", "threads", "wall s", "agent-steps/s", "bytes/agent",
               "peak RSS MB", "HDF5 MB", "CPU s", "steps/CPU-s", "load (1 min)"]
MPI_COLUMNS = ["regions", "agents", "ranks", "CPUs per rank", "wall s", "compute ms/day (max rank)",
               "comm ms/day (mean)", "comm ms/day (max)", "exchange ms/day", "allreduce alone ms",
               "message kB", "load (1 min)"]
STARTUP_COLUMNS = ["regions", "routes", "days", "files MB", "load s", "setup s", "total s", "load (1 min)"]


def read_records(paths):
    records = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"results_table.py: {path}:{number}: not a JSON record ({e.msg})")
                if not str(record.get("schema", "")).startswith("migflow-bench/"):
                    sys.exit(f"results_table.py: {path}:{number}: no `schema: migflow-bench/...` key")
                records.append(record)
    return records


def median_run(record):
    """The repetition of median wall time (the lower middle one for an even count)."""
    runs = sorted(record["runs"], key=lambda r: r["wall_s"])
    return runs[(len(runs) - 1) // 2]


def context_lines(records):
    keys = [("commit", lambda c: c["build"]["commit"][:12] + (" (modified)" if c["build"]["modified"] == "yes" else "")),
            ("build", lambda c: f'{c["build"]["type"]}; {c["build"]["compiler"]}; flags `{c["build"]["flags"]}`'),
            ("libraries", lambda c: f'HDF5 {c["build"]["hdf5"]}, oneTBB {c["build"]["tbb"]}, MPI {c["build"]["mpi"]}'),
            ("host", lambda c: f'{c["host"]} ({c["kernel"]})'),
            ("CPU", lambda c: f'{c["cpu_model"]}, {c["cores_online"]} cores online'),
            ("CPUs allowed", lambda c: c["cpus_allowed"]),
            ("dates", lambda c: c["date"])]
    lines = []
    for name, get in keys:
        values = sorted({get(r["context"]) for r in records})
        if name == "dates" and len(values) > 1:
            values = [f"{values[0]} to {values[-1]}"]
        lines.append(f"- {name}: " + "; ".join(values))
    return lines


def table(columns, rows):
    out = ["| " + " | ".join(columns) + " |",
           "|" + "|".join("---:" for _ in columns) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def run_row(r, spread):
    c, s, m = r["config"], r["summary"], median_run(r)
    row = [str(c["agents"]), str(c["regions"]), str(c["days"]), str(c["threads"]),
           f'{m["wall_s"]:.3f}', f'{m["agent_steps_per_s"]:.3g}', f'{m["bytes_per_agent"]:.2f}',
           f'{m["peak_rss_mb"]:.1f}', "-" if c["output"] == "none" else f'{m["h5_mb"]:.1f}',
           f'{m["cpu_s"]:.3f}', f'{m["agent_steps_per_cpu_s"]:.3g}', f'{r["context"]["load_before"][0]:.2f}']
    if spread:
        row += [str(r["repeats"]), f'{s["wall_s"]["min"]:.3f}–{s["wall_s"]["max"]:.3f}']
    return row


def mpi_row(r, spread):
    c, m, mpi = r["config"], median_run(r), r["mpi"]
    row = [str(c["regions"]), str(c["agents"]), str(c["ranks"]),
           ",".join(str(n) for n in mpi["cpus_allowed_per_rank"]), f'{m["wall_s"]:.3f}',
           f'{m["compute_ms_per_day_max"]:.3f}', f'{m["comm_ms_per_day_mean"]:.3f}',
           f'{m["comm_ms_per_day_max"]:.3f}', f'{m["exchange_ms_per_day_mean"]:.3f}',
           f'{mpi["allreduce_alone_ms"]:.4f}', str(mpi["message_bytes"] // 1000),
           f'{r["context"]["load_before"][0]:.2f}']
    if spread:
        row += [str(r["repeats"]), f'{r["summary"]["wall_s"]["min"]:.3f}–{r["summary"]["wall_s"]["max"]:.3f}']
    return row


def startup_row(r, spread):
    c, s = r["config"], r["summary"]
    row = [str(c["regions"]), str(c["routes"]), str(c["days"]), f'{c["files_mb"]:.1f}',
           f'{s["load_s"]["median"]:.3f}', f'{s["setup_s"]["median"]:.3f}', f'{s["total_s"]["median"]:.3f}',
           f'{r["context"]["load_before"][0]:.2f}']
    if spread:
        row += [str(r["repeats"]), f'{s["total_s"]["min"]:.3f}–{s["total_s"]["max"]:.3f}']
    return row


def flat_row(record):
    row = {"benchmark": record["benchmark"], "repeats": record["repeats"]}
    row.update({k: v for k, v in record["config"].items()})
    for figure, spread in record["summary"].items():
        row.update({f"{figure}_{k}": v for k, v in spread.items()})
    context = record["context"]
    for key in ("date", "host", "kernel", "cpu_model", "cores_online", "cpus_allowed", "cpus_allowed_count"):
        row[key] = context[key]
    row["load_before_1min"], row["load_after_1min"] = context["load_before"][0], context["load_after"][0]
    row["binding_env"] = " ".join(f"{k}={v}" for k, v in context["binding_env"].items())
    row.update({f"build_{k}": v for k, v in context["build"].items()})
    return row


def print_csv(records):
    rows = [flat_row(r) for r in records]
    columns = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", nargs="+", help="files of JSON lines")
    ap.add_argument("--spread", action="store_true", help="add the run count and min–max columns")
    ap.add_argument("--mpi", action="store_true", help="bench_run records in the MPI table's columns")
    ap.add_argument("--csv", action="store_true", help="one flat CSV row per record instead of tables")
    args = ap.parse_args()
    records = read_records(args.records)
    if not records:
        sys.exit("results_table.py: no records in " + ", ".join(args.records))
    if args.csv:
        print_csv(records)
        return
    extra = ["runs", "wall s min–max"] if args.spread else []
    out = context_lines(records)
    runs = [r for r in records if r["benchmark"] == "bench_run"]
    startups = [r for r in records if r["benchmark"] == "bench_startup"]
    if runs:
        rulesets = sorted({r["config"]["ruleset"] for r in runs})
        out += ["", "ruleset: " + ", ".join(rulesets) + "; each row the run of median wall time", ""]
        if args.mpi:
            out += table(MPI_COLUMNS + extra, [mpi_row(r, args.spread) for r in runs])
        else:
            out += table(RUN_COLUMNS + extra, [run_row(r, args.spread) for r in runs])
    if startups:
        extra = ["runs", "total s min–max"] if args.spread else []
        out += ["", "start-up (load and set-up, medians of the repetitions)", ""]
        out += table(STARTUP_COLUMNS + extra, [startup_row(r, args.spread) for r in startups])
    reads = [r for r in records if r["benchmark"] == "bench_random_reads"]
    if reads:
        columns = ["table bytes", "ns per read (median)", "min", "max", "runs", "load (1 min)"]
        rows = [[str(r["config"]["table_bytes"])] +
                [f'{r["summary"]["ns_per_read"][k]:.2f}' for k in ("median", "min", "max")] +
                [str(r["repeats"]), f'{r["context"]["load_before"][0]:.2f}'] for r in reads]
        out += ["", "random reads (one thread)", ""] + table(columns, rows)
    calibrations = [r for r in records if r["benchmark"] == "bench_calibration"]
    if calibrations:
        columns = ["case", "ruleset", "runs", "threads", "workers", "s per run (median)", "engine s", "dataset s",
                   "10,000 runs, min", "repeats", "load (1 min)"]
        rows = [[r["config"]["case"], r["config"]["ruleset"], str(r["config"]["runs"]), str(r["config"]["threads"]),
                 str(r["config"]["workers"])] +
                [f'{r["summary"][k]["median"]:.4f}' for k in ("per_run_s", "engine_s", "dataset_s")] +
                [f'{r["summary"]["runs_10000_min"]["median"]:.1f}', str(r["repeats"]),
                 f'{r["context"]["load_before"][0]:.2f}'] for r in calibrations]
        out += ["", "calibration loop from Python (bench_calibration.py)", ""] + table(columns, rows)
    print("\n".join(out))


if __name__ == "__main__":
    main()
