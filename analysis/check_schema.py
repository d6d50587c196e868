#!/usr/bin/python3
"""Check a migflow result file against the HDF5 layout of docs/OUTPUT.md (schema 1).

Single runs, ensembles (`migflow run --replicates`) and comparisons (`migflow compare`)
are told apart by their /ensemble or /comparison group (docs/ENSEMBLES.md).

Usage: /usr/bin/python3 analysis/check_schema.py [--no-conservation] RESULT.h5 [...]

Exit status 0 when every file passes, 1 otherwise (each problem on its own line).
Series are read in blocks of days, so big runs do not have to fit in memory.
"""
import argparse
import datetime
import sys

import h5py
import numpy as np

import mfresult

SCHEMA_VERSION = 1
BLOCK_DAYS = 32

ROOT_ATTRS = ["schema_version", "migflow_version", "scenario_name", "scenario_file",
              "scenario_text", "seed", "ruleset", "people_per_agent", "start_date", "days",
              "threads", "ranks", "wall_seconds", "agent_steps", "scenario_kind", "complete",
              # the build that made the file (docs/OUTPUT.md "Root attributes")
              "build_commit", "build_modified", "build_type", "build_compiler", "build_flags",
              "build_hdf5", "build_tbb", "build_mpi", "build_features"]

# Quantile bands of one series (docs/ENSEMBLES.md), in increasing order.
BANDS = ["p05", "p25", "p50", "p75", "p95"]
CAMP_OUTCOMES = ["peak_population", "peak_day", "arrivals", "first_day_full", "days_full", "turned_away"]
# What a comparison's difference section keeps: the day fields have no difference.
DIFFERENCE_OUTCOMES = ["peak_population", "arrivals", "days_full", "turned_away"]

# name -> (shape in terms of T/R/E, numpy kind: i integer, f float, S string, units)
DATASETS = {
    "time/day": (("T",), "i", "day"),
    "time/date": (("T",), "S", None),
    "regions/name": (("R",), "S", None),
    "regions/type": (("R",), "S", None),
    "regions/country": (("R",), "S", None),
    "regions/lat": (("R",), "f", "degrees"),
    "regions/lon": (("R",), "f", "degrees"),
    "regions/capacity": (("R",), "f", "people"),
    "regions/initial_population": (("R",), "f", "people"),
    "routes/from": (("E",), "i", None),
    "routes/to": (("E",), "i", None),
    "routes/km": (("E",), "f", "km"),
}
# The per-day series and drivers, from the one output catalogue (analysis/schema.json).
_SHAPE = {"regions": ("T", "R"), "routes": ("T", "E"), "one": ("T",)}
_KIND = {"int64": "i", "float64": "f"}
for _e in mfresult.SCHEMA["series"]:
    DATASETS[f"{_e['group']}/{_e['name']}"] = (_SHAPE[_e["width"]], _KIND[_e["type"]], _e["units"])
# Series every ensemble section has a band of: every /series dataset of a single run
# (the ensemble writer bands each series the recorder writes), dimension scales aside.
BANDED = {name.split("/")[1]: spec for name, spec in DATASETS.items() if name.startswith("series/")}
# Dimension scales (docs/OUTPUT.md "Dimension scales"), in /series and in /drivers.
for _group in ("series", "drivers"):
    DATASETS[_group + "/time"] = (("T",), "i", None)
    DATASETS[_group + "/region"] = (("R",), "S", "1")
    DATASETS[_group + "/route"] = (("E",), "i", "1")

