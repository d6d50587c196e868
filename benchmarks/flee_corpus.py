#!/usr/bin/python3
"""Flee's case corpus as a regression suite: run migflow (and Flee, where installed) on
every Flee case directory under CORPUS and print one table row per case.

usage: benchmarks/flee_corpus.py CORPUS [--migflow build/migflow] [--threads 2] [--seed 1]
                                 [--flee FLEE_CHECKOUT] [--timeout 600] [--only NAME ...]

A case is a directory holding input_csv/locations.csv. Columns: whether migflow runs it
(or the first line of its error), its warnings, the ARD (rescaled, docs/FLEE-SPEC.md)
when the case has observed camps, the agents at the end, and the wall time of the whole
`migflow run` process. With --flee (a checkout of djgroen/flee holding runscripts/run.py,
or $FLEE_DIR), Flee runs the case too and its ARD and wall time are added. Exit status
1 when migflow fails on a case (so a script or CI job can use it).
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time

import h5py


def is_case(path):
    return os.path.isfile(os.path.join(path, "input_csv", "locations.csv"))


def run_migflow(migflow, case, threads, seed, timeout, tmp):
    out = os.path.join(tmp, os.path.basename(case.rstrip("/")) + ".h5")
    t0 = time.perf_counter()
    try:
        p = subprocess.run([migflow, "run", case, "-o", out, "--seed", str(seed), "--threads", str(threads),
                            "--quiet"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {timeout} s", "wall": timeout}
    wall = time.perf_counter() - t0
    warnings = sum(1 for line in p.stderr.splitlines() if line.startswith("warning:"))
    if p.returncode != 0:
        errors = [l for l in p.stderr.splitlines() if l and not l.startswith("warning:")]
        return {"status": "refused: " + (errors[0] if errors else f"exit {p.returncode}"), "wall": wall,
                "warnings": warnings}
    r = {"status": "runs", "wall": wall, "warnings": warnings}
    with h5py.File(out, "r") as f:
        r["agents"] = int(f["series/total_agents"][-1])
        if "validation" in f and "ard_rescaled" in f["validation"].attrs:
            r["ard"] = float(f["validation"].attrs["ard_rescaled"])
    os.remove(out)
    return r


def flee_ard(out_csv):
    """SPEC.md's rescaled ARD from Flee's out.csv (`<camp> sim`, `<camp> data` columns)."""
    rows = list(csv.reader(io.StringIO(out_csv)))
    head = rows[0]
    camps = [h[:-4] for h in head if h.endswith(" sim")]
    sim_col = [head.index(c + " sim") for c in camps]
    data_col = [head.index(c + " data") for c in camps]
    errs = []
    for r in rows[1:]:
        if len(r) < len(head):
            continue
        sim = [float(r[k]) for k in sim_col]
        data = [float(r[k]) for k in data_col]
        u, s = sum(data), sum(sim)
        resc = [x * u / s if s > 0 else 0.0 for x in sim]
        errs.append(sum(abs(a - b) for a, b in zip(resc, data)) / max(u, 1.0))
    return sum(errs) / len(errs) if errs else float("nan")


def run_flee(flee_dir, case, timeout):
    script = os.path.join(flee_dir, "runscripts", "run.py")
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, script, "input_csv", "source_data", "0", "simsetting.yml"],
                           cwd=case, capture_output=True, text=True, timeout=timeout,
                           env=dict(os.environ, PYTHONPATH=flee_dir))
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {timeout} s", "wall": timeout}
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        last = [l for l in p.stderr.splitlines() if l.strip()]
        return {"status": "fails: " + (last[-1] if last else f"exit {p.returncode}"), "wall": wall}
    try:
        return {"status": "runs", "wall": wall, "ard": flee_ard(p.stdout)}
    except (ValueError, IndexError):
        return {"status": "runs", "wall": wall}


def fmt(x, spec):
    return format(x, spec) if x is not None else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--migflow", default=os.path.join(os.path.dirname(__file__), "..", "build", "migflow"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--flee", default=os.environ.get("FLEE_DIR"), help="Flee checkout (runscripts/run.py)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--only", nargs="*", default=None, help="case names to run")
    a = ap.parse_args()
    cases = [os.path.join(a.corpus, d) for d in sorted(os.listdir(a.corpus))
             if is_case(os.path.join(a.corpus, d)) and (a.only is None or d in a.only)]
    if is_case(a.corpus):
        cases = [a.corpus]
    use_flee = a.flee and os.path.isfile(os.path.join(a.flee, "runscripts", "run.py"))
    head = "| case | migflow | warnings | ARD | agents | wall s |"
    rule = "|---|---|---|---|---|---|"
    if use_flee:
        head += " Flee | Flee ARD | Flee wall s |"
        rule += "---|---|---|"
    print(head)
    print(rule, flush=True)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            m = run_migflow(a.migflow, case, a.threads, a.seed, a.timeout, tmp)
            failed += m["status"] != "runs"
            row = (f"| {os.path.basename(case)} | {m['status']} | {m.get('warnings', 0)} | "
                   f"{fmt(m.get('ard'), '.4f')} | {fmt(m.get('agents'), ',')} | {m['wall']:.2f} |")
            if use_flee:
                f = run_flee(a.flee, case, a.timeout)
                row += f" {f['status']} | {fmt(f.get('ard'), '.4f')} | {f['wall']:.1f} |"
            print(row, flush=True)
    if not use_flee:
        print("\n(Flee not run: give --flee PATH to a djgroen/flee checkout, or set FLEE_DIR.)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
