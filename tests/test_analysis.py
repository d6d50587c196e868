"""The analysis scripts on real result files of small scenarios (fixtures: tests/conftest.py).

    /usr/bin/python3 -m pytest tests/test_analysis.py --migflow build/migflow

compare_runs.py's whole-period differences and event windows; the report's camp
outcomes, which it reads as the engine stored them and never decides itself; its
region differences, its closure and shock windows (from /events) and its baseline
check; plot_sweep.py's categorical keys. Expected values come from the scenario
(dates, a camp that starts over capacity) or from the raw datasets of the file, read
here with h5py, not through the code under test.
"""
import datetime as dt
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

import plot_sweep
import report_data
import report_events
import report_measures as rm
from conftest import ANALYSIS
from mfresult import ResultError

START = dt.date(2024, 1, 1)  # tiny.yaml's start_date


def day(n):
    return START + dt.timedelta(days=n)


def raw(path, name):
    with h5py.File(path, "r") as f:
        return f[name][()]


def names(path, name="regions/name"):
    with h5py.File(path, "r") as f:
        return list(f[name].asstr()[()])


def camp_row(path, camp="Camp"):
    view, _, _ = report_data.open_result(path)
    return next(r for r in rm.camp_rows(view) if r["name"] == camp)


def stored_camp(path, camp="Camp"):
    """The /measures/camps entry of one camp, as plain values."""
    with h5py.File(path, "r") as f:
        g = f["measures/camps"]
        k = list(g["name"].asstr()[()]).index(camp)
        return {key: g[key][k] for key in ("first_full_day", "days_full", "peak_population", "peak_day",
                                           "refused_full", "full_above")}


def run_script(script, *args):
    return subprocess.run([sys.executable, os.path.join(ANALYSIS, script), *args], capture_output=True, text=True)


def stored_events(path, group="events"):
    """(kind, label, first day, first day no longer in force) from the raw /events datasets."""
    out = []
    with h5py.File(path, "r") as f:
        for kind, sub in (("closure", "closures"), ("shock", "shocks")):
            g = f[group][sub]
            for label, a, b in zip(g["label"].asstr()[()], g["start_day"][()], g["end_day"][()]):
                out.append((kind, label, day(int(a)), day(int(b))))
    return out


# --- compare_runs.py -------------------------------------------------------------------

@pytest.fixture(scope="module")
def compare_output(tiny_run, open_run, tmp_path_factory):
    out = run_script("compare_runs.py", tiny_run, open_run, "-o", str(tmp_path_factory.mktemp("compare")))
    assert out.returncode == 0, out.stderr
    return out.stdout


def difference_rows(stdout):
    """The region rows of compare_runs.py's first table: name -> (largest, date, last day)."""
    lines = stdout.splitlines()
    start = next(k for k, l in enumerate(lines) if l.startswith("Population, ")) + 3
    rows = {}
    for line in lines[start:]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = (cells[2], cells[3], cells[5])
    return rows


def test_compare_runs_reports_the_largest_difference_over_the_whole_period(tiny_run, open_run, compare_output):
    diff = raw(tiny_run, "series/population") - raw(open_run, "series/population")
    rows = difference_rows(compare_output)
    assert set(rows) == set(names(tiny_run))
    for i, name in enumerate(names(tiny_run)):
        t = int(np.argmax(np.abs(diff[:, i])))
        assert rows[name] == (f"{diff[t, i]:+,.0f}", str(day(t)), f"{diff[-1, i]:+,.0f}"), name


def test_the_closure_makes_a_difference_that_is_largest_before_the_last_day(tiny_run, open_run):
    # Without such a region the test above would not tell the whole period from the last day.
    diff = raw(tiny_run, "series/population") - raw(open_run, "series/population")
    largest = np.abs(diff).max(axis=0)
    assert (largest > np.abs(diff[-1])).any()


def test_compare_runs_names_the_windows_the_run_applied(tiny_run, compare_output):
    windows = "; ".join(f"{label}: {a:%d %b %Y} to {b - dt.timedelta(days=1):%d %b %Y} ({(b - a).days} days)"
                        for _, label, a, b in stored_events(tiny_run))
    assert f"In force in tiny: {windows}" in compare_output
    assert "Aland–Bland border closed: 20 Jan 2024 to 24 Jan 2024 (5 days)" in windows


