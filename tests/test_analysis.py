#!/usr/bin/python3
"""The analysis scripts' numbers on files whose answers are known by construction.

    /usr/bin/python3 tests/test_analysis.py --analysis analysis/

Starts from make_fake_result.py's synthetic file, edits series in place so that the
expected values are exact, and checks: compare_runs.py reports the largest difference
over the whole period and its date (not only the last day's); the report's camp
measures (first day full, days full, peak) and turned-away totals; the closure and
shock windows read from the scenario text; the baseline check; plot_sweep.py's
categorical keys. Prints "N passed, N failed"; exits 1 on any failure.
"""
import argparse
import datetime as dt
import os
import shutil
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


SCENARIO = """name: edited
closures:
  - {border: [Mali, Niger], from: 2024-01-11, to: 2024-01-21}
  - {region: Hub, from: 2024-02-20}
routes:
  - {from: Alpha, to: Hub, km: 160, closed: [{from: 2024-01-05, to: 2024-01-08}]}
shocks:
  - {driver: conflict, region: Alpha, from: 2023-12-01, to: 2024-01-03, severity: 0.9, mode: max}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--analysis", required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.analysis)
    import report_data
    import report_events
    import report_measures as rm
    import plot_sweep
    from mfresult import ResultError

    with tempfile.TemporaryDirectory(prefix="migflow_analysis_") as tmp:
        base, run = os.path.join(tmp, "base.h5"), os.path.join(tmp, "run.h5")
        subprocess.run([sys.executable, os.path.join(a.analysis, "make_fake_result.py"), base, "--days", "60",
                        "--no-validation"], check=True, stdout=subprocess.DEVNULL)
        shutil.copy(base, run)
        with h5py.File(run, "r+") as f:
            f.attrs["scenario_text"] = SCENARIO
            f.attrs["scenario_name"] = "edited"
            names = list(f["regions/name"].asstr()[:])
            alpha, camp = names.index("Alpha"), names.index("Camp North")
            pop = f["series/population"]
            p = pop[()]
            # Alpha: 700 more people on days 20..29 only, so the last day shows no difference.
            p[20:30, alpha] += 700.0
            # Camp North (capacity 6000, 10 people per agent): exactly full (no room for one
            # more agent) on days 30..39, 5999 on day 40 (full), 5990 on day 41 (room for one).
            cap = f["regions/capacity"][camp]
            p[:, camp] = np.minimum(p[:, camp], cap - 100.0)
            p[30:40, camp] = cap
            p[40, camp] = cap - 1.0
            p[41, camp] = cap - 10.0
            pop[...] = p
            refused = np.zeros_like(f["series/agents"][()])
            refused[33, camp] = 4
            refused[35, camp] = 3
            if "refused_full" in f["series"]:
                del f["series/refused_full"]
            f["series"].create_dataset("refused_full", data=refused)
            # the edited series no longer match the stored measures: the report must compute
            for group in ("measures", "countries"):
                if group in f:
                    del f[group]

        # compare_runs.py: the whole period, the largest difference and its date
        out = subprocess.run([sys.executable, os.path.join(a.analysis, "compare_runs.py"), run, base, "-o", tmp],
                             capture_output=True, text=True)
        check(out.returncode == 0, f"compare_runs.py exits 0 ({out.stderr.strip()})")
        row = next((l for l in out.stdout.splitlines() if l.startswith("Alpha ")), "").split()
        check(len(row) == 6 and (row[2], row[3], row[5]) == ("+700", "2024-01-21", "+0"),
              f"compare_runs.py: Alpha's largest difference +700 on 2024-01-21, +0 on the last day ({row})")
        check("In force in edited: Mali–Niger border closed: 11 Jan 2024 to 20 Jan 2024 (10 days)" in out.stdout,
              "compare_runs.py names the closure windows")

        v, _, _ = report_data.open_result(run)
        b, _, _ = report_data.open_result(base)
        report_data.require_same_regions(v, b)
        start = v.dates[0]
        camps = {c["name"]: c for c in rm.camp_rows(v)}
        c = camps["Camp North"]
        check(c["first_full"] == start + dt.timedelta(days=30), f"first day full is day 30 ({c['first_full']})")
        check(c["days_full"] == 11, f"full on days 30..40: 11 days ({c['days_full']})")
        check(c["peak"] == 6000.0 and c["peak_date"] == start + dt.timedelta(days=30),
              f"peak 6000 first reached on day 30 ({c['peak']}, {c['peak_date']})")
        check(c["turned_away"] == 70.0, f"turned away: 7 agents x 10 people ({c['turned_away']})")
        diffs = rm.region_differences(v, b)
        d = next(r for r in diffs if r["name"] == "Alpha")
        check((d["peak"], d["date"], d["final"]) == (700.0, start + dt.timedelta(days=20), 0.0),
              f"report: Alpha +700 on day 20, 0 at the end ({d['peak']}, {d['date']}, {d['final']})")

        # Stored measures are used as stored (the synthetic file's own /measures/camps).
        with h5py.File(base, "r") as f:
            stored = {n: (int(d), float(p)) for n, d, p in zip(f["measures/camps/name"].asstr()[:],
                                                                f["measures/camps/days_full"][()],
                                                                f["measures/camps/peak_population"][()])}
        from_file = {c["name"]: (c["days_full"], c["peak"], c["source"]) for c in rm.camp_rows(b)}
        check(all(from_file[n][:2] == stored[n] and from_file[n][2] == "stored /measures/camps" for n in stored),
              f"stored camp measures are shown as stored ({from_file})")

        events, note = report_events.events(SCENARIO, start, v.dates[-1] + dt.timedelta(days=1))
        got = [e.describe() for e in events]
        want = ["Mali–Niger border closed: 11 Jan 2024 to 20 Jan 2024 (10 days)",
                "Hub closed: 20 Feb 2024 to 29 Feb 2024 (10 days)",
                "road Alpha–Hub closed: 05 Jan 2024 to 07 Jan 2024 (3 days)",
                "conflict shock in Alpha (max 0.9): 01 Jan 2024 to 02 Jan 2024 (2 days)"]
        check(got == want and note is None, f"closure and shock windows, clipped to the run ({got})")
        none, note = report_events.events("[not: a, mapping", start, start)
        check(none == [] and note.startswith("the stored scenario is not YAML"), f"unreadable scenario text: {note}")

        short = os.path.join(tmp, "short.h5")
        subprocess.run([sys.executable, os.path.join(a.analysis, "make_fake_result.py"), short, "--days", "40",
                        "--no-validation"], check=True, stdout=subprocess.DEVNULL)
        s, _, _ = report_data.open_result(short)
        try:
            report_data.require_same_regions(v, s)
            check(False, "a baseline over other days is refused")
        except ResultError as e:
            check(str(e) == f"{short}: the baseline covers 2024-01-01..2024-02-09 but {run} covers "
                            "2024-01-01..2024-02-29; a baseline must cover the same days", f"other days: {e}")

    check(plot_sweep.categorical(["0.1", "0.2", "1e-3"]) == [], "numeric sweep values stay on a number line")
    check(plot_sweep.categorical(["linear", "step", "linear"]) == ["linear", "step"],
          "text sweep values become one slot each, in first-seen order")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
