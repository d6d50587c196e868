#!/usr/bin/python3
"""The report's figures over replicates are computed per replicate first, then
summarised (docs/ENSEMBLES.md): checked on a real ensemble whose camps fill.

    /usr/bin/python3 tests/test_report_statistics.py --migflow build/migflow --source .

Prints "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok:   " if ok else "FAIL: ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--migflow", required=True)
    p.add_argument("--source", required=True)
    a = p.parse_args()
    sys.path.insert(0, os.path.join(a.source, "analysis"))
    import report_data
    import report_measures as rm

    with tempfile.TemporaryDirectory() as d:
        # tiny.yaml with a small camp, so that it fills and turns movers away.
        with open(os.path.join(a.source, "scenarios", "tiny.yaml")) as f:
            text = f.read().replace("capacity: 3000", "capacity: 900")
        with open(os.path.join(d, "small.yaml"), "w") as f:
            f.write(text)
        with open(os.path.join(a.source, "scenarios", "tiny_climate.csv")) as src, \
                open(os.path.join(d, "tiny_climate.csv"), "w") as dst:
            dst.write(src.read())
        ens = os.path.join(d, "ens.h5")
        subprocess.run([a.migflow, "run", os.path.join(d, "small.yaml"), "--replicates", "12", "--quiet", "-o", ens],
                       check=True, stdout=subprocess.DEVNULL)
        view, _, _ = report_data.open_result(ens)
        with h5py.File(ens, "r") as f:
            per_rep = f["ensemble/camp_outcomes/turned_away"][()].sum(axis=1)
            first_full = f["ensemble/camp_outcomes/first_day_full"][()][:, 0]
            peak = f["ensemble/camp_outcomes/peak_population"][()][:, 0]
            cap = f["regions/capacity"][()]
        value, span, what = rm.turned_away_total(view)
        check(per_rep.max() > 0, f"the camp turns movers away in some runs (totals {sorted(per_rep)})")
        check(value == np.median(per_rep), f"turned away: the median of the per-run totals ({value} == {np.median(per_rep)})")
        check(span == (np.percentile(per_rep, 5), np.percentile(per_rep, 95)), f"its range is p05-p95 of the totals {span}")
        camp = view.camps()[0]
        daily_medians = view.series("refused_full")[:, camp].sum()
        check(daily_medians != value, f"and not the sum of daily medians ({daily_medians}), which the report showed before")
        row = [r for r in rm.camp_rows(view) if r["index"] == camp][0]
        check(row["full_in"] == int((first_full >= 0).sum()) and row["runs"] == 12,
              f"full in {row['full_in']} of {row['runs']} runs, as the file's first_day_full says")
        check((peak <= cap[camp] + 1e-9).all(), "no run exceeds the capacity: 'full' is the measure, not 'over capacity'")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
