"""One run's results as an xarray.Dataset, built the same way from a result file
(`load`) and from an in-process run (`run`), so that both give equal Datasets.

Layout (docs/PYTHON.md): dimensions time, region, route (and observed, with observed
data); every /series, /drivers and /validation dataset is a variable of the same name
with its `units` and `description`; the root attributes are the Dataset's attributes."""

import numpy as np
import xarray as xr

from . import _schema

# Root attributes that say how a run went rather than what it computed.
RUN_ATTRS = ("wall_seconds", "threads", "ranks", "migflow_version")


def _plain(value):
    """numpy scalars and bytes as plain Python values, so attributes compare equal."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _strings(values):
    return np.array([_plain(v) for v in values], dtype=object)


def _variable(dims, values, units, description, path):
    return xr.Variable(dims, values, {"units": units, "description": description, "hdf5_path": path})


def build(raw):
    """raw: {"attrs", "time", "regions", "routes", "series", "drivers", "validation"},
    each a dict of arrays (or lists of str) named as the file's datasets, plus
    "units"/"descriptions" {group: {name: text}} when read from a file."""
    meta = raw.get("meta", {})

    def about(group, name, table):
        units, description = table.get(name, ("", ""))
        got = meta.get(group, {}).get(name)
        return got if got is not None else (units, description)

    dates = np.array(list(raw["time"]["date"]), dtype="datetime64[D]").astype("datetime64[ns]")
    names = _strings(raw["regions"]["name"])
    regions = raw["regions"]
    routes = raw["routes"]
    frm = np.asarray(routes["from"], dtype=np.int32)
    to = np.asarray(routes["to"], dtype=np.int32)
    coords = {
        "time": ("time", dates, {"description": "calendar date of the day (/time/date)"}),
        "day": _variable("time", np.asarray(raw["time"]["day"], dtype=np.int32), "day",
                         "day index from the start date (day 0 = start_date)", "/time/day"),
        "region": ("region", names, {"units": "1", "description": "region name (/regions/name)"}),
        "route": ("route", np.arange(len(frm), dtype=np.int32),
                  {"units": "1", "description": "route index in /routes"}),
        "route_from": ("route", names[frm] if len(frm) else _strings([]),
                       {"units": "1", "description": "name of the region at the route's `from` end"}),
        "route_to": ("route", names[to] if len(to) else _strings([]),
                     {"units": "1", "description": "name of the region at the route's `to` end"}),
    }
    for name in _schema.REGIONS:
        units, description = about("regions", name, _schema.REGIONS)
        values = _strings(regions[name]) if name in ("type", "country") else np.asarray(regions[name])
        coords["region_type" if name == "type" else name] = _variable(
            "region", values, units, description, "/regions/" + name)
    units, description = about("routes", "km", _schema.ROUTES)
    coords["route_km"] = _variable("route", np.asarray(routes["km"]), units, description, "/routes/km")

    data = {}
    for group, table in (("series", _schema.SERIES), ("drivers", _schema.DRIVERS)):
        for name, values in raw[group].items():
            values = np.asarray(values)
            width = _schema.WIDTH.get((group, name), "routes" if name.startswith("route_") else "regions")
            dims = ("time",) if values.ndim == 1 else ("time", "route" if width == "routes" else "region")
            units, description = about(group, name, table)
            data[name] = _variable(dims, values, units, description, f"/{group}/{name}")

    validation = raw.get("validation")
    if validation is not None:
        coords["observed_region"] = ("observed_region", _strings(validation["name"]),
                                     {"units": "1", "description": "name of each observed region (/validation/name)"})
        for name in _schema.VALIDATION:
            values = np.asarray(validation[name])
            units, description = about("validation", name, _schema.VALIDATION)
            dims = ("time",) if values.ndim == 1 else ("time", "observed_region")
            data[name] = _variable(dims, values, units, description, "/validation/" + name)

    attrs = {k: _plain(v) for k, v in raw["attrs"].items() if k != "complete"}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def read_file(path):
    """The raw dict of `build` from a result file (h5py)."""
    import h5py

    from . import _core

    status, why = _core.check_result_file(path)
    if status == "damaged":
        raise ValueError(f"{path}: damaged result file: {why}")
    if status == "foreign":
        raise ValueError(f"{path}: cannot read as a migflow result: {why}")
    with h5py.File(path, "r") as f:
        if f.attrs.get("complete") != 1:
            raise ValueError(f"{path}: not a complete migflow result (no root attribute complete = 1)")
        meta = {}

        def group(name, skip=()):
            out = {}
            for key, ds in f[name].items():
                # Dimension scales (time, region, route) label the others: not variables.
                if key in skip or not isinstance(ds, h5py.Dataset) or ds.attrs.get("CLASS") == b"DIMENSION_SCALE":
                    continue
                out[key] = ds.asstr()[()] if ds.dtype.kind in "SO" else ds[()]
                meta.setdefault(name, {})[key] = (_plain(ds.attrs.get("units", "")),
                                                  _plain(ds.attrs.get("description", "")))
            return out

        raw = {
            "attrs": {k: _plain(v) for k, v in f.attrs.items()},
            "time": group("time"),
            "regions": group("regions"),
            "routes": group("routes"),
            "series": group("series"),
            "drivers": group("drivers"),
            "validation": group("validation") if "validation" in f else None,
        }
        raw["meta"] = meta
        return raw
