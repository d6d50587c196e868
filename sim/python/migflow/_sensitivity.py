"""`migflow.sensitivity`: the table `migflow sensitivity` prints, as a labelled
xarray.Dataset (docs/SWEEP.md "Sensitivity", docs/PYTHON.md)."""
import os

import numpy as np
import xarray as xr

from . import _core


def sensitivity(sweep, bootstrap=1000, level=0.95, seed=1):
    """Sobol (S1, ST) or Morris (mu, mu_star, sigma) indices of every outcome of a
    sobol or morris sweep, with bootstrap intervals (`*_low`, `*_high`), as an
    xarray.Dataset over (outcome, parameter). `sweep` is the sweep's output directory or
    its index CSV. Outcomes without indices (the same value in every run, too few
    complete base rows) are left out; attrs["notes"] says why, as the command does."""
    path = os.fspath(sweep)
    if os.path.isdir(path):
        path = os.path.join(path, "index.csv")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such sweep index")
    raw = _core.sensitivity(path, int(bootstrap), float(level), int(seed))
    outcomes = [o for o in raw["outcomes"] if o in raw["outcome"]]
    parameters = list(raw["parameters"])
    where = {(o, p): i for i, (o, p) in enumerate(zip(raw["outcome"], raw["parameter"]))}

    def grid(values):
        a = np.full((len(outcomes), len(parameters)), np.nan)
        for i, o in enumerate(outcomes):
            for j, p in enumerate(parameters):
                if (o, p) in where:
                    a[i, j] = values[where[(o, p)]]
        return a

    used = grid([float(u) for u in raw["used"]])
    data = {name: (("outcome", "parameter"), grid(v)) for name, v in raw["values"].items()}
    data["used"] = (("outcome", "parameter"), used,
                    {"meaning": "base rows (sobol) or elementary effects (morris) the estimate used"})
    return xr.Dataset(
        data,
        coords={"outcome": outcomes, "parameter": parameters},
        attrs={
            "method": raw["method"],
            "level": float(level),
            "bootstrap_resamples": int(bootstrap),
            "bootstrap_seed": int(seed),
            "design_groups": int(raw["groups"]),
            "seeds_per_point": int(raw["seeds_per_point"]),
            "notes": "\n".join(raw["notes"]),
            "index": path,
        },
    )
