"""The report's figures over replicates are computed per replicate first, then
summarised (docs/ENSEMBLES.md): checked on a real ensemble whose camp fills
(tiny.yaml with a camp of 900 places, 12 replicates; fixtures: tests/conftest.py).

    /usr/bin/python3 -m pytest tests/test_report_statistics.py --migflow build/migflow
"""
import h5py
import numpy as np
import pytest

import report_data
import report_measures as rm


@pytest.fixture(scope="module")
def ensemble(small_camp_ensemble):
    with h5py.File(small_camp_ensemble, "r") as f:
        outcomes = {k: f["ensemble/camp_outcomes/" + k][()] for k in ("turned_away", "first_day_full",
                                                                         "peak_population")}
        capacity = f["regions/capacity"][()]
    view, _, _ = report_data.open_result(small_camp_ensemble)
    return view, outcomes, capacity


def test_the_camp_turns_movers_away_in_some_runs(ensemble):
    _, outcomes, _ = ensemble
    assert outcomes["turned_away"].sum(axis=1).max() > 0


def test_turned_away_is_the_median_and_range_of_the_per_run_totals(ensemble):
    view, outcomes, _ = ensemble
    per_run = outcomes["turned_away"].sum(axis=1)
    value, span, _ = rm.turned_away_total(view)
    assert value == np.median(per_run)
    assert span == (np.percentile(per_run, 5), np.percentile(per_run, 95))


def test_turned_away_is_not_the_sum_of_daily_medians(ensemble):
    view, _, _ = ensemble
    value, _, _ = rm.turned_away_total(view)
    assert view.series("refused_full")[:, view.camps()[0]].sum() != value


def test_full_in_k_of_n_runs_as_the_files_first_day_full_says(ensemble):
    view, outcomes, _ = ensemble
    camp = view.camps()[0]
    row = next(r for r in rm.camp_rows(view) if r["index"] == camp)
    assert (row["full_in"], row["runs"]) == (int((outcomes["first_day_full"][:, 0] >= 0).sum()), 12)


def test_no_run_exceeds_the_capacity_so_full_is_the_measure_not_over_capacity(ensemble):
    view, outcomes, capacity = ensemble
    assert (outcomes["peak_population"][:, 0] <= capacity[view.camps()[0]] + 1e-9).all()
