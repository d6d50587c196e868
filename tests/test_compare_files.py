"""`migflow --version`'s features line and `migflow compare-files` (docs/HPC.md,
docs/OUTPUT.md "Comparing two result files"), on real result files of tiny.yaml.
Run by ctest (test `version_and_compare_files`), which sets MIGFLOW_BIN and
MIGFLOW_EXPECTED_FEATURES (what CMake configured)."""
import os
import shutil
import subprocess
import zlib

import h5py
import numpy as np
import pytest

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(SOURCE, "scenarios", "tiny.yaml")
SEAL_BYTES = 512


def migflow(*args):
    return subprocess.run([os.environ["MIGFLOW_BIN"], *args], capture_output=True, text=True)


def version_items():
    out = migflow("--version")
    assert out.returncode == 0
    return dict(line.strip().split(": ", 1) for line in out.stdout.splitlines()[1:])


def test_version_names_the_features_cmake_configured(tmp_path):
    items = version_items()
    assert items["features"] == os.environ["MIGFLOW_EXPECTED_FEATURES"]
    names = items["features"].split()
    assert set(names) <= {"mpi", "python", "osm", "native-arch", "none"} or any(n.startswith("sanitize=") for n in names)
    assert ("mpi" in names) == (items["mpi"] != "none")
    assert ("native-arch" in names) == ("-march=native" in items["flags"])
    out = tmp_path / "run.h5"
    assert migflow("run", TINY, "--quiet", "-o", str(out)).returncode == 0
    with h5py.File(out, "r") as f:
        assert f.attrs["build_features"] == items["features"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    paths = {}
    for name, args in {"one": ["--threads", "1"], "two": ["--threads", "2"], "seed2": ["--threads", "1", "--seed", "2"]}.items():
        paths[name] = str(d / f"{name}.h5")
        assert migflow("run", TINY, "--quiet", "-o", paths[name], *args).returncode == 0
    return paths


def edited_copy(src, dst, edit):
    """A copy of a result with `edit(h5py.File)` applied and sealed again, as migflow seals."""
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        edit(f)
    with open(dst, "r+b") as f:
        f.seek(SEAL_BYTES)
        body = f.read()
        header = b"migflow result seal v1\n" + f"crc32 {zlib.crc32(body):08x}\nbytes {len(body)}\n".encode()
        f.seek(0)
        f.write(header.ljust(SEAL_BYTES, b"\0"))
    return str(dst)


def ignored_lines(stdout):
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("not compared"))
    return [line.strip() for line in lines[start + 1:]]


def test_runs_that_differ_only_in_threads_hold_the_same_results(runs):
    out = migflow("compare-files", runs["one"], runs["two"])
    assert out.returncode == 0, out.stdout + out.stderr
    first = out.stdout.splitlines()[0]
    assert first.startswith(f"{runs['one']} and {runs['two']} hold the same results: ")
    datasets = int(first.split(": ")[1].split()[0])
    with h5py.File(runs["one"], "r") as f:
        expected = []
        f.visititems(lambda name, obj: expected.append(name) if isinstance(obj, h5py.Dataset) else None)
    assert datasets == len(expected)
    ignored = ignored_lines(out.stdout)
    assert "/@threads: 1 | 2" in ignored
    assert "/@ranks: 1 | 1" in ignored
    names = {line.split(":")[0] for line in ignored}
    with h5py.File(runs["one"], "r") as f:
        expected = {f"/@{k}" for k in f.attrs if k.startswith("build_") or k in ("threads", "ranks", "wall_seconds")}
        expected |= {f"/measures/origins@{k}" for k in f["/measures/origins"].attrs if k == "origin_runs"}
    assert names == expected  # exactly these, nothing else left out


def test_one_changed_number_is_found_with_its_place_and_values(runs, tmp_path):
    def bump(f):
        f["/series/population"][5, 2] += 1.0
    changed = edited_copy(runs["one"], tmp_path / "changed.h5", bump)
    with h5py.File(runs["one"], "r") as f:
        value = f["/series/population"][5, 2]
    out = migflow("compare-files", runs["one"], changed)
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"{runs['one']} and {changed} differ in 1 place(s) (values: {runs['one']} | {changed}):"
    assert lines[1] == f"  /series/population: values differ at [5, 2]: {value:.17g} | {value + 1.0:.17g}"


def test_attributes_are_compared_except_the_execution_ones(runs, tmp_path):
    def units_and_ranks(f):
        f["/series/population"].attrs["units"] = "agents"
        f.attrs["ranks"] = np.int64(3)
    changed = edited_copy(runs["one"], tmp_path / "units.h5", units_and_ranks)
    out = migflow("compare-files", runs["one"], changed)
    assert out.returncode == 1
    assert out.stdout.splitlines()[1] == '  /series/population@units: values differ: "people" | "agents"'
    assert "/@ranks: 1 | 3" in ignored_lines(out.stdout)

    def only_ranks(f):
        f.attrs["ranks"] = np.int64(3)
    ranks = edited_copy(runs["one"], tmp_path / "ranks.h5", only_ranks)
    out = migflow("compare-files", runs["one"], ranks)
    assert out.returncode == 0, out.stdout


def test_an_object_in_one_file_only_is_a_difference(runs, tmp_path):
    extra = edited_copy(runs["one"], tmp_path / "extra.h5", lambda f: f.create_dataset("/extra", data=[1, 2]))
    out = migflow("compare-files", runs["one"], extra)
    assert out.returncode == 1
    assert f"  /extra: only in {extra}" in out.stdout.splitlines()


def test_another_seed_differs_and_show_limits_the_list(runs):
    out = migflow("compare-files", runs["one"], runs["seed2"])
    assert out.returncode == 1
    assert "  /@seed: values differ: 7 | 2" in out.stdout.splitlines()  # tiny.yaml's seed is 7
    count = int(out.stdout.split(" differ in ")[1].split()[0])
    assert count > 2
    short = migflow("compare-files", runs["one"], runs["seed2"], "--show", "2")
    lines = short.stdout.splitlines()
    assert short.returncode == 1 and f"differ in {count} place(s); the first 2 (" in lines[0]
    assert lines[1:3] == out.stdout.splitlines()[1:3]
    assert lines[3].startswith("not compared")


def test_unreadable_files_exit_2(runs, tmp_path):
    missing = migflow("compare-files", runs["one"], str(tmp_path / "none.h5"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    damaged = tmp_path / "damaged.h5"
    data = bytearray(open(runs["two"], "rb").read())
    data[len(data) // 2] ^= 0x5A
    damaged.write_bytes(bytes(data))
    out = migflow("compare-files", runs["one"], str(damaged))
    assert out.returncode == 2 and "damaged result file" in out.stderr
    assert migflow("compare-files", runs["one"]).returncode == 2


def test_dimension_scales_are_compared_by_where_their_references_lead(runs, tmp_path):
    def detach(f):
        f["/series/population"].dims[1].detach_scale(f["/series/region"])
    detached = edited_copy(runs["one"], tmp_path / "detached.h5", detach)
    out = migflow("compare-files", runs["one"], detached, "--show", "100")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert "  /series/population@DIMENSION_LIST: references differ at [1]: [/series/region] | []" in lines, out.stdout
    assert any(line.startswith("  /series/region@REFERENCE_LIST: ") for line in lines), out.stdout
