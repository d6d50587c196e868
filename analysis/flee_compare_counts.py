#!/usr/bin/python3
"""Daily location counts of migflow (mean over seeds) against a Flee run's out.csv-style
table (`Day,Date,<location>,...`, e.g. tests/data/flee_runs/<case>_flee_mean.csv).

Prints, per location, the mean count over days, and the distance
mean over days of sum_loc |migflow - flee| / sum_loc flee, the measure FIGURES.md uses
for Flee's own seed-to-seed spread. Exit status 1 when --max-distance is given and
exceeded (for tests and scripts).

  analysis/flee_compare_counts.py CASE_DIR FLEE_MEAN.csv --migflow build/migflow --seeds 5
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def migflow_counts(migflow, case, seeds, threads):
    runs, names = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, seeds + 1):
            out = os.path.join(tmp, f"run{seed}.h5")
            subprocess.run([migflow, "run", case, "-o", out, "--seed", str(seed), "--threads", str(threads),
                            "--quiet"], check=True, stdout=subprocess.DEVNULL)
            with h5py.File(out, "r") as f:
                names = [n.decode() if isinstance(n, bytes) else n for n in f["regions/name"][:]]
                runs.append(np.asarray(f["series/agents"][:], dtype=float))
    return names, np.mean(runs, axis=0)


def flee_counts(path):
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    cols = [c for c in head[2:]]
    data = np.array([[float(x) for x in r[2:]] for r in rows[1:] if r], dtype=float)
    return cols, data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case")
    ap.add_argument("flee_csv")
    ap.add_argument("--migflow", default="build/migflow")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-distance", type=float, default=None)
    a = ap.parse_args()
    names, mig = migflow_counts(a.migflow, a.case, a.seeds, a.threads)
    cols, flee = flee_counts(a.flee_csv)
    idx = [names.index(c) for c in cols]
    m = mig[:, idx]
    days = min(len(m), len(flee))
    m, flee = m[:days], flee[:days]
    dist = np.mean(np.abs(m - flee).sum(axis=1) / flee.sum(axis=1))
    print(f"{'location':12s} {'migflow':>10s} {'flee':>10s}   (mean over {days} days; migflow over {a.seeds} seeds)")
    for k, c in enumerate(cols):
        print(f"{c:12s} {m[:, k].mean():10.1f} {flee[:, k].mean():10.1f}")
    print(f"distance (mean over days of sum|migflow - flee| / sum flee): {dist:.4f}")
    if a.max_distance is not None and dist > a.max_distance:
        print(f"FAIL: above {a.max_distance}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
