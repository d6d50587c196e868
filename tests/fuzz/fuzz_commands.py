#!/usr/bin/python3
"""Command-level fuzzer (docs/RELIABILITY.md "Fuzzing"): damaged result files, hostile
settings files and hostile overrides given to the `migflow` binary through every command
that reads them (info, export, rerun, report, compare, run --set-file, run --set), as a
user would run them.

Each execution must end with exit 0 or 1 (never a signal, never a hang), say in one
short line what is wrong (no traceback, no HDF5 API name, no C++ library internals, no
echo of a huge value), and leave no `.partial` and, on failure, no output. A run is a
function of --seed; a finding prints `FINDING run N (command): ...` and the file is kept
in --keep for a rerun. Exit status: 0 when there is no finding, 1 otherwise.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEAL_MAGIC = b"migflow result seal v1\n"
SEAL_BYTES = 512
TIMEOUT_S = 120

# What a message to a user must never contain: interpreter and library internals.
FORBIDDEN = [
    (re.compile(r"Traceback \(most recent call last\)"), "a Python traceback"),
    (re.compile(r"\bH5[A-Z][A-Za-z]*::|\bH5[A-Z][a-z]?[a-z_]+[0-9]? failed|H5Dopen|H5Fopen|H5Aread|H5Dread"),
     "HDF5 API text"),
    (re.compile(r"std::|vector::|basic_string|_M_range_check|terminate called|what\(\):"),
     "C++ library internals"),
    (re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:"), "a sanitizer report"),
]
MAX_LINE = 600  # a message line; values it quotes are cut well below this


def reseal(path):
    """Writes a valid seal over a changed file: the checks behind the seal must hold too
    (a file edited with h5py and resealed by hand, or a bug in a writer)."""
    with open(path, "r+b") as f:
        f.seek(SEAL_BYTES)
        body = f.read()
        header = SEAL_MAGIC + b"crc32 %08x\nbytes %d\n" % (zlib.crc32(body), len(body))
        f.seek(0)
        f.write(header.ljust(SEAL_BYTES, b"\0"))


def mutate_bytes(rng, data):
    data = bytearray(data)
    kind = rng.randrange(5)
    body = range(SEAL_BYTES, len(data))
    if kind == 0:  # a few bit flips
        for _ in range(rng.randint(1, 8)):
            i = rng.choice(body)
            data[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # a span overwritten with 0xff or 0x00 (a length or address made huge or null)
        i = rng.choice(body)
        n = rng.randint(1, 16)
        data[i:i + n] = bytes([rng.choice([0, 0xff])]) * len(data[i:i + n])
    elif kind == 2:  # truncated
        del data[rng.randint(SEAL_BYTES, len(data) - 1):]
    elif kind == 3:  # a span repeated
        i = rng.choice(body)
        n = rng.randint(1, 512)
        data[i:i] = data[i:i + n]
    else:  # the seal itself changed
        i = rng.randrange(len(SEAL_MAGIC), 80)
        data[i] = rng.randrange(256)
    return bytes(data)


HOSTILE_VALUES = ["9223372036854775807", "-1", "0", "1e308", "-1e308", "nan", "inf", "'x'", "[1, 2]",
                  "{a: 1}", "", "~", "1" * 5000, "&a 1", "*a", "2147483648", "4294967296", "0.0000001"]


def mutate_settings(rng, text):
    lines = text.splitlines()
    kind = rng.randrange(4)
    if kind == 0 and lines:  # a value replaced by a hostile one
        i = rng.randrange(len(lines))
        if ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}"
    elif kind == 1 and lines:  # a line repeated (duplicate key)
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif kind == 2:  # a key nobody knows, or a nesting level too many
        lines.append(rng.choice(["unknown_key: 1", "ruleset: flee", "days: [1]", "a:\n  b:\n    c: 1"]))
    else:  # bytes flipped
        data = bytearray("\n".join(lines).encode())
        for _ in range(rng.randint(1, 4)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(1, 256)
        return bytes(data)
    return "\n".join(lines).encode()


class Fuzzer:
    def __init__(self, migflow, work, keep, reseal_share=0.5):
        self.migflow, self.work, self.keep = migflow, work, keep
        self.reseal_share = reseal_share
        self.findings = 0
        self.tiny = os.path.join(REPO, "scenarios", "tiny.yaml")

    def setup(self):
        def must(args):
            r = subprocess.run([self.migflow] + args, capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                sys.exit(f"fuzz_commands: setup failed: migflow {' '.join(args)}\n{r.stderr}")
        seeds = {}
        for name, args in [("run.h5", ["run", self.tiny, "--quiet"]),
                           ("ensemble.h5", ["run", self.tiny, "--replicates", "3", "--quiet"]),
                           ("comparison.h5", ["compare", self.tiny, self.tiny, "--replicates", "2", "--quiet"])]:
            out = os.path.join(self.work, name)
            must(args + ["-o", out])
            with open(out, "rb") as f:
                seeds[name] = f.read()
        self.seeds = seeds
        self.settings = b"days: 30\nseed: 7\nagents:\n  people_per_agent: 10\n"

    def check(self, run, label, args, outputs, files):
        try:
            r = subprocess.run([self.migflow] + args, capture_output=True, text=True, timeout=TIMEOUT_S,
                               errors="replace", stdin=subprocess.DEVNULL)
            rc, err = r.returncode, r.stderr
        except subprocess.TimeoutExpired:
            rc, err = None, ""
        problems = []
        if rc is None:
            problems.append(f"no answer within {TIMEOUT_S} s")
        elif rc not in (0, 1):
            problems.append(f"exit status {rc}" + (" (killed by a signal)" if rc < 0 else ""))
        for pattern, what in FORBIDDEN:
            if pattern.search(err):
                problems.append(f"stderr holds {what}")
        if any(len(line) > MAX_LINE for line in err.splitlines()):
            problems.append(f"a message line longer than {MAX_LINE} characters")
        if rc == 1 and not err.strip():
            problems.append("failed without a message")
        for out in outputs:
            if os.path.exists(out + ".partial"):
                problems.append(f"left {os.path.basename(out)}.partial")
            if rc == 1 and os.path.exists(out):
                problems.append(f"failed yet left {os.path.basename(out)}")
        if problems:
            self.findings += 1
            first = next((line for line in err.splitlines() if line.strip()), "")
            print(f"FINDING run {run} ({label}): {'; '.join(problems)}\n  migflow {' '.join(args)}\n  "
                  f"stderr: {first[:300]}", flush=True)
            if self.keep:
                dst = os.path.join(self.keep, f"run{run}")
                os.makedirs(dst, exist_ok=True)
                for f in files:
                    if os.path.exists(f):
                        shutil.copy(f, dst)
        for out in outputs:
            for p in (out, out + ".partial"):
                if os.path.isdir(p):
                    shutil.rmtree(p)
                elif os.path.exists(p):
                    os.remove(p)

    def one(self, run, rng, commands):
        d = self.work
        command = rng.choice(commands)
        if command in ("info", "export", "rerun", "report"):
            seed_name = rng.choice(sorted(self.seeds))
            damaged = os.path.join(d, "damaged.h5")
            data = mutate_bytes(rng, self.seeds[seed_name])
            with open(damaged, "wb") as f:
                f.write(data)
            resealed = rng.random() < self.reseal_share
            if resealed:
                reseal(damaged)
            label = f"{command} of a damaged {seed_name}" + (", resealed" if resealed else "")
            if command == "info":
                self.check(run, label, ["info", damaged], [], [damaged])
            elif command == "export":
                out = os.path.join(d, "exported")
                self.check(run, label, ["export", damaged, "-o", out], [out], [damaged])
            elif command == "rerun":
                out = os.path.join(d, "rerun.h5")
                self.check(run, label, ["rerun", damaged, "-o", out, "--quiet"], [out], [damaged])
            else:
                out = os.path.join(d, "report.html")
                self.check(run, label, ["report", damaged, "-o", out], [out], [damaged])
        elif command == "set-file":
            settings = os.path.join(d, "settings.yaml")
            with open(settings, "wb") as f:
                f.write(mutate_settings(rng, self.settings.decode()))
            out = os.path.join(d, "set.h5")
            self.check(run, "run --set-file of mutated settings", ["run", self.tiny, "--set-file", settings,
                                                                    "-o", out, "--quiet"], [out], [settings])
        elif command == "set":
            key = rng.choice(["days", "seed", "agents.people_per_agent", "start_date", "ruleset",
                              "output.every", "regions", "nonsense.key", "threads"])
            value = rng.choice(HOSTILE_VALUES)
            out = os.path.join(d, "set.h5")
            self.check(run, f"run --set {key}=hostile", ["run", self.tiny, "--set", f"{key}={value}", "-o", out,
                                                         "--quiet"], [out], [])
        else:  # compare with one side given hostile settings
            settings = os.path.join(d, "settings.yaml")
            with open(settings, "wb") as f:
                f.write(mutate_settings(rng, self.settings.decode()))
            out = os.path.join(d, "cmp.h5")
            self.check(run, "compare with mutated --set-file", ["compare", self.tiny, self.tiny, "--set-file",
                                                                 settings, "--replicates", "2", "-o", out,
                                                                 "--quiet"], [out], [settings])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--migflow", required=True, help="the migflow binary")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report-share", type=float, default=0.1,
                    help="share of executions that make a report (each takes about a second)")
    ap.add_argument("--keep", help="folder to keep the inputs of findings in")
    ap.add_argument("--reseal-share", type=float, default=0.5,
                    help="share of damaged result files given a valid seal (0 in sanitizer builds: the damage "
                         "then lies inside HDF5, which is not instrumented, and AddressSanitizer reports HDF5's own "
                         "overlapping copies)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="migflow-fuzz-") as work:
        fz = Fuzzer(os.path.abspath(args.migflow), work, args.keep, args.reseal_share)
        fz.setup()
        for run in range(args.runs):
            rng = random.Random(f"{args.seed}:{run}")
            commands = ["info", "export", "rerun", "set-file", "set", "compare"]
            if rng.random() < args.report_share:
                commands = ["report"]
            fz.one(run, rng, commands)
        print(f"fuzz_commands: {args.runs} executions, seed {args.seed}, {fz.findings} finding(s)")
    return 1 if fz.findings else 0


if __name__ == "__main__":
    sys.exit(main())
