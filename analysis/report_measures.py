"""The numbers the report shows: camp outcomes, country totals and flows, differences.

Camp outcomes are read as the engine stored them (/measures/camps for a run,
docs/OUTPUT.md; /ensemble/camp_outcomes and /comparison/*/camp_outcomes for ensembles
and comparisons): whether and when a camp was *full* is the ruleset's own admission
rule, which counts people on their way and which the series cannot replay, so this
module never decides it. A file that does not store it (written before the outcome
measures) gets None for first_full and days_full and `full_known` False: the report
says "not stored" rather than guess. Peaks, arrivals and turned-away totals of such
files are read off the stored series (the maximum and sums of /series, which is what
the stored measures are). Country totals and flows come from /countries when stored,
else are sums of the region series (ensembles store no /countries).
"""
import numpy as np


# The stored measures this reader uses (docs/OUTPUT.md); a layout without all of them counts as not stored.
CAMP_FIELDS = {"name", "first_full_day", "days_full", "peak_population", "peak_day"}
COUNTRY_FIELDS = {"name", "population"}
FLOW_FIELDS = {"name", "flow", "flow_from", "flow_to"}


def camp_rows(v):
    """Per region with a capacity: dict(name, country, capacity, first_full, peak, peak_date,
    days_full, full_known, turned_away, arrivals, band fields for ensembles). Dates are
    datetime.date or None; first_full None means never full when full_known, else not stored."""
    stored = v.stored.get("camps")
    if stored is not None and not CAMP_FIELDS <= set(stored):
        stored = None  # a layout this reader does not know: its outcomes count as not stored
    pop = v.series("population")
    arrivals = v.series("arrivals") if v.has("arrivals") else None
    turned = v.series("refused_full") if v.has("refused_full") else None
    by_name = {}
    if stored is not None:
        for k, name in enumerate(stored["name"]):
            by_name[name] = k
    ens = v.camp_outcomes
    ens_col = {int(r): k for k, r in enumerate(ens["region"])} if ens is not None else {}
    rows = []
    for i in v.camps():
        col = pop[:, i]
        row = {"index": i, "name": v.region[i], "country": v.country[i], "type": v.type[i],
               "capacity": v.capacity[i], "start": float(col[0]), "end": float(col[-1]),
               "first_full": None, "days_full": None, "full_known": False,
               "peak": float(col.max()), "peak_date": _date(v, int(np.argmax(col))),
               "turned_away": float(turned[:, i].sum()) if turned is not None else None,
               "arrivals": float(arrivals[:, i].sum()) if arrivals is not None else None,
               "source": "/series (the file stores no camp outcomes)"}
        k = by_name.get(v.region[i])
        if k is not None:
            row.update(first_full=_date(v, int(stored["first_full_day"][k])),
                       days_full=int(stored["days_full"][k]), full_known=True,
                       peak=float(stored["peak_population"][k]),
                       peak_date=_date(v, int(stored["peak_day"][k])), source="stored /measures/camps")
            if "refused_full" in stored:
                row["turned_away"] = float(stored["refused_full"][k]) * v.people_per_agent
        c = ens_col.get(i)
        if c is not None:
            row["source"] = f"median of {v.replicates} replicates"
            for key, out in (("peak_population", "peak"), ("arrivals", "arrivals")):
                if key in ens:
                    per_rep = ens[key][:, c]
                    row[out] = float(np.median(per_rep))
                    row[out + "_range"] = (float(np.percentile(per_rep, 5)), float(np.percentile(per_rep, 95)))
            # Per replicate first, then summarised: never a statistic of the median series.
            for key, out in (("turned_away", "turned_away"), ("days_full", "days_full")):
                if key in ens:
                    per_rep = ens[key][:, c]
                    row[out] = float(np.median(per_rep))
                    row[out + "_range"] = (float(np.percentile(per_rep, 5)), float(np.percentile(per_rep, 95)))
            # Older ensembles stored first_day_over_capacity instead: another measure, so not "full".
            if "first_day_full" in ens:
                days = ens["first_day_full"][:, c]
                row["full_in"], row["runs"], row["full_known"] = int((days >= 0).sum()), len(days), True
                filled = days[days >= 0]
                # The median first-full day of the runs in which it fills ("full in k of N" says how many).
                row["first_full"] = _date(v, int(np.median(filled))) if len(filled) else None
        rows.append(row)
    return rows


def turned_away_total(v):
    """People turned away by full camps over the run: (value, (p05, p95) or None, what).
    An ensemble's is the median and range of each replicate's total, never a sum of
    daily medians; None when the file does not record it."""
    ens = v.camp_outcomes
    if ens is not None and "turned_away" in ens:
        per_rep = ens["turned_away"].sum(axis=1)
        return (float(np.median(per_rep)), (float(np.percentile(per_rep, 5)), float(np.percentile(per_rep, 95))),
                f"median of {len(per_rep)} runs")
    if v.has("refused_full") and v.kind == "run":
        return float(v.series("refused_full")[:, list(v.camps())].sum()), None, "over the period"
    return None


def _date(v, day):
    return v.dates[day] if 0 <= day < len(v.dates) else None


