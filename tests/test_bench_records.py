"""The benchmarks' JSON records (issue #24, finding 7; schema in benchmarks/README.md):
bench_run and bench_startup on tiny configurations with --json, the record's fields and
the consistency of its numbers (never their speed), and results_table.py reading them.

Run by ctest (benchmarks/CMakeLists.txt) with BENCH_RUN and BENCH_STARTUP set to the
built programs; in a MIGFLOW_MPI build a second ctest entry runs the `mpirun` test with
BENCH_MPIRUN, the launcher's command line.
"""
import csv
import datetime
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_TABLE = os.path.join(HERE, "..", "benchmarks", "results_table.py")
BUILD_KEYS = {"commit", "modified", "type", "compiler", "flags", "hdf5", "tbb", "mpi", "features", "nlopt", "eigen",
              "yaml_cpp"}


def program(name):
    path = os.environ.get(name)
    if not path:
        pytest.fail(f"{name} is not set: run through ctest")
    return path


def cpu_set(text):
    """"0-3,8" -> {0, 1, 2, 3, 8}."""
    cpus = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        cpus.update(range(int(lo), int(hi or lo) + 1))
    return cpus


def records_of(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def check_spread(spread, values):
    assert spread["min"] <= spread["median"] <= spread["max"]
    assert spread["min"] == pytest.approx(min(values), rel=1e-5)
    assert spread["max"] == pytest.approx(max(values), rel=1e-5)
    assert spread["median"] == pytest.approx(statistics.median(values), rel=1e-5)


def check_context(context, env, cpus):
    assert BUILD_KEYS <= set(context["build"])
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", context["build"]["commit"])
    assert context["build"]["modified"] in ("yes", "no", "unknown")
    assert context["build"]["mpi"]  # "none" without MPI, else the library's own words
    assert context["host"] == socket.gethostname()
    assert context["cores_online"] == os.cpu_count()
    assert cpu_set(context["cpus_allowed"]) == cpus
    assert context["cpus_allowed_count"] == len(cpus)
    for key in ("load_before", "load_after"):
        assert len(context[key]) == 3 and all(x >= 0 for x in context[key])
    when = datetime.datetime.strptime(context["date"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.datetime.utcnow() - when).total_seconds()) < 600
    # The binding asked for is recorded; unrelated variables are not.
    assert context["binding_env"] == {k: v for k, v in env.items() if k in ("OMP_PROC_BIND", "OMP_PLACES")}
    assert context["cpu_model"]


def bench_env():
    env = {k: v for k, v in os.environ.items()
           if not re.match(r"OMP_|OMPI_|I_MPI_PIN|HYDRA_BIND|MPIR_CVAR_|SLURM_|TBB_", k)}
    env.update(OMP_PROC_BIND="close", OMP_PLACES="cores", MIGFLOW_UNRELATED="1")
    return env


def test_bench_run_records_every_repetition_and_its_context(tmp_path):
    records = tmp_path / "runs.jsonl"
    env = bench_env()
    first_cpu = min(os.sched_getaffinity(0))
    # Bound to one CPU, as a launcher's binding would: the record must say so.
    bound = subprocess.run(
        [program("BENCH_RUN"), "--agents", "3000", "--regions", "20", "--days", "4", "--threads", "2",
         "--no-output", "--repeat", "3", "--json", str(records)],
        env=env, capture_output=True, text=True, preexec_fn=lambda: os.sched_setaffinity(0, {first_cpu}))
    assert bound.returncode == 0, bound.stderr
    # An even count (the median is the mean of the middle two) and HDF5 output, appended.
    hdf5 = subprocess.run(
        [program("BENCH_RUN"), "--agents", "2000", "--regions", "20", "--days", "3", "--threads", "1",
         "--repeat", "2", "--json", str(records)],
        env=env, capture_output=True, text=True)
    assert hdf5.returncode == 0, hdf5.stderr
    first, second = records_of(records)

    for record, agents, days, threads, repeats, output, cpus in (
            (first, 3000, 4, 2, 3, "none", {first_cpu}),
            (second, 2000, 3, 1, 2, "hdf5", os.sched_getaffinity(0))):
        assert record["schema"] == "migflow-bench/1"
        assert record["benchmark"] == "bench_run"
        c = record["config"]
        assert (c["agents"], c["regions"], c["days"], c["threads"], c["ranks"], c["ruleset"], c["output"]) == \
            (agents, 20, days, threads, 1, "native", output)
        assert c["routes"] > 0
        assert record["repeats"] == repeats == len(record["runs"])
        for run in record["runs"]:
            assert run["agent_steps"] == agents * days
            assert 0 <= run["final_agents"] <= agents
            assert run["agent_steps_per_s"] == pytest.approx(run["agent_steps"] / run["wall_s"], rel=1e-4)
            assert run["agent_steps_per_cpu_s"] == pytest.approx(run["agent_steps"] / run["cpu_s"], rel=1e-4)
            assert run["threads_used"] >= 1
            assert set(run["stages_s"]) >= {"drivers", "spawn", "prepare", "move", "tally", "record"}
            assert (run["h5_mb"] > 0) == (output == "hdf5")
        s = record["summary"]
        for key in ("wall_s", "agent_steps_per_s", "cpu_s", "bytes_per_agent", "peak_rss_mb", "h5_mb"):
            check_spread(s[key], [run[key] for run in record["runs"]])
        assert record["mpi"]["ranks"] == 1
        assert record["mpi"]["cpus_allowed_per_rank"] == [len(cpus)]
        check_context(record["context"], env, cpus)
        assert record["context"]["command"][-2:] == ["--json", str(records)]

    # The human-readable line is the run of median wall time, with the range beside it.
    line = dict(kv.split("=", 1) for kv in bound.stdout.splitlines()[0].split())
    walls = sorted(run["wall_s"] for run in first["runs"])
    assert line["repeats"] == "3"
    assert float(line["wall_s"]) == pytest.approx(walls[1], abs=1e-3)
    assert float(line["wall_s_min"]) == pytest.approx(walls[0], abs=1e-3)
    assert float(line["wall_s_max"]) == pytest.approx(walls[2], abs=1e-3)

    # results_table.py prints RESULTS.md's rows again from the records.
    table = subprocess.run([sys.executable, RESULTS_TABLE, str(records), "--spread"],
                           capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    rows = [r for r in table.stdout.splitlines() if re.match(r"\| \d", r)]
    assert len(rows) == 2
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[:4] == ["3000", "20", "4", "2"]
    assert cells[8] == "-"  # no output
    assert float(cells[4]) == pytest.approx(walls[1], abs=1e-3)
    assert cells[-2] == "3"
    assert f"- host: {socket.gethostname()}" in table.stdout
    assert first["context"]["build"]["commit"][:12] in table.stdout

    # --csv: one flat row per record, the spreads and the build record as columns.
    flat = subprocess.run([sys.executable, RESULTS_TABLE, str(records), "--csv"], capture_output=True, text=True)
    assert flat.returncode == 0, flat.stderr
    rows = list(csv.DictReader(io.StringIO(flat.stdout)))
    assert [int(r["agents"]) for r in rows] == [3000, 2000]
    assert float(rows[1]["wall_s_max"]) == pytest.approx(second["summary"]["wall_s"]["max"])
    assert rows[0]["build_commit"] == first["context"]["build"]["commit"]
    assert rows[0]["binding_env"] == "OMP_PLACES=cores OMP_PROC_BIND=close"


def test_bench_run_under_mpirun_records_every_ranks_cpus(tmp_path):
    # Open MPI binds each rank to one core by default (--bind-to core said aloud here):
    # two threads asked, one used, one CPU per rank — the record must show all three.
    launcher = os.environ.get("BENCH_MPIRUN")
    if not launcher:
        pytest.fail("BENCH_MPIRUN is not set: run through ctest in a MIGFLOW_MPI build")
    records = tmp_path / "mpi.jsonl"
    command = launcher.split() + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    done = subprocess.run(
        command + ["--bind-to", "core", "-np", "2", program("BENCH_RUN"), "--agents", "4000",
                            "--regions", "30", "--days", "3", "--threads", "2", "--no-output",
                            "--repeat", "2", "--json", str(records)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (record,) = records_of(records)  # rank 0 alone writes
    assert record["config"]["ranks"] == record["mpi"]["ranks"] == 2
    assert record["config"]["threads"] == 2
    assert record["mpi"]["cpus_allowed_per_rank"] == [1, 1]
    assert record["context"]["cpus_allowed_count"] == 1
    assert record["context"]["build"]["mpi"] not in ("none", "unknown")
    assert record["context"]["binding_env"].get("OMPI_COMM_WORLD_SIZE") == "2"
    assert record["repeats"] == len(record["runs"]) == 2
    for run in record["runs"]:
        assert run["agent_steps"] == 4000 * 3  # over all ranks
        assert run["threads_used"] == 1
        assert run["comm_ms_per_day_max"] >= run["comm_ms_per_day_mean"] >= 0
    check_spread(record["summary"]["wall_s"], [run["wall_s"] for run in record["runs"]])


def test_bench_startup_records_its_repetitions(tmp_path):
    records = tmp_path / "startup.jsonl"
    env = bench_env()
    done = subprocess.run(
        [program("BENCH_STARTUP"), "--regions", "60", "--routes", "150", "--days", "10", "--repeat", "2",
         "--json", str(records)],
        env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "repeats=2" in done.stdout
    (record,) = records_of(records)
    assert record["benchmark"] == "bench_startup"
    assert record["config"]["regions"] == 60 and record["config"]["days"] == 10
    assert record["repeats"] == len(record["runs"]) == 2
    totals = [run["load_s"] + run["setup_s"] for run in record["runs"]]
    check_spread(record["summary"]["total_s"], totals)
    check_spread(record["summary"]["load_s"], [run["load_s"] for run in record["runs"]])
    check_context(record["context"], env, os.sched_getaffinity(0))
    table = subprocess.run([sys.executable, RESULTS_TABLE, str(records)], capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    assert re.search(r"^\| 60 \| \d+ \| 10 \|", table.stdout, re.M)


def test_bench_calibration_records_its_loops(tmp_path):
    records = tmp_path / "calibration.jsonl"
    env = bench_env()
    env["PYTHONPATH"] = program("MIGFLOW_PYTHON_DIR")
    tiny = os.path.join(HERE, "..", "scenarios", "tiny.yaml")
    script = os.path.join(HERE, "..", "benchmarks", "bench_calibration.py")
    done = subprocess.run(
        ["/usr/bin/python3", script, "--case", tiny, "--key", "behaviour.lambda_conflict", "--runs", "3",
         "--threads", "1", "--repeat", "2", "--json", str(records)],
        env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "repeats=2" in done.stdout
    (record,) = records_of(records)
    assert record["benchmark"] == "bench_calibration"
    assert record["config"]["runs"] == 3 and record["config"]["ruleset"] == "native"
    assert record["repeats"] == len(record["runs"]) == 2
    for loop in record["runs"]:
        assert loop["threads_used"] == 1 and loop["final_agents"] > 0
        assert loop["per_run_s"] == pytest.approx(loop["total_s"] / 3)
        assert 0 < loop["engine_s"] <= loop["median_call_s"] * 3
    for figure in ("total_s", "per_run_s", "engine_s", "dataset_s", "runs_10000_min"):
        check_spread(record["summary"][figure], [loop[figure] for loop in record["runs"]])
    check_context(record["context"], env, os.sched_getaffinity(0))
    assert "features" in record["context"]["build"]  # the Python module's build, as --version prints it
    table = subprocess.run([sys.executable, RESULTS_TABLE, str(records)], capture_output=True, text=True)
    assert table.returncode == 0, table.stderr
    assert re.search(r"^\| \S*tiny.yaml \| native \| 3 \| 1 \| 1 \|", table.stdout, re.M), table.stdout


def test_bad_repeat_and_unwritable_record_are_clear_errors(tmp_path):
    bad = subprocess.run([program("BENCH_RUN"), "--agents", "100", "--regions", "5", "--days", "1",
                          "--repeat", "0"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--repeat must be at least 1" in bad.stderr
    missing = tmp_path / "no" / "such" / "dir" / "r.jsonl"
    unwritable = subprocess.run([program("BENCH_RUN"), "--agents", "100", "--regions", "5", "--days", "1",
                                 "--no-output", "--repeat", "1", "--json", str(missing)],
                                capture_output=True, text=True)
    assert unwritable.returncode == 1
    assert f"cannot open {missing}" in unwritable.stderr


def test_results_table_names_a_line_that_is_not_a_record(tmp_path):
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"schema": "migflow-bench/1", "benchmark": "bench_run"}\nnot json\n')
    done = subprocess.run([sys.executable, RESULTS_TABLE, str(junk)], capture_output=True, text=True)
    assert done.returncode != 0
    assert f"{junk}:2: not a JSON record" in done.stderr
