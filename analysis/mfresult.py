"""Read a migflow result file (HDF5 layout schema_version 1, docs/OUTPUT.md).

Shared by plot_run.py, compare_runs.py and plot_validation.py. Ensemble files
(`migflow run --replicates`) load their medians (p50) as the series and keep every
band in `bands`; comparison files (`migflow compare`) load the scenario side's
medians and keep the three sections' bands in `sections` (docs/ENSEMBLES.md).
Reading is strict:
a missing file, an unfinished run (root attribute complete != 1) or a missing
dataset raises ResultError with one readable line, which the scripts print before
exiting with status 1.
"""
import datetime as dt
import json
import os

import numpy as np

# The one output catalogue (sim/output/catalogue.cpp), as `migflow schema --json` prints
# it; a test keeps this copy equal to the binary's.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json"), encoding="utf-8") as _f:
    SCHEMA = json.load(_f)


class ResultError(Exception):
    pass


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
SEAL_MAGIC = b"migflow result seal v1\n"
SEAL_BYTES = 512


def seal_problem(path):
    """Checks the seal migflow writes in a result file's user block (docs/OUTPUT.md,
    "Integrity") before HDF5 parses a byte of it. Returns None when the file is whole
    (or is a plain HDF5 file without a seal), else why it is damaged."""
    import zlib

    try:
        with open(path, "rb") as f:
            head = f.read(SEAL_BYTES)
            if head[:8] == HDF5_SIGNATURE:
                return None  # unsealed: an older migflow or another tool wrote it
            if len(head) < SEAL_BYTES or not head.startswith(SEAL_MAGIC):
                return "neither a sealed migflow result nor an HDF5 file"
            fields = head[len(SEAL_MAGIC):].split(b"\0", 1)[0].decode("ascii", "replace").split()
            if len(fields) != 4 or fields[0] != "crc32" or fields[2] != "bytes":
                return "its seal is unreadable"
            want_crc, want_bytes = int(fields[1], 16), int(fields[3])
            size = os.fstat(f.fileno()).st_size
            if size != SEAL_BYTES + want_bytes:
                return (f"it is {size} bytes long, its seal says {SEAL_BYTES + want_bytes} "
                        "(truncated or extended)")
            crc = 0
            while True:
                block = f.read(1 << 20)
                if not block:
                    break
                crc = zlib.crc32(block, crc)
            if crc != want_crc:
                return (f"its CRC-32 is {crc:08x}, its seal says {want_crc:08x}: "
                        "the file was damaged or changed")
    except (OSError, ValueError) as e:
        return f"cannot read it ({e})"
    return None


