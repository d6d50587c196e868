"""A write that fails mid-file says why (docs/RELIABILITY.md "Disk full"), for every
writer of result files, not only `run`'s: the system's reason and the file's name, exit 1,
nothing left behind. The failure is injected with a file-size limit (`ulimit -f`,
SIGXFSZ ignored as a batch system's limit would not be, migflow ignores it itself), which
fails HDF5's writes with EFBIG ("File too large") through the same paths as ENOSPC.
Run by ctest (test `write_errors`) with MIGFLOW_BIN set."""
import os
import subprocess

import pytest

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(SOURCE, "scenarios", "tiny.yaml")


def limited(args, kib):
    command = " ".join(["ulimit -f", str(kib), ";", "exec", os.environ["MIGFLOW_BIN"], *args])
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True)


# 20,000 days of tiny.yaml: bands large enough that HDF5 writes them while the file is
# open, not only when it closes; 600 KiB is reached part-way.
@pytest.mark.parametrize("command", [
    ["run", TINY, "--set", "days=20000", "--replicates", "2"],
    ["compare", TINY, TINY, "--set", "days=20000", "--replicates", "2"],
    ["run", TINY, "--set", "days=20000"],
])
def test_a_failed_write_names_the_file_and_the_reason(tmp_path, command):
    out = tmp_path / "out.h5"
    done = limited([*command, "--quiet", "-o", str(out)], 600)
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if ": note: " not in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"migflow: error: cannot write output file {out}.partial: ")
    # What failed in the user's terms, never an HDF5 function's name; then the system's reason.
    assert "H5" not in lines[0], lines[0]
    assert lines[0].endswith(("data could not be written (File too large)",
                              "the file could not be finished (File too large)")), lines[0]
    assert not out.exists() and not (tmp_path / "out.h5.partial").exists()
