"""One view of a result file for the report: a single run, an ensemble or a comparison.

A single run (docs/OUTPUT.md) has /series; an ensemble file (`migflow run --replicates
N`) has per-series quantile groups /ensemble/<series>/{p05,p25,p50,p75,p95,mean}
instead; a comparison file (`migflow compare`) has /comparison/{baseline,scenario,
difference}/<series>/... The report reads all three through `View`: `series(name)` is
the run itself or the ensemble median, `band(name)` the 5-95 % and 25-75 % bands
(None for a single run). Stored outcome measures (/measures, /countries) are read
when the file has them (report_measures.py never decides "full" itself).
"""
import datetime as dt
import os

import numpy as np

import report_events

from mfresult import ResultError, _attr, _text

QUANTILES = ("p05", "p25", "p50", "p75", "p95")
NETWORK = ["time/date", "regions/name", "regions/type", "regions/country", "regions/lat",
           "regions/lon", "regions/capacity", "regions/initial_population", "routes/from", "routes/to"]
# The series the report uses (the others are not read: a big run's [T x R] series cost
# memory); those counted in agents are shown in people.
USED_SERIES = {"population", "arrivals", "in_transit", "route_flow_forward", "route_flow_backward",
               "turned_away_full", "blocked_by_closure", "refused_full"}
AGENT_SERIES = {"agents", "arrivals", "departures", "spawned", "route_flow_forward",
                "route_flow_backward", "in_transit", "total_agents", "turned_away_full",
                "blocked_by_closure", "refused_full"}


class View:
    """The part of a result file the report uses; `group` holds the series."""

    def __init__(self, f, path, group, kind, attrs, name=None, events_group="events"):
        self.path = path
        self.kind = kind  # "run", "ensemble" or "comparison"
        self.attrs = attrs
        self.name = name or str(attrs.get("scenario_name") or os.path.basename(path))
        self.people_per_agent = float(attrs.get("people_per_agent") or 1.0)
        self.replicates = int(attrs.get("replicates") or 1)
        self.dates = np.array([dt.date.fromisoformat(s[:10]) for s in _text(f["time/date"][()])])
        # Closures and shocks as the run applied them; None in files older than /events.
        self.applied_events = report_events.applied_events(f, events_group, self.dates[0]) \
            if len(self.dates) else None
        self.region = _text(f["regions/name"][()])
        self.type = _text(f["regions/type"][()])
        self.country = _text(f["regions/country"][()])
        self.lat = f["regions/lat"][()].astype(float)
        self.lon = f["regions/lon"][()].astype(float)
        self.capacity = f["regions/capacity"][()].astype(float)
        self.initial_population = f["regions/initial_population"][()].astype(float)
        self.route_from = f["routes/from"][()].astype(int)
        self.route_to = f["routes/to"][()].astype(int)
        self._central, self._bands = {}, {}
        g = f[group] if group in f else None
        for key in (g.keys() if g is not None else []):
            if key not in USED_SERIES:
                continue
            item = g[key]
            if kind == "run":
                if hasattr(item, "shape"):
                    self._central[key] = self._people(key, item[()])
            elif hasattr(item, "keys") and "p50" in item:
                q = {k: self._people(key, item[k][()]) for k in QUANTILES if k in item}
                self._central[key] = q["p50"]
                self._bands[key] = q
        self.camp_outcomes = _camp_outcomes(g) if kind != "run" and g is not None else None
        if "population" not in self._central:
            raise ResultError(f"{path}: missing dataset(s): {group}/population")
        self.stored = _stored_measures(f) if kind == "run" else {}
        self.observed = _observed(f, group, kind)

    def _people(self, key, values):
        values = np.asarray(values, dtype=float)
        return values * self.people_per_agent if key in AGENT_SERIES else values

    def has(self, name):
        return name in self._central

    def series(self, name):
        """[T] or [T x R] in people (agent counts converted); the median for ensembles."""
        if name not in self._central:
            raise ResultError(f"{self.path}: no series '{name}'")
        return self._central[name]

    def band(self, name):
        """{'p05': .., 'p25': .., 'p75': .., 'p95': ..} in people, or None for a single run."""
        return self._bands.get(name)

    def camps(self):
        """Regions with a capacity (camps first, in file order), as the report's camp table."""
        with_cap = [i for i in range(len(self.region)) if self.capacity[i] > 0]
        return sorted(with_cap, key=lambda i: (self.type[i] != "camp", i))


def _camp_outcomes(g):
    if "camp_outcomes" not in g:
        return None
    c = g["camp_outcomes"]
    out = {"region": c["region"][()].astype(int), "name": _text(c["name"][()])}
    for key in ("peak_population", "peak_day", "arrivals", "first_day_full", "days_full", "turned_away"):
        if key in c:
            out[key] = c[key][()].astype(float)  # [replicate x camp]
    return out