def test_compare_runs_prints_the_stored_camp_outcomes(small_camp_run, tiny_run, tmp_path):
    out = run_script("compare_runs.py", small_camp_run, tiny_run, "-o", str(tmp_path))
    assert out.returncode == 0, out.stderr
    s = stored_camp(small_camp_run)
    ppa = 10  # tiny.yaml's people_per_agent
    row = next(l for l in out.stdout.split("Camps: first full")[1].splitlines() if l.startswith("Camp "))
    assert row.split()[1] == str(day(int(s["first_full_day"])))
    assert row.split()[3] == str(int(s["days_full"]))
    assert row.split()[5] == f"{s['refused_full'] * ppa:,.0f}"


# --- the report's camp outcomes ---------------------------------------------------------

def test_a_camp_over_capacity_from_the_start_is_full_from_day_0_every_day(overfull_run):
    row = camp_row(overfull_run)
    days = len(raw(overfull_run, "time/day"))
    assert raw(overfull_run, "series/population")[0, names(overfull_run).index("Camp")] > 1000
    assert (row["first_full"], row["days_full"], row["full_known"]) == (day(0), days, True)


def test_the_report_shows_the_stored_camp_outcomes(small_camp_run):
    s = stored_camp(small_camp_run)
    row = camp_row(small_camp_run)
    assert s["first_full_day"] >= 0 and s["refused_full"] > 0, "the small camp must fill and turn movers away"
    assert row["source"] == "stored /measures/camps"
    assert row["first_full"] == day(int(s["first_full_day"]))
    assert row["days_full"] == s["days_full"]
    assert row["turned_away"] == s["refused_full"] * 10


def test_stored_peak_and_turned_away_agree_with_the_raw_series(small_camp_run):
    camp = names(small_camp_run).index("Camp")
    pop = raw(small_camp_run, "series/population")[:, camp]
    refused = raw(small_camp_run, "series/refused_full")[:, camp]
    row = camp_row(small_camp_run)
    assert row["peak"] == pop.max() and row["peak_date"] == day(int(np.argmax(pop)))
    assert row["turned_away"] == refused.sum() * 10


def test_full_counts_people_on_their_way_which_the_series_do_not_hold(far_camp_run):
    # The native rule counts travellers towards the camp (docs/OUTPUT.md): on some day the
    # camp is full with room left in /series/population, its people on the long road
    # filling it. A report deciding "full" from the series would say fewer days, a later
    # first day; it shows the stored ones.
    camp = names(far_camp_run).index("Camp")
    pop = raw(far_camp_run, "series/population")[:, camp]
    s = stored_camp(far_camp_run)
    by_series = pop > s["full_above"]
    assert s["days_full"] > by_series.sum()
    assert 0 <= s["first_full_day"] < np.flatnonzero(by_series)[0]
    row = camp_row(far_camp_run)
    assert (row["first_full"], row["days_full"]) == (day(int(s["first_full_day"])), s["days_full"])


def test_a_file_without_stored_outcomes_says_full_is_not_stored(small_camp_run, copy_of, tmp_path):
    older = copy_of(small_camp_run)
    with h5py.File(older, "r+") as f:
        del f["measures/camps"]
    row = camp_row(older)
    assert (row["first_full"], row["days_full"], row["full_known"]) == (None, None, False)
    html = tmp_path / "report.html"
    out = run_script("report.py", older, "-o", str(html))
    assert out.returncode == 0, out.stderr
    page = html.read_text(encoding="utf-8")
    assert "Full: not stored in this file" in page
    assert "camps full at some point" not in page


def test_an_ensemble_reports_full_in_k_of_n_runs_from_its_camp_outcomes(small_camp_ensemble):
    first = raw(small_camp_ensemble, "ensemble/camp_outcomes/first_day_full")[:, 0]
    days_full = raw(small_camp_ensemble, "ensemble/camp_outcomes/days_full")[:, 0]
    row = camp_row(small_camp_ensemble)
    assert (row["full_in"], row["runs"]) == (int((first >= 0).sum()), 12)
    assert row["days_full"] == np.median(days_full)
    assert row["first_full"] == day(int(np.median(first[first >= 0])))


def test_the_ensemble_report_page_says_in_how_many_runs_the_camp_filled(small_camp_ensemble, tmp_path):
    first = raw(small_camp_ensemble, "ensemble/camp_outcomes/first_day_full")[:, 0]
    html = tmp_path / "report.html"
    out = run_script("report.py", small_camp_ensemble, "-o", str(html))
    assert out.returncode == 0, out.stderr
    page = html.read_text(encoding="utf-8")
    assert f"full in {int((first >= 0).sum())} of 12 runs" in page
    assert "Full: the ruleset&#x27;s admission rule, as the engine stored it" in page