# Outcome measures (docs/OUTPUT.md "Outcome measures"). C countries, P country pairs
# joined by a route, K regions with a capacity, M origin -> destination pairs.
MEASURES = {
    "countries/name": (("C",), "S", None),
    "countries/region_country": (("R",), "i", None),
    "countries/population": (("T", "C"), "f", "people"),
    "countries/arrivals": (("T", "C"), "i", "agents"),
    "countries/departures": (("T", "C"), "i", "agents"),
    "countries/turned_away_full": (("T", "C"), "i", "agents"),
    "countries/blocked_by_closure": (("T", "C"), "i", "agents"),
    "countries/flow_from": (("P",), "i", None),
    "countries/flow_to": (("P",), "i", None),
    "countries/flow": (("T", "P"), "i", "agents"),
    "measures/camps/region": (("K",), "i", None),
    "measures/camps/name": (("K",), "S", None),
    "measures/camps/capacity": (("K",), "f", "people"),
    "measures/camps/full_above": (("K",), "f", "people"),
    "measures/camps/first_full_day": (("K",), "i", "day"),
    "measures/camps/first_full_date": (("K",), "S", None),
    "measures/camps/peak_population": (("K",), "f", "people"),
    "measures/camps/peak_day": (("K",), "i", "day"),
    "measures/camps/peak_date": (("K",), "S", None),
    "measures/camps/days_full": (("K",), "i", "days"),
    "measures/camps/refused_full": (("K",), "i", "agents"),
}

ORIGINS = {
    "measures/origins/origin": (("M",), "i", None),
    "measures/origins/destination": (("M",), "i", None),
    "measures/origins/standing": (("M",), "i", "agents"),
    "measures/origins/travelling": (("M",), "i", "agents"),
    "measures/origins/country_matrix": (("C", "C"), "i", "agents"),
}

VALIDATION = {
    "validation/region": (("K",), "i", None),
    "validation/name": (("K",), "S", None),
    "validation/observed": (("T", "K"), "f", "people"),
    "validation/simulated": (("T", "K"), "f", "people"),
    "validation/error_rescaled": (("T",), "f", None),
    "validation/error_unrescaled": (("T",), "f", None),
}

REGION_TYPES = {"settlement", "camp", "transit"}