def _observed(f, group, kind):
    """The observed counts (/validation) and the run's ARD against them: for a single run
    its own, for an ensemble or a comparison side the per-replicate ARDs of `group`
    (docs/OUTPUT.md); None when the scenario had no observed data."""
    if "validation" not in f or "observed" not in f["validation"]:
        return None
    v = f["validation"]
    out = {"region": v["region"][()].astype(int), "name": _text(v["name"][()]),
           "observed": v["observed"][()].astype(float)}
    if kind == "run":
        out["ard_rescaled"] = np.array([float(_attr(v, "ard_rescaled"))])
        out["ard_unrescaled"] = np.array([float(_attr(v, "ard_unrescaled"))])
    elif f"{group}/validation/ard_rescaled" in f:
        out["ard_rescaled"] = f[f"{group}/validation/ard_rescaled"][()].astype(float)
        out["ard_unrescaled"] = f[f"{group}/validation/ard_unrescaled"][()].astype(float)
    else:
        return None  # the difference of a comparison: no ARD of its own
    return out


def _stored_measures(f):
    """/measures/camps, /countries and /measures/origins, as plain arrays, when present."""
    out = {}
    if "measures/camps" in f:
        g = f["measures/camps"]
        out["camps"] = {k: (_text(g[k][()]) if g[k].dtype.kind in "SO" else g[k][()]) for k in g.keys()}
        out["full_means"] = _attr(g, "full_means")
    if "countries" in f:
        g = f["countries"]
        out["countries"] = {k: (_text(g[k][()]) if g[k].dtype.kind in "SO" else g[k][()]) for k in g.keys()}
    if "measures/origins/country_matrix" in f:
        out["origin_countries"] = f["measures/origins/country_matrix"][()].astype(float)
    return out


def open_result(path):
    """Returns (view, baseline view or None, difference view or None) for one file."""
    import h5py

    if not os.path.exists(path):
        raise ResultError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise ResultError(f"{path}: not an HDF5 file (a migflow result file is written by "
                          "`migflow run`)") from None
    with f:
        if "checkpoint" in f:
            raise ResultError(f"{path}: a checkpoint, not a result file: continue it with "
                              f"`migflow run --restart {path}`, then report the result")
        if "schema_version" not in f.attrs or "time" not in f or "regions" not in f:
            raise ResultError(f"{path}: not a migflow result file (no schema_version, /time or /regions)")
        complete = _attr(f, "complete")
        if complete != 1:
            raise ResultError(f"{path}: incomplete result file (no complete=1 attribute): "
                              "the run did not finish")
        missing = [d for d in NETWORK if d not in f]
        if missing:
            raise ResultError(f"{path}: missing dataset(s): " + ", ".join(missing))
        attrs = {k: _attr(f, k) for k in f.attrs}
        if "comparison" in f:
            scen = View(f, path, "comparison/scenario", "comparison", attrs)
            base = View(f, path, "comparison/baseline", "comparison", attrs,
                        name=attrs.get("baseline_scenario_name"), events_group="baseline_events")
            diff = View(f, path, "comparison/difference", "comparison", attrs, name="difference")
            return scen, base, diff
        if "ensemble" in f:
            return View(f, path, "ensemble", "ensemble", attrs), None, None
        if "series/population" not in f:
            raise ResultError(f"{path}: missing dataset(s): series/population")
        return View(f, path, "series", "run", attrs), None, None


def require_same_regions(a, b):
    """A baseline is compared region by region: the two files must list the same regions."""
    if list(a.region) != list(b.region):
        only_a = [n for n in a.region if n not in set(b.region)]
        only_b = [n for n in b.region if n not in set(a.region)]
        detail = []
        if only_a:
            detail.append(f"only in {a.path}: {', '.join(only_a[:5])}" + (" ..." if len(only_a) > 5 else ""))
        if only_b:
            detail.append(f"only in {b.path}: {', '.join(only_b[:5])}" + (" ..." if len(only_b) > 5 else ""))
        if not detail:
            detail.append("same names in a different order")
        raise ResultError(f"{b.path}: the baseline has different regions ({'; '.join(detail)}); "
                          "a baseline must be a run of the same regions")
    if len(a.dates) != len(b.dates) or a.dates[0] != b.dates[0]:
        raise ResultError(f"{b.path}: the baseline covers {b.dates[0]}..{b.dates[-1]} but "
                          f"{a.path} covers {a.dates[0]}..{a.dates[-1]}; a baseline must cover the same days")