def test_a_comparison_reads_each_sides_camp_outcomes(comparison):
    scen, base, diff = report_data.open_result(comparison)
    for view, side in ((scen, "scenario"), (base, "baseline")):
        first = raw(comparison, f"comparison/{side}/camp_outcomes/first_day_full")[:, 0]
        row = next(r for r in rm.camp_rows(view) if r["name"] == "Camp")
        assert (row["full_in"], row["runs"]) == (int((first >= 0).sum()), 4)


# --- region differences, events, baselines ---------------------------------------------

def test_the_report_gives_each_regions_largest_difference_and_its_date(tiny_run, open_run):
    v, _, _ = report_data.open_result(tiny_run)
    b, _, _ = report_data.open_result(open_run)
    diff = raw(tiny_run, "series/population") - raw(open_run, "series/population")
    rows = {r["name"]: r for r in rm.region_differences(v, b)}
    for i, name in enumerate(names(tiny_run)):
        t = int(np.argmax(np.abs(diff[:, i])))
        assert (rows[name]["peak"], rows[name]["date"], rows[name]["final"]) == (diff[t, i], day(t), diff[-1, i])


def test_a_comparison_file_gives_the_median_paired_difference_and_its_band(comparison):
    scen, base, diff = report_data.open_result(comparison)
    median = raw(comparison, "comparison/difference/population/p50")
    p05 = raw(comparison, "comparison/difference/population/p05")
    rows = {r["name"]: r for r in rm.region_differences(scen, base, diff)}
    for i, name in enumerate(names(comparison)):
        t = int(np.argmax(np.abs(median[:, i])))
        assert (rows[name]["peak"], rows[name]["date"], rows[name]["range"][0]) == (median[t, i], day(t), p05[t, i])


def test_the_windows_are_those_of_tiny_yaml(tiny_run):
    v, _, _ = report_data.open_result(tiny_run)
    events, note = report_events.of_view(v)
    got = [(e.kind, e.start, e.end) for e in events]
    assert note is None
    assert sorted(got) == sorted([("closure", day(9), day(14)),    # road Beta–Camp, 2024-01-10 to -15
                                  ("closure", day(19), day(24)),   # Aland–Bland border, 2024-01-20 to -25
                                  ("shock", day(11), day(17))])    # climate in Gamma, 2024-01-12 to -18
    assert [(e.kind, e.label, e.start, e.end) for e in events] == stored_events(tiny_run)


def test_windows_reaching_outside_the_run_are_clipped_to_it(clipped_run):
    v, _, _ = report_data.open_result(clipped_run)
    events, _ = report_events.of_view(v)
    got = {(e.kind, e.start, e.end) for e in events}
    assert ("closure", day(24), day(30)) in got  # Hub from 2024-01-25, open-ended: to the run's end
    assert ("shock", day(0), day(2)) in got      # 2023-12-01 to 2024-01-03: from the first day
    assert "Hub closed: 25 Jan 2024 to 30 Jan 2024 (6 days)" in [e.describe() for e in events]


def test_a_file_without_events_gets_no_windows_and_a_note(tiny_run, copy_of):
    older = copy_of(tiny_run)
    with h5py.File(older, "r+") as f:
        del f["events"]
    v, _, _ = report_data.open_result(older)
    assert report_events.of_view(v) == ([], report_events.NOT_STORED)


def test_a_baseline_over_other_days_is_refused(tiny_run, short_run):
    v, _, _ = report_data.open_result(tiny_run)
    s, _, _ = report_data.open_result(short_run)
    with pytest.raises(ResultError) as e:
        report_data.require_same_regions(v, s)
    assert str(e.value) == (f"{short_run}: the baseline covers 2024-01-01..2024-01-20 but {tiny_run} covers "
                            "2024-01-01..2024-01-30; a baseline must cover the same days")


# --- plot_validation.py ----------------------------------------------------------------