def as_str(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def strings(ds):
    return [as_str(x).rstrip("\0") for x in ds[()]]


def blocks(ds):
    """Rows of a [T x n] dataset, BLOCK_DAYS at a time."""
    for t0 in range(0, ds.shape[0], BLOCK_DAYS):
        yield t0, ds[t0:t0 + BLOCK_DAYS]


def check_datasets(f, spec, sizes, problems):
    for name, (shape, kind, units) in spec.items():
        if name not in f:
            problems.append(f"missing dataset /{name}")
            continue
        ds = f[name]
        if not isinstance(ds, h5py.Dataset):
            problems.append(f"/{name} is not a dataset")
            continue
        want = tuple(sizes[d] for d in shape)
        if ds.shape != want:
            problems.append(f"/{name}: shape {ds.shape}, expected {want} ({'x'.join(shape)})")
        got_kind = ds.dtype.kind
        if kind == "i" and got_kind not in "iu" or kind == "f" and got_kind != "f" \
                or kind == "S" and got_kind not in "SOU":
            problems.append(f"/{name}: dtype {ds.dtype}, expected kind {kind}")
        for attr in ("units", "description"):
            if attr not in ds.attrs:
                problems.append(f"/{name}: no `{attr}` attribute")
        if units is not None and "units" in ds.attrs and as_str(ds.attrs["units"]) != units:
            problems.append(f"/{name}: units {as_str(ds.attrs['units'])!r}, expected {units!r}")
        if len(shape) == 2 and ds.size > 0 and name.startswith(("series/", "drivers/")):
            if ds.chunks is None:
                problems.append(f"/{name}: not chunked")


def check_dimension_scales(f, problems):
    """Every /series and /drivers dataset has time first, then route (route_*) or region."""
    start = as_str(f.attrs["start_date"])
    names = strings(f["regions/name"])
    for group in ("series", "drivers"):
        g = f[group]
        if as_str(g["time"].attrs.get("units", "")) != "days since " + start:
            problems.append(f"/{group}/time: units should be 'days since {start}'")
        if [as_str(x) for x in g["region"][()]] != names:
            problems.append(f"/{group}/region: not the names of /regions/name")
        for name, ds in g.items():
            if name in ("time", "region", "route"):
                if as_str(ds.attrs.get("CLASS", b"")) != "DIMENSION_SCALE":
                    problems.append(f"/{group}/{name}: not a dimension scale")
                continue
            want = ["time"] + (["route" if name.startswith("route_") else "region"] if ds.ndim == 2 else [])
            got = [d[0].name.split("/")[-1] if len(d) else None for d in ds.dims]
            if got != want:
                problems.append(f"/{group}/{name}: dimension scales {got}, expected {want}")


def check_values(f, sizes, conservation, problems):
    T, R, E = sizes["T"], sizes["R"], sizes["E"]
    types = set(strings(f["regions/type"]))
    if not types <= REGION_TYPES:
        problems.append(f"/regions/type: unknown types {sorted(types - REGION_TYPES)}")
    for end in ("from", "to"):
        idx = f["routes/" + end][()]
        if idx.size and (idx.min() < 0 or idx.max() >= R):
            problems.append(f"/routes/{end}: region index outside 0..{R - 1}")
    if (f["routes/km"][()] < 0).any():
        problems.append("/routes/km: negative length")

    start = datetime.date.fromisoformat(as_str(f.attrs["start_date"]))
    days = f["time/day"][()]
    if not np.array_equal(days, np.arange(T)):
        problems.append("/time/day: not 0..T-1")
    dates = strings(f["time/date"])
    want = [(start + datetime.timedelta(days=int(d))).isoformat() for d in range(T)]
    if dates != want:
        problems.append("/time/date: not start_date + day")

    for name in ("series/population", "series/agents", "series/arrivals",
                 "series/departures", "series/spawned", "series/route_flow_forward",
                 "series/route_flow_backward", "series/turned_away_full",
                 "series/blocked_by_closure", "series/refused_full"):
        ds = f[name]
        for t0, rows in blocks(ds):
            if not np.all(np.isfinite(rows)) or (rows < 0).any():
                bad = np.argwhere(~(rows >= 0))[0]
                problems.append(f"/{name}: negative or non-finite value on day "
                                f"{t0 + bad[0]}, index {bad[1]}")
                break

    in_transit = f["series/in_transit"][()]
    total = f["series/total_agents"][()]
    if (in_transit < 0).any():
        problems.append("/series/in_transit: negative")
    if conservation:
        agents = f["series/agents"]
        for t0, rows in blocks(agents):
            standing = rows.sum(axis=1, dtype=np.int64)
            diff = standing + in_transit[t0:t0 + len(rows)] - total[t0:t0 + len(rows)]
            if np.any(diff != 0):
                t = t0 + int(np.flatnonzero(diff)[0])
                problems.append(f"conservation: day {t}: sum(agents) {int(standing[t - t0])} + "
                                f"in_transit {int(in_transit[t])} != total_agents {int(total[t])}")
                break


def measure_sizes(f, sizes):
    def n(name):
        return f[name].shape[0] if name in f else -1
    return dict(sizes, C=n("countries/name"), P=n("countries/flow_from"),
                K=n("measures/camps/region"), M=n("measures/origins/origin"))


def check_measures(f, sizes, conservation, problems):
    """The outcome measures: shapes, and that they agree with the region series."""
    sizes = measure_sizes(f, sizes)
    T, R, C = sizes["T"], sizes["R"], sizes["C"]
    spec = dict(MEASURES, **(ORIGINS if T > 0 else {}))
    before = len(problems)
    check_datasets(f, spec, sizes, problems)
    if len(problems) > before:
        return
    country = f["countries/region_country"][()]
    if R and (country.min() < 0 or country.max() >= C):
        problems.append("/countries/region_country: index outside /countries/name")
        return
    names = strings(f["countries/name"])
    if [names[c] for c in country] != strings(f["regions/country"]):
        problems.append("/countries/region_country: does not match /regions/country")
    onehot = np.zeros((R, C))
    onehot[np.arange(R), country] = 1.0
    for name in ("population", "arrivals", "departures", "turned_away_full", "blocked_by_closure"):
        regional, national = f["series/" + name], f["countries/" + name]
        for t0, rows in blocks(regional):
            want = rows @ onehot
            got = national[t0:t0 + len(rows)]
            if not np.allclose(got, want, rtol=1e-9, atol=1e-6):
                problems.append(f"/countries/{name}: not the sum of /series/{name} by country "
                                f"(from day {t0})")
                break
    capacity = f["regions/capacity"][()]
    if not np.array_equal(f["measures/camps/region"][()], np.flatnonzero(capacity > 0)):
        problems.append("/measures/camps/region: not every region with capacity > 0, in order")
    first = f["measures/camps/first_full_day"][()]
    days_full = f["measures/camps/days_full"][()]
    if ((first < -1) | (first >= max(T, 1))).any() or ((first == -1) != (days_full == 0)).any():
        problems.append("/measures/camps: first_full_day and days_full disagree")
    if "measures/origins/origin" in f and conservation:
        total = int(f["measures/origins/standing"][()].sum() + f["measures/origins/travelling"][()].sum())
        if total != int(f["series/total_agents"][-1]):
            problems.append(f"/measures/origins: {total} agents, /series/total_agents ends at "
                            f"{int(f['series/total_agents'][-1])}")
        if int(f["measures/origins/country_matrix"][()].sum()) != total:
            problems.append("/measures/origins/country_matrix: does not sum to the pairs' total")


def check_validation(f, sizes, problems):
    if "validation" not in f:
        return
    sizes = dict(sizes, K=f["validation/region"].shape[0] if "validation/region" in f else 0)
    check_datasets(f, VALIDATION, sizes, problems)
    for attr in ("ard_rescaled", "ard_unrescaled"):
        if attr not in f["validation"].attrs:
            problems.append(f"/validation: no `{attr}` attribute")
        if attr not in f.attrs:
            problems.append(f"root: no `{attr}` attribute (copied from /validation)")
    if "validation/region" in f:
        idx = f["validation/region"][()]
        if idx.size and (idx.min() < 0 or idx.max() >= sizes["R"]):
            problems.append("/validation/region: region index out of range")


def check_inputs(f, problems):
    if "inputs" not in f:
        problems.append("missing group /inputs (the scenario's input files)")
        return
    for name, ds in f["inputs"].items():
        if "path" not in ds.attrs:
            problems.append(f"/inputs/{name}: no `path` attribute")


def check_section(f, group, sizes, difference, problems):
    """Bands of every series under `group`, and its per-replicate camp outcomes."""
    if group not in f:
        problems.append(f"missing group /{group}")
        return
    g = f[group]
    for series, (shape, _, units) in BANDED.items():
        if series not in g:
            problems.append(f"/{group}: no bands of `{series}`")
    for series, sg in g.items():
        if series == "camp_outcomes" or not isinstance(sg, h5py.Group):
            continue
        want = None
        if series in BANDED:
            want = tuple(sizes[d] for d in BANDED[series][0])
        arrays = {}
        for q in BANDS + ["mean"]:
            if q not in sg:
                problems.append(f"/{group}/{series}: missing `{q}`")
                continue
            ds = sg[q]
            if ds.dtype.kind != "f":
                problems.append(f"/{group}/{series}/{q}: dtype {ds.dtype}, expected float64")
            if ds.shape[:1] != (sizes["T"],) or (want is not None and ds.shape != want):
                problems.append(f"/{group}/{series}/{q}: shape {ds.shape}, expected {want or ('T', '...')}")
            for attr in ("units", "description"):
                if attr not in ds.attrs:
                    problems.append(f"/{group}/{series}/{q}: no `{attr}` attribute")
            arrays[q] = ds[()]
        if len(arrays) == len(BANDS) + 1 and not problems:
            for lo, hi in zip(BANDS, BANDS[1:]):
                if (arrays[lo] > arrays[hi]).any():
                    problems.append(f"/{group}/{series}: {lo} above {hi}")
                    break
            if not difference and (arrays["p05"] < 0).any():
                problems.append(f"/{group}/{series}: negative values")
    n = sizes["N"]
    if "camp_outcomes" not in g:
        problems.append(f"missing group /{group}/camp_outcomes")
        return
    camps = g["camp_outcomes"]
    c = camps["region"].shape[0] if "region" in camps else -1
    for name in ["region", "name"]:
        if name not in camps:
            problems.append(f"/{group}/camp_outcomes: missing `{name}`")
    for name in DIFFERENCE_OUTCOMES if difference else CAMP_OUTCOMES:
        if name not in camps:
            problems.append(f"/{group}/camp_outcomes: missing `{name}`")
        elif camps[name].shape != (n, c):
            problems.append(f"/{group}/camp_outcomes/{name}: shape {camps[name].shape}, "
                            f"expected ({n}, {c})")


def check_ensemble(f, sizes, problems):
    """An ensemble or a comparison: seeds and bands instead of /series."""
    top = "ensemble" if "ensemble" in f else "comparison"
    if "replicates" not in f.attrs:
        problems.append("root: no `replicates` attribute")
        return
    n = int(f.attrs["replicates"])
    sizes = dict(sizes, N=n)
    seeds = f.get(top + "/seeds")
    if seeds is None or seeds.shape != (n,):
        problems.append(f"/{top}/seeds: missing or not [{n}]")
    elif len(set(seeds[()].tolist())) != n:
        problems.append(f"/{top}/seeds: seeds repeat")
    if top == "ensemble":
        # The driver values; the dimension scales of single runs are not written here.
        drivers = {k: v for k, v in DATASETS.items()
                   if k in ("drivers/conflict", "drivers/economy", "drivers/climate")}
        check_datasets(f, drivers, sizes, problems)
        check_section(f, "ensemble", sizes, False, problems)
    else:
        for attr in ("baseline_scenario_name", "baseline_scenario_text"):
            if attr not in f.attrs:
                problems.append(f"root: no `{attr}` attribute")
        check_section(f, "comparison/baseline", sizes, False, problems)
        check_section(f, "comparison/scenario", sizes, False, problems)
        check_section(f, "comparison/difference", sizes, True, problems)


def check_file(path, conservation=True):
    """Returns the list of problems found in `path` (empty: it conforms)."""
    problems = []
    damage = mfresult.seal_problem(path)
    if damage:
        return [f"damaged result file: {damage}"]
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        return [f"cannot open as HDF5: {e}"]
    with f:
        missing = [a for a in ROOT_ATTRS if a not in f.attrs]
        if missing:
            problems.append(f"missing root attributes: {', '.join(missing)}")
        if "complete" in f.attrs and int(f.attrs["complete"]) != 1:
            problems.append("root attribute complete != 1")
        if "schema_version" in f.attrs and int(f.attrs["schema_version"]) != SCHEMA_VERSION:
            problems.append(f"schema_version {int(f.attrs['schema_version'])}, "
                            f"expected {SCHEMA_VERSION}")
        if "complete" not in f.attrs or "start_date" not in f.attrs or "days" not in f.attrs:
            return problems or ["not a complete migflow result"]
        sizes = {
            "T": int(f.attrs["days"]),
            "R": f["regions/name"].shape[0] if "regions/name" in f else -1,
            "E": f["routes/from"].shape[0] if "routes/from" in f else -1,
        }
        check_inputs(f, problems)
        if "ensemble" in f or "comparison" in f:
            static = {k: v for k, v in DATASETS.items() if k.split("/")[0] in ("time", "regions", "routes")}
            check_datasets(f, static, sizes, problems)
            if not problems:
                check_ensemble(f, sizes, problems)
            return problems
        check_datasets(f, DATASETS, sizes, problems)
        if problems:  # values are meaningless when the structure is wrong
            return problems
        check_values(f, sizes, conservation, problems)
        check_measures(f, sizes, conservation, problems)
        check_dimension_scales(f, problems)
        check_validation(f, sizes, problems)
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", metavar="RESULT.h5")
    p.add_argument("--no-conservation", action="store_true",
                   help="skip sum(agents) + in_transit == total_agents (synthetic files)")
    a = p.parse_args(argv)
    ok = True
    for path in a.files:
        problems = check_file(path, conservation=not a.no_conservation)
        if problems:
            ok = False
            for msg in problems:
                print(f"{path}: {msg}", file=sys.stderr)
        else:
            with h5py.File(path, "r") as f:
                kind = ("ensemble" if "ensemble" in f else "comparison" if "comparison" in f
                        else "run")
                n = f", N={int(f.attrs['replicates'])}" if "replicates" in f.attrs else ""
                print(f"{path}: ok ({kind}, schema {int(f.attrs['schema_version'])}, "
                      f"T={int(f.attrs['days'])}, R={f['regions/name'].shape[0]}, "
                      f"E={f['routes/from'].shape[0]}{n})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