def country_totals(v):
    """[(country, start, end, peak, arrivals)] in people, from /countries or the series."""
    stored = v.stored.get("countries")
    if stored is not None and COUNTRY_FIELDS <= set(stored):
        names = list(stored["name"])
        pop = np.asarray(stored["population"], dtype=float)
        arr = np.asarray(stored["arrivals"], dtype=float) * v.people_per_agent if "arrivals" in stored else None
    else:
        names = sorted(set(v.country), key=v.country.index)
        per_region = v.series("population")
        members = [np.array([c == n for c in v.country]) for n in names]
        pop = np.stack([per_region[:, m].sum(axis=1) for m in members], axis=1)
        arr = (np.stack([v.series("arrivals")[:, m].sum(axis=1) for m in members], axis=1)
               if v.has("arrivals") else None)
    rows = []
    for k, n in enumerate(names):
        rows.append({"country": n, "series": pop[:, k], "start": float(pop[0, k]), "end": float(pop[-1, k]),
                     "arrivals": float(arr[:, k].sum()) if arr is not None else None})
    return rows


def country_flows(v):
    """{(from country, to country): people} over the run, across borders only."""
    stored = v.stored.get("countries")
    if stored is not None and FLOW_FIELDS <= set(stored):
        names = list(stored["name"])
        flow = np.asarray(stored["flow"], dtype=float).sum(axis=0) * v.people_per_agent
        out = {}
        for k, (a, b) in enumerate(zip(stored["flow_from"], stored["flow_to"])):
            if a != b and flow[k] > 0:
                out[(names[a], names[b])] = out.get((names[a], names[b]), 0.0) + float(flow[k])
        return out
    fwd, bwd = route_totals(v)
    out = {}
    for e in range(len(v.route_from)):
        a, b = v.country[v.route_from[e]], v.country[v.route_to[e]]
        if a == b:
            continue
        for key, people in (((a, b), fwd[e]), ((b, a), bwd[e])):
            if people > 0:
                out[key] = out.get(key, 0.0) + float(people)
    return out


def route_totals(v):
    """People departing along each route over the run, forward and backward."""
    if not v.has("route_flow_forward"):
        return np.zeros(len(v.route_from)), np.zeros(len(v.route_from))
    return v.series("route_flow_forward").sum(axis=0), v.series("route_flow_backward").sum(axis=0)


def largest_difference(series_a, series_b):
    """(difference on the day it is largest in size, that day's index, final-day difference)."""
    d = np.asarray(series_a, dtype=float) - np.asarray(series_b, dtype=float)
    t = int(np.argmax(np.abs(d)))
    return float(d[t]), t, float(d[-1])


def region_differences(v, base, diff_view=None):
    """Per region: the population difference (v - base) over the whole period: the largest
    and its date, the final one, and for a paired comparison file the 5-95 % band of the
    per-seed difference on that date."""
    pa, pb = v.series("population"), base.series("population")
    band = diff_view.band("population") if diff_view is not None else None
    rows = []
    for i in range(len(v.region)):
        if diff_view is not None:
            d = diff_view.series("population")[:, i]
            t = int(np.argmax(np.abs(d)))
            peak, final = float(d[t]), float(d[-1])
        else:
            peak, t, final = largest_difference(pa[:, i], pb[:, i])
        row = {"index": i, "name": v.region[i], "type": v.type[i], "country": v.country[i],
               "peak": peak, "date": v.dates[t], "final": final,
               "base_at_date": float(pb[t, i]), "capacity": v.capacity[i]}
        if band is not None:
            row["range"] = (float(band["p05"][t, i]), float(band["p95"][t, i]))
        rows.append(row)
    rows.sort(key=lambda r: -abs(r["peak"]))
    return rows


def observed_fit(v):
    """Per observed region: days observed and, for ensembles, the share of those days whose
    observed count lies inside the 90 % and 50 % bands of the simulated population; with
    the ARD over replicates (median, p05, p95; a single run's own value). None without data."""
    obs = v.observed
    if obs is None:
        return None
    pop, band = v.series("population"), v.band("population")
    rows = []
    for k, (i, name) in enumerate(zip(obs["region"], obs["name"])):
        seen = obs["observed"][:, k]
        days = ~np.isnan(seen)
        row = {"name": name, "days": int(days.sum()), "inside90": None, "inside50": None,
               "last_observed": None, "simulated_then": None}
        if days.any():
            last = int(np.flatnonzero(days)[-1])
            row["last_observed"], row["simulated_then"], row["last_date"] = seen[last], pop[last, i], v.dates[last]
        if band is not None and days.any():
            s = seen[days]
            row["inside90"] = float(np.mean((band["p05"][days, i] <= s) & (s <= band["p95"][days, i])))
            row["inside50"] = float(np.mean((band["p25"][days, i] <= s) & (s <= band["p75"][days, i])))
        rows.append(row)

    def summary(values):
        values = np.asarray(values, dtype=float)
        return (float(np.median(values)), float(np.percentile(values, 5)), float(np.percentile(values, 95)),
                len(values))
    return {"rows": rows, "ard_rescaled": summary(obs["ard_rescaled"]),
            "ard_unrescaled": summary(obs["ard_unrescaled"])}


def arrival_effect(diff_view):
    """The effect on camp arrivals of a paired comparison, per replicate first: each seed's
    scenario - baseline arrivals summed over the camps, then the median and 5-95 % of those
    totals; and the camp whose median per-seed effect is largest, with its own range.
    None without a difference section or its per-replicate camp outcomes."""
    out = diff_view.camp_outcomes if diff_view is not None else None
    if out is None or "arrivals" not in out or out["arrivals"].size == 0:
        return None
    per_seed = out["arrivals"]  # [replicate x camp], people
    totals = per_seed.sum(axis=1)
    medians = np.median(per_seed, axis=0)
    c = int(np.argmax(np.abs(medians)))

    def band(x):
        return float(np.median(x)), float(np.percentile(x, 5)), float(np.percentile(x, 95))
    return {"total": band(totals), "camp": out["name"][c], "camp_effect": band(per_seed[:, c]),
            "replicates": int(per_seed.shape[0])}