def _text(values):
    out = []
    for v in np.asarray(values).ravel():
        out.append(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
    return out


def _attr(f, key, default=None):
    if key not in f.attrs:
        return default
    v = f.attrs[key]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.item()
    if isinstance(v, np.generic):
        v = v.item()
    return v


STATIC = [
    "time/day", "time/date",
    "regions/name", "regions/type", "regions/lat", "regions/lon", "regions/country",
    "regions/capacity", "regions/initial_population",
    "routes/from", "routes/to", "routes/km",
]
BAND_NAMES = ["p05", "p25", "p50", "p75", "p95", "mean"]
# Every per-day series of a single run; ensembles keep a band of each /series one.
SERIES = [e["name"] for e in SCHEMA["series"] if e["group"] == "series"]

REQUIRED = STATIC + [f"{e['group']}/{e['name']}" for e in SCHEMA["series"]]


class Result:
    """Everything the plots need, loaded into numpy arrays."""

    def __init__(self, path, need_validation=False):
        import h5py  # imported here so --help works without h5py

        if not os.path.exists(path):
            raise ResultError(f"{path}: no such file")
        damage = seal_problem(path)
        if damage:
            raise ResultError(f"{path}: damaged result file: {damage}")
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            raise ResultError(f"{path}: not a readable HDF5 file ({e})") from None
        with f:
            complete = _attr(f, "complete")
            if complete != 1:
                state = "missing" if complete is None else f"= {complete}"
                raise ResultError(f"{path}: incomplete result (root attribute 'complete' {state}); "
                                  "the run did not finish")
            self.kind = ("ensemble" if "ensemble" in f else "comparison" if "comparison" in f
                         else "run")
            if self.kind == "run":
                required = REQUIRED
            else:
                top = "ensemble" if self.kind == "ensemble" else "comparison/scenario"
                required = STATIC + [f"{top}/{n}/{q}" for n in SERIES for q in BAND_NAMES]
                if self.kind == "ensemble":
                    required += ["drivers/conflict", "drivers/economy", "drivers/climate"]
            missing = [d for d in required if d not in f]
            if need_validation and "validation" not in f:
                missing.append("validation (the scenario had no observed data)")
            if missing:
                raise ResultError(f"{path}: missing dataset(s): " + ", ".join(missing))
            self.path = path
            self.attrs = {k: _attr(f, k) for k in f.attrs}
            self.name = str(self.attrs.get("scenario_name") or os.path.basename(path))
            self.people_per_agent = float(self.attrs.get("people_per_agent") or 1.0)
            self.day = f["time/day"][()].astype(int)
            self.dates = np.array([dt.date.fromisoformat(s[:10]) for s in _text(f["time/date"][()])])
            self.region = _text(f["regions/name"][()])
            import report_events
            # Closures and shocks as the run applied them; None in files older than /events.
            self.applied_events = report_events.applied_events(f, "events", self.dates[0]) \
                if len(self.dates) else None
            self.type = _text(f["regions/type"][()])
            self.country = _text(f["regions/country"][()])
            self.lat = f["regions/lat"][()]
            self.lon = f["regions/lon"][()]
            self.capacity = f["regions/capacity"][()].astype(float)
            self.initial_population = f["regions/initial_population"][()].astype(float)
            self.route_from = f["routes/from"][()].astype(int)
            self.route_to = f["routes/to"][()].astype(int)
            self.route_km = f["routes/km"][()].astype(float)
            self.replicates = int(self.attrs.get("replicates") or 1)
            self.bands = None      # ensemble: series -> {p05, ..., mean}
            self.sections = None   # comparison: baseline/scenario/difference -> bands
            if self.kind == "run":
                s = f["series"]
            else:
                def bands_of(g):
                    return {n: {q: g[n][q][()].astype(float) for q in BAND_NAMES}
                            for n in g if n != "camp_outcomes" and isinstance(g[n], h5py.Group)}
                if self.kind == "ensemble":
                    self.bands = bands_of(f["ensemble"])
                else:
                    self.sections = {k: bands_of(f["comparison/" + k])
                                     for k in ("baseline", "scenario", "difference")}
                    self.bands = self.sections["scenario"]
                    self.baseline_name = str(self.attrs.get("baseline_scenario_name") or "baseline")
                s = {n: b["p50"] for n, b in self.bands.items()}  # medians stand for the series
            self.population = s["population"][()].astype(float)
            self.agents = s["agents"][()]
            self.arrivals = s["arrivals"][()]
            self.departures = s["departures"][()]
            self.spawned = s["spawned"][()]
            self.flow_forward = s["route_flow_forward"][()]
            self.flow_backward = s["route_flow_backward"][()]
            self.in_transit = s["in_transit"][()]
            self.total_agents = s["total_agents"][()]
            self.drivers = ({k: f["drivers/" + k][()].astype(float)
                             for k in ("conflict", "economy", "climate")} if "drivers" in f else None)
            self.validation = None
            if "validation" in f:
                v = f["validation"]
                self.validation = {
                    "region": v["region"][()].astype(int),
                    "name": _text(v["name"][()]),
                    "observed": v["observed"][()].astype(float),
                    "simulated": v["simulated"][()].astype(float),
                    "error_rescaled": v["error_rescaled"][()].astype(float),
                    "error_unrescaled": v["error_unrescaled"][()].astype(float),
                    "ard_rescaled": _attr(v, "ard_rescaled", self.attrs.get("ard_rescaled")),
                    "ard_unrescaled": _attr(v, "ard_unrescaled", self.attrs.get("ard_unrescaled")),
                }
            # Outcome measures (docs/OUTPUT.md); None in files written before them.
            self.camp_outcomes = None
            if "measures/camps" in f:
                c = f["measures/camps"]
                self.camp_outcomes = {k: (_text(c[k][()]) if k.endswith(("name", "date")) else c[k][()])
                                      for k in c}
            self.countries = None
            if "countries" in f:
                c = f["countries"]
                self.countries = {k: (_text(c[k][()]) if k == "name" else c[k][()]) for k in c}
        T, R = self.population.shape
        if len(self.dates) != T or len(self.region) != R:
            raise ResultError(f"{path}: inconsistent shapes: {T} days x {R} regions in "
                              f"/series/population but {len(self.dates)} dates, {len(self.region)} names")

    def band(self, name, lo="p05", hi="p95", section=None):
        """(lo, hi) arrays of a series' band, or None for a single run."""
        bands = self.sections[section] if section else self.bands
        if not bands or name not in bands:
            return None
        return bands[name][lo], bands[name][hi]

    def camps(self):
        return [i for i, t in enumerate(self.type) if t == "camp"]

    def route_label(self, e, arrow="–"):
        return f"{self.region[self.route_from[e]]} {arrow} {self.region[self.route_to[e]]}"


def load(path, need_validation=False):
    return Result(path, need_validation)


def setup_matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3,
                         "axes.spines.top": False, "axes.spines.right": False,
                         "font.size": 9, "axes.titlesize": 10, "legend.fontsize": 8})
    return plt


def date_axis(ax):
    import matplotlib.dates as mdates
    loc = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def people_formatter():
    from matplotlib.ticker import FuncFormatter

    def fmt(x, _pos):
        a = abs(x)
        if a >= 1e6:
            return f"{x / 1e6:.1f}M"
        if a >= 1e3:
            return f"{x / 1e3:.0f}k" if a >= 1e4 else f"{x / 1e3:.1f}k"
        return f"{x:.0f}"
    return FuncFormatter(fmt)


def run_events(r):
    """Closure and shock windows of a loaded result (report_events.Event) as /events stores
    them; [] when none, or for files written before /events."""
    return r.applied_events or []


def shade_events(ax, events):
    """Closure (red) and shock (orange) windows as shaded spans, each labelled once for the legend."""
    seen = set()
    for e in events:
        color = "#d62728" if e.kind == "closure" else "#ff7f0e"
        label = e.label if e.label not in seen else None
        seen.add(e.label)
        ax.axvspan(e.start, e.end, color=color, alpha=0.10, lw=0, label=label, zorder=0)
        ax.axvline(e.start, color=color, lw=0.8, alpha=0.6, zorder=0)
