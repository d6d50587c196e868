"""The command fuzzer's verdicts (tests/fuzz/fuzz_commands.py) catch what they must: each
fault a command could show is played by a stand-in binary and must be a finding."""
import importlib.util
import os
import stat

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fuzz_commands", os.path.join(HERE, "fuzz", "fuzz_commands.py"))
fuzz_commands = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz_commands)


def stand_in(tmp_path, script):
    path = tmp_path / "fake-migflow"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.parametrize("script, finding", [
    ("echo 'Traceback (most recent call last):' >&2; exit 1", "a Python traceback"),
    ("echo 'migflow: error: H5File::openDataSet: H5Dopen2 failed' >&2; exit 1", "HDF5 API text"),
    ("echo 'vector::_M_range_check: __n (which is 2147483647)' >&2; exit 1", "C++ library internals"),
    ("kill -SEGV $$", "exit status -11"),
    ("exit 1", "failed without a message"),
    ("printf 'migflow: error: %s\\n' \"$(head -c 2000 /dev/zero | tr '\\0' x)\" >&2; exit 1", "longer than"),
    ("touch \"$2.partial\"; echo 'migflow: error: x' >&2; exit 1", "left out.h5.partial"),
    ("touch \"$2\"; echo 'migflow: error: x' >&2; exit 1", "failed yet left out.h5"),
])
def test_each_fault_is_a_finding(tmp_path, capsys, script, finding):
    fz = fuzz_commands.Fuzzer(stand_in(tmp_path, script), str(tmp_path), None)
    out = str(tmp_path / "out.h5")
    fz.check(0, "stand-in", ["-o", out], [out], [])
    assert fz.findings == 1
    assert finding in capsys.readouterr().out


def test_a_clean_failure_is_not_a_finding(tmp_path):
    fz = fuzz_commands.Fuzzer(stand_in(tmp_path, "echo 'migflow: error: x.h5: damaged result file' >&2; exit 1"),
                              str(tmp_path), None)
    out = str(tmp_path / "out.h5")
    fz.check(0, "stand-in", ["-o", out], [out], [])
    assert fz.findings == 0
