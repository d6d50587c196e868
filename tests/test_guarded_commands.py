"""Issue-level reliability checks that need h5py to build the hostile file, or that run
several commands (docs/RELIABILITY.md "One way in, one way out", "Resources")."""
import os
import shutil
import subprocess
import sys
import zlib

import h5py
import numpy as np

from conftest import SCENARIOS, tiny_run  # noqa: F401  (fixtures)

SEAL_MAGIC = b"migflow result seal v1\n"
SEAL_BYTES = 512


def reseal(path):
    with open(path, "r+b") as f:
        f.seek(SEAL_BYTES)
        body = f.read()
        f.seek(0)
        f.write((SEAL_MAGIC + b"crc32 %08x\nbytes %d\n" % (zlib.crc32(body), len(body))).ljust(SEAL_BYTES, b"\0"))


def migflow_err(migflow, *args, env=None):
    r = subprocess.run([migflow, *args], capture_output=True, text=True, env=env, timeout=300)
    return r.returncode, r.stderr


def test_rerun_refuses_inputs_declared_larger_than_the_file(migflow, tiny_run, tmp_path):  # noqa: F811
    hostile = tmp_path / "hostile.h5"
    shutil.copy(tiny_run, hostile)
    with h5py.File(hostile, "r+") as f:
        name = next(iter(f["inputs"]))
        attrs = dict(f["inputs"][name].attrs)
        del f["inputs"][name]
        # 2^40 bytes declared, nothing written: a reader that trusts the shape allocates 1 TiB.
        ds = f["inputs"].create_dataset(name, shape=(2 ** 40,), dtype="u1", chunks=(1 << 16,))
        for k, v in attrs.items():
            ds.attrs[k] = v
    reseal(hostile)
    rc, err = migflow_err(migflow, "rerun", str(hostile), "-o", str(tmp_path / "again.h5"), "--quiet")
    assert rc == 1
    assert "claims more entries than the file has bytes" in err
    assert f"/inputs/{name}" in err
    assert not (tmp_path / "again.h5").exists()


def test_export_refuses_a_run_without_its_population(migflow, tiny_run, tmp_path):  # noqa: F811
    cut = tmp_path / "cut.h5"
    shutil.copy(tiny_run, cut)
    with h5py.File(cut, "r+") as f:
        del f["series/population"]
    reseal(cut)
    rc, err = migflow_err(migflow, "export", str(cut), "-o", str(tmp_path / "csv"))
    assert rc == 1
    assert "no /series/population dataset" in err
    assert not (tmp_path / "csv").exists()


def test_export_names_a_series_of_the_wrong_width_without_library_text(migflow, tiny_run, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.h5"
    shutil.copy(tiny_run, bad)
    with h5py.File(bad, "r+") as f:
        days, regions = f["series/population"].shape
        # A per-region series other than population, rewritten two regions wide.
        name = next(n for n in f["series"] if n != "population" and f["series"][n].shape == (days, regions))
        del f["series"][name]
        f["series"].create_dataset(name, data=np.zeros((days, 2), dtype="i8"))
    reseal(bad)
    rc, err = migflow_err(migflow, "export", str(bad), "-o", str(tmp_path / "csv"))
    assert rc == 1
    assert f"{name}: 2 columns, expected {regions}" in err
    assert "H5" not in err and "vector::" not in err and "Traceback" not in err


def test_report_of_a_resealed_hand_edited_file_is_one_line(migflow, tiny_run, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.h5"
    shutil.copy(tiny_run, bad)
    with h5py.File(bad, "r+") as f:
        del f["regions/name"]
        f["regions"].create_dataset("name", data=np.arange(3))
    reseal(bad)
    rc, err = migflow_err(migflow, "report", str(bad), "-o", str(tmp_path / "r.html"))
    assert rc == 1
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "r.html.partial").exists()


def test_sweep_and_calibrate_refuse_runs_that_will_not_fit(migflow, tmp_path):
    env = dict(os.environ, MIGFLOW_MEMORY_LIMIT=str(1 << 20))  # 1 MiB: no run fits
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"scenario: {os.path.join(SCENARIOS, 'tiny.yaml')}\noutput_dir: {tmp_path / 'out'}\n"
                     "seeds: {from: 1, count: 1}\ngrid:\n  behaviour.lambda_conflict: [0.1, 0.2]\n")
    rc, err = migflow_err(migflow, "sweep", str(sweep), env=env)
    assert rc == 1, err
    assert "the sweep's largest run" in err and "--ignore-memory-estimate" in err
    assert not (tmp_path / "out" / "index.csv").exists()
    rc, err = migflow_err(migflow, "calibrate", os.path.join(SCENARIOS, "calibration_flee.yaml"), "-o",
                          str(tmp_path / "cal"), "--budget", "2", env=env)
    assert rc == 1, err
    assert "this calibration (" in err and "runs at once" in err
