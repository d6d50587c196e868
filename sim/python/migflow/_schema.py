"""Units and descriptions of the result datasets, from the one output catalogue
(sim/output/catalogue.cpp, `migflow schema --json`) that the HDF5 writer uses too: an
in-process run has no file to read them from."""
import json

from . import _core

_CATALOGUE = json.loads(_core.schema())


def _table(entries, group):
    return {e["name"]: (e["units"], e["description"]) for e in entries if e["group"] == group}


SERIES = _table(_CATALOGUE["series"], "series")
DRIVERS = _table(_CATALOGUE["series"], "drivers")
VALIDATION = {k: v for k, v in _table(_CATALOGUE["datasets"], "validation").items() if k not in ("region", "name")}
REGIONS = {k: v for k, v in _table(_CATALOGUE["datasets"], "regions").items() if k != "name"}
ROUTES = _table(_CATALOGUE["datasets"], "routes")
# (group, name) -> "regions", "routes" or "one": a series' second dimension, if any.
WIDTH = {(e["group"], e["name"]): e["width"] for e in _CATALOGUE["series"]}
