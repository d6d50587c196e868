"""Fixtures of the Python tests: real result files from small scenarios, run once per session.

    /usr/bin/python3 -m pytest tests/test_analysis.py --migflow build/migflow

The binary comes from `--migflow` or the environment variable MIGFLOW_BIN (ctest sets
it, tests/CMakeLists.txt); without either the tests stop with that message. The
scenarios are tiny.yaml and copies of it edited in the test's own folder, so every
expected value is either known from the scenario (dates of closures, a camp that
starts over its capacity) or derived here from the raw datasets of the real file.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANALYSIS = os.path.join(SOURCE, "analysis")
SCENARIOS = os.path.join(SOURCE, "scenarios")
sys.path.insert(0, ANALYSIS)


def pytest_addoption(parser):
    parser.addoption("--migflow", default=os.environ.get("MIGFLOW_BIN"),
                     help="the migflow binary (default: $MIGFLOW_BIN)")


@pytest.fixture(scope="session")
def migflow(pytestconfig):
    path = pytestconfig.getoption("--migflow")
    if not path or not os.access(path, os.X_OK):
        raise pytest.UsageError(f"no migflow binary: give --migflow PATH or set MIGFLOW_BIN (got {path!r})")
    return path


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("migflow_analysis")


def tiny_text():
    with open(os.path.join(SCENARIOS, "tiny.yaml"), encoding="utf-8") as f:
        return f.read()


def edit(text, old, new):
    """text with `old` replaced once; fails loudly when tiny.yaml no longer has it."""
    assert text.count(old) == 1, f"tiny.yaml no longer has {old!r} once: update the test's edit"
    return text.replace(old, new)


def write_scenario(folder, name, text):
    """A scenario beside a copy of tiny.yaml's climate file, which it names relatively."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(os.path.join(SCENARIOS, "tiny_climate.csv"), folder / "tiny_climate.csv")
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(migflow, args, cwd=None):
    out = subprocess.run([migflow, *args, "--quiet"], capture_output=True, text=True, cwd=cwd)
    assert out.returncode == 0, f"migflow {' '.join(args)} failed:\n{out.stderr}"


def migflow_run(migflow, folder, scenario, name, *extra):
    path = str(folder / f"{name}.h5")
    run(migflow, ["run", scenario, "-o", path, *extra])
    return path


@pytest.fixture(scope="session")
def tiny_run(migflow, workdir):
    """scenarios/tiny.yaml as it is: a border closure, a road closure and a shock."""
    return migflow_run(migflow, workdir, os.path.join(SCENARIOS, "tiny.yaml"), "tiny")


@pytest.fixture(scope="session")
def open_scenario(workdir):
    """tiny.yaml without its border closure (the road closure and the shock stay), named tiny_open."""
    text = re.sub(r"\nclosures:\n  - \{border: \[Aland, Bland\][^\n]*\n", "\n", edit(tiny_text(), "name: tiny\n", "name: tiny_open\n"))
    assert "border:" not in text, "tiny.yaml's closures block changed: update the test's edit"
    return write_scenario(workdir / "open", "tiny_open", text)


@pytest.fixture(scope="session")
def open_run(migflow, workdir, open_scenario):
    return migflow_run(migflow, workdir, open_scenario, "tiny_open")


@pytest.fixture(scope="session")
def short_run(migflow, workdir):
    """tiny.yaml over its first 20 days only."""
    return migflow_run(migflow, workdir, os.path.join(SCENARIOS, "tiny.yaml"), "tiny_short", "--set", "days=20")


def small_camp_text():
    """tiny.yaml with a camp of 900 places, which fills and turns movers away."""
    return edit(tiny_text(), "capacity: 3000", "capacity: 900")


@pytest.fixture(scope="session")
def small_camp_scenario(workdir):
    return write_scenario(workdir / "small_camp", "small_camp", small_camp_text())


@pytest.fixture(scope="session")
def small_camp_run(migflow, workdir, small_camp_scenario):
    return migflow_run(migflow, workdir, small_camp_scenario, "small_camp")


@pytest.fixture(scope="session")
def far_camp_run(migflow, workdir):
    """The small camp at the end of 300 km roads: movers spend days on their way to it."""
    text = edit(small_camp_text(), "{from: Beta, to: Camp, km: 120", "{from: Beta, to: Camp, km: 300")
    text = edit(text, "{from: Gamma, to: Camp, km: 60}", "{from: Gamma, to: Camp, km: 300}")
    return migflow_run(migflow, workdir, write_scenario(workdir / "far_camp", "far_camp", text), "far_camp")


@pytest.fixture(scope="session")
def small_camp_ensemble(migflow, workdir, small_camp_scenario):
    return migflow_run(migflow, workdir, small_camp_scenario, "small_camp_ens", "--replicates", "12")


@pytest.fixture(scope="session")
def overfull_run(migflow, workdir):
    """A camp that starts with twice its capacity: full from day 0, whatever the rules do."""
    text = edit(tiny_text(), "population: 0, capacity: 3000", "population: 2000, capacity: 1000")
    return migflow_run(migflow, workdir, write_scenario(workdir / "overfull", "overfull", text), "overfull")


@pytest.fixture(scope="session")
def clipped_run(migflow, workdir):
    """tiny.yaml with a closure that never ends and a shock that began before the run."""
    text = edit(tiny_text(), "closures:\n",
                "closures:\n  - {region: Hub, from: 2024-01-25}\n")
    text = edit(text, "shocks:\n",
                "shocks:\n  - {driver: conflict, region: Alpha, from: 2023-12-01, to: 2024-01-03, severity: 0.9,"
                " mode: max}\n")
    return migflow_run(migflow, workdir, write_scenario(workdir / "clipped", "clipped", text), "clipped")


@pytest.fixture(scope="session")
def comparison(migflow, workdir, open_scenario):
    """`migflow compare` of tiny.yaml (the border closure) against the open scenario."""
    path = str(workdir / "compare.h5")
    run(migflow, ["compare", open_scenario, os.path.join(SCENARIOS, "tiny.yaml"), "--replicates", "4", "-o", path])
    return path


@pytest.fixture(scope="session")
def validation_run(migflow, workdir):
    """A Flee case with observed data (scenarios/flee/dflee_example, 11 days): a /validation group."""
    return migflow_run(migflow, workdir, os.path.join(SCENARIOS, "flee", "dflee_example"), "dflee_example")


@pytest.fixture(scope="session")
def validation_ensemble(migflow, workdir):
    """The same Flee case, 5 replicates: per-replicate ARDs and one /validation group."""
    return migflow_run(migflow, workdir, os.path.join(SCENARIOS, "flee", "dflee_example"), "dflee_ensemble",
                       "--replicates", "5")


@pytest.fixture
def copy_of(tmp_path):
    """copy_of(path): a copy in the test's own folder, to remove a group the way an older file lacks it."""
    def make(path):
        dst = tmp_path / os.path.basename(path)
        shutil.copy(path, dst)
        return str(dst)
    return make
