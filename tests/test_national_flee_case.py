"""The synthetic national Flee case (issue #25; benchmarks/national_flee_case.py): its shape,
that it is a pure function of its options, and that migflow checks and runs it at 1/1000
of its population (the full case is for timing only).

Run by ctest (tests/CMakeLists.txt) with MIGFLOW_BIN set; by hand:
    /usr/bin/python3 -m pytest tests/test_national_flee_case.py --migflow build/migflow
"""
import csv
import filecmp
import os
import re
import subprocess
import sys

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "benchmarks", "national_flee_case.py")


def generate(out, *options):
    subprocess.run([sys.executable, GENERATOR, str(out), *options], check=True)
    return out


def rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.reader(f) if r and not r[0].startswith("#")]


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    same, differ, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not differ and not errors and all(same_tree(os.path.join(a, d), os.path.join(b, d)) for d in cmp.common_dirs)


def test_the_case_has_the_shape_of_the_largest_public_flee_cases(tmp_path):
    case = generate(tmp_path / "full")
    locations = rows(case / "input_csv" / "locations.csv")
    routes = rows(case / "input_csv" / "routes.csv")
    assert len(locations) == 800 and len(routes) == 1500
    names = [r[0] for r in locations]
    assert len(set(names)) == len(names)
    assert {r[0] for r in routes} | {r[1] for r in routes} <= set(names)
    assert len({(min(r[0], r[1]), max(r[0], r[1])) for r in routes}) == 1500  # no road twice
    assert all(float(r[2]) >= 1.0 for r in routes)
    kinds = [r[5] for r in locations]
    assert kinds.count("camp") >= 50 and kinds.count("conflict_zone") >= 100
    assert len({r[2] for r in locations}) == 4
    # The camps' counts on the last day sum to the agents spawned over the run: 28 million
    # to within the truncation of each camp's count to a whole number.
    layout = rows(case / "source_data" / "data_layout.csv")
    last = sum(int(rows(case / "source_data" / f)[-1][1]) for name, f in layout if name != "total")
    assert 28e6 - len(layout) <= last <= 28e6
    settings = (case / "simsetting.yml").read_text()
    for key in ("default_movechance: 0.3", "awareness_level: 2", "start_on_foot: True", "avoid_short_stints: True"):
        assert key in settings
    assert rows(case / "input_csv" / "sim_period.csv")[1] == ["Length", "365"]


def test_the_same_seed_writes_the_same_bytes_and_another_seed_another_map(tmp_path):
    a = generate(tmp_path / "a", "--seed", "7", "--scale", "0.001")
    b = generate(tmp_path / "b", "--seed", "7", "--scale", "0.001")
    c = generate(tmp_path / "c", "--seed", "8", "--scale", "0.001")
    assert same_tree(a, b)
    assert not same_tree(a, c)


def test_migflow_checks_and_runs_the_case_at_a_thousandth_of_its_population(tmp_path, migflow):
    case = generate(tmp_path / "small", "--scale", "0.001")
    check = subprocess.run([migflow, "check", str(case)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "800 regions" in check.stdout and "1500 routes" in check.stdout
    out = tmp_path / "small.h5"
    run = subprocess.run([migflow, "run", str(case), "-o", str(out), "--threads", "2", "--quiet"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["days"] == 365 and f.attrs["ruleset"] == "flee"
        assert f["/series/population"].shape == (365, 800)
    info = subprocess.run([migflow, "info", str(out)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"agents:\s+(\d+) at the start, (\d+) created during the run", info)
    assert m, info
    # About 28,000 agents in all (the camps' final counts, each truncated to a whole number).
    assert 27_900 <= int(m.group(1)) + int(m.group(2)) <= 28_000