def test_plot_validation_prints_the_stored_ards(validation_run, tmp_path):
    with h5py.File(validation_run, "r") as f:
        rescaled, unrescaled = (float(f["validation"].attrs[k]) for k in ("ard_rescaled", "ard_unrescaled"))
        regions = f["validation/name"].shape[0]
    out = run_script("plot_validation.py", validation_run, "-o", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert f"ARD rescaled {rescaled:.4f}, unrescaled {unrescaled:.4f} over {regions} observed regions" in out.stdout
    assert (tmp_path / "validation.png").stat().st_size > 0


# --- plot_sweep.py ---------------------------------------------------------------------

def test_numeric_sweep_values_stay_on_a_number_line():
    assert plot_sweep.categorical(["0.1", "0.2", "1e-3"]) == []


def test_text_sweep_values_get_one_slot_each_in_first_seen_order():
    assert plot_sweep.categorical(["linear", "step", "linear"]) == ["linear", "step"]


def test_an_ensemble_stores_each_replicates_ard_against_the_observed_counts(validation_ensemble, validation_run, migflow):
    with h5py.File(validation_ensemble, "r") as f, h5py.File(validation_run, "r") as single:
        per_replicate = f["ensemble/validation/ard_rescaled"][()]
        assert len(per_replicate) == 5
        # Replicate 0 runs the scenario's own seed: the single run's ARD, bit for bit.
        assert per_replicate[0] == single["validation"].attrs["ard_rescaled"]
        assert f["validation"].attrs["ard_rescaled"] == np.median(per_replicate)
        np.testing.assert_array_equal(f["validation/observed"][()], single["validation/observed"][()])


def test_the_report_gives_the_ard_over_replicates_and_the_observed_days_inside_the_bands(validation_ensemble):
    v, _, _ = report_data.open_result(validation_ensemble)
    fit = rm.observed_fit(v)
    with h5py.File(validation_ensemble, "r") as f:
        ards = f["ensemble/validation/ard_rescaled"][()]
        obs = f["validation/observed"][()]
        regions = f["validation/region"][()]
        p05, p95 = f["ensemble/population/p05"][()], f["ensemble/population/p95"][()]
    assert fit["ard_rescaled"][0] == pytest.approx(np.median(ards))
    assert fit["ard_rescaled"][1:3] == pytest.approx((np.percentile(ards, 5), np.percentile(ards, 95)))
    for k, row in enumerate(fit["rows"]):
        seen = ~np.isnan(obs[:, k])
        i = regions[k]
        inside = (p05[seen, i] <= obs[seen, k]) & (obs[seen, k] <= p95[seen, i])
        assert row["days"] == seen.sum()
        assert row["inside90"] == pytest.approx(inside.mean())


def test_the_report_page_shows_the_observed_counts_section(validation_ensemble, tmp_path):
    out = tmp_path / "r.html"
    r = subprocess.run([sys.executable, os.path.join(ANALYSIS, "report.py"), validation_ensemble, "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = out.read_text()
    assert "How well this reproduces the observed counts" in page
    assert "Observed days inside the 90% band" in page


def test_the_effect_card_summarises_per_seed_totals_not_daily_medians(comparison):
    scen, base, diff = report_data.open_result(comparison)
    effect = rm.arrival_effect(diff)
    with h5py.File(comparison, "r") as f:
        a = f["comparison/baseline/camp_outcomes/arrivals"][()]
        b = f["comparison/scenario/camp_outcomes/arrivals"][()]
        stored = f["comparison/difference/camp_outcomes/arrivals"][()]
    np.testing.assert_allclose(stored, b - a)  # the difference is per seed
    totals = (b - a).sum(axis=1)
    assert effect["replicates"] == len(totals)
    assert effect["total"] == pytest.approx((np.median(totals), np.percentile(totals, 5), np.percentile(totals, 95)))
    assert rm.arrival_effect(None) is None  # a run or an ensemble: no effect card


# --- plot_sensitivity.py ---------------------------------------------------------------

def test_sensitivity_plot_is_written_and_a_foreign_table_refused(tmp_path):
    import plot_sensitivity
    table = tmp_path / "s.csv"
    table.write_text("outcome,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high,base_rows\n"
                     "camp_arrivals,a,0.3,0.2,0.4,0.5,0.4,0.6,64\ncamp_arrivals,b,0.1,,,0.2,,,64\n"
                     "ard_rescaled,a,0.7,0.6,0.8,0.8,0.7,0.9,64\nard_rescaled,b,0.0,-0.1,0.1,0.1,0.0,0.2,64\n")
    method, outcomes, rows = plot_sensitivity.read_table(str(table))
    assert (method, outcomes, len(rows)) == ("sobol", ["camp_arrivals", "ard_rescaled"], 4)
    assert plot_sensitivity.main([str(table), "-o", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0
    assert not list(tmp_path.glob("*.partial*"))
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    assert plot_sensitivity.main([str(other), "-o", str(tmp_path / "o.png")]) == 1
    assert not (tmp_path / "o.png").exists()
