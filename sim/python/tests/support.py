"""What the Python tests share: where the build and the sources are, running the CLI."""
import os
import subprocess
import tempfile

SOURCE = os.environ.get("MIGFLOW_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("MIGFLOW_BINARY", "migflow")
FLEE_CASES = os.environ.get("MIGFLOW_FLEE_CASES", os.path.join(SOURCE, "scenarios", "flee"))


def scenario(name):
    return os.path.join(SOURCE, "scenarios", name)


def cli(*args):
    """Runs the migflow command; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BINARY, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def cli_run(source, out_dir, *args):
    """`migflow run SOURCE -o FILE ARGS...` into out_dir; returns the file's path."""
    path = os.path.join(out_dir, "run.h5")
    code, out, err = cli("run", source, "-o", path, "--quiet", *args)
    if code != 0:
        raise AssertionError(f"migflow run failed ({code}): {err}")
    return path


def temp_dir(test):
    d = tempfile.TemporaryDirectory(prefix="migflow_py_")
    test.addCleanup(d.cleanup)
    return d.name
