#!/usr/bin/python3
"""Mean ARD of a Flee case over several seeds, and the wall time of each run.

usage: analysis/flee_ard_seeds.py CASE_DIR_OR_YAML [--seeds 10] [--threads 2]
                                  [--migflow build/migflow] [--flee-ard 0.367]

Runs `migflow run CASE --seed k` for k = 1..N, reads /validation's attributes
(ard_rescaled, ard_unrescaled) from each result and prints them with the mean, the
standard deviation and, given --flee-ard, the difference to Flee's own figure
(docs/FLEE-FIGURES.md; the bar is within 0.03 of it, or better).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import h5py


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("case")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--migflow", default=os.path.join(os.path.dirname(__file__), "..", "build", "migflow"))
    p.add_argument("--flee-ard", type=float, default=None, help="Flee's rescaled ARD for comparison")
    a = p.parse_args()
    rescaled, unrescaled, walls = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            out = os.path.join(tmp, f"run{seed}.h5")
            t0 = time.perf_counter()
            subprocess.run([a.migflow, "run", a.case, "-o", out, "--seed", str(seed),
                            "--threads", str(a.threads), "--quiet"],
                           check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t0)
            with h5py.File(out, "r") as f:
                rescaled.append(float(f["validation"].attrs["ard_rescaled"]))
                unrescaled.append(float(f["validation"].attrs["ard_unrescaled"]))
            print(f"seed {seed:2d}: ARD {rescaled[-1]:.4f} rescaled, {unrescaled[-1]:.4f} unrescaled, "
                  f"{walls[-1]:.2f} s", flush=True)
    sd = statistics.stdev(rescaled) if len(rescaled) > 1 else 0.0
    mean = statistics.mean(rescaled)
    print(f"mean over {a.seeds} seeds: ARD {mean:.4f} ± {sd:.4f} rescaled, "
          f"{statistics.mean(unrescaled):.4f} unrescaled; wall time median {statistics.median(walls):.2f} s")
    if a.flee_ard is not None:
        print(f"Flee: {a.flee_ard:.3f}; difference {mean - a.flee_ard:+.4f} "
              f"({'within' if mean - a.flee_ard <= 0.03 else 'outside'} the 0.03 bar)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
