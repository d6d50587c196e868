"""migflow from Python: run scenarios in-process and get labelled xarray Datasets.

    import migflow
    res = migflow.run("scenarios/sahel.yaml", seed=3, set={"behaviour.lambda_conflict": 0.2})
    res.population.sel(region="Mentao").plot()

    sc = migflow.Scenario.from_yaml("scenarios/sahel.yaml")   # parsed once
    for lam in (0.1, 0.2, 0.3):
        res = sc.run(seed=1, set={"behaviour.lambda_conflict": lam})   # no file read again

A run returns the same numbers, names and units as the result file `migflow run`
writes for the same seed; `migflow.load(path)` reads such a file into the same
Dataset. Bad input raises migflow.InputError with the command line's
`file:line:col: key: message` text. docs/PYTHON.md has the details.
"""

import os as _os

from . import _core
from . import _dataset
from ._sensitivity import sensitivity

__version__ = _core.version
__all__ = ["Scenario", "InputError", "run", "load", "parameters", "sensitivity"]

InputError = _core.InputError
InputError.__doc__ = "Bad input: str(e) lists every problem, one `file:line:col: key: message` per line."


def _override_text(value):
    """A Python value as the YAML text `--set key=value` would take."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same double
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_override_text(v) for v in value) + "]"
    return str(value)


def _overrides(set):
    if not set:
        return []
    items = set.items() if hasattr(set, "items") else set
    return [(str(k), _override_text(v)) for k, v in items]


class Scenario:
    """A loaded scenario: its YAML and CSV files are read once; parameters change in
    memory (`set`, item assignment) and every `run` starts from the parsed data."""

    def __init__(self, core):
        self._core = core

    @classmethod
    def from_yaml(cls, path, set=None):
        """Loads a scenario file; `set` may override any key (regions, drivers, ...)."""
        return cls(_core.Scenario.from_yaml(_os.fspath(path), _overrides(set)))

    @classmethod
    def from_text(cls, text, name="<text>", base_dir=".", set=None):
        """A scenario from YAML text; CSV paths resolve against `base_dir`."""
        return cls(_core.Scenario.from_text(text, name, _os.fspath(base_dir), _overrides(set)))

    @classmethod
    def from_flee(cls, directory, ruleset="flee"):
        """A Flee input directory (docs/FLEE.md), as `migflow run DIR` reads it; with
        ruleset="native", under the native model as `migflow import-flee --native` and
        calibration cases with `ruleset: native` convert it (docs/CALIBRATION.md)."""
        return cls(_core.Scenario.from_flee(_os.fspath(directory), ruleset))

    def copy(self):
        return Scenario(self._core.copy())

    def set(self, overrides):
        """Changes parameters in place: {"behaviour.lambda_conflict": 0.2, ...}.
        Keys of behaviour, agents and flee only; validated as the loader validates them."""
        self._core.set(_overrides(overrides))
        return self

    def __getitem__(self, key):
        params = self._core.parameters()
        if key not in params:
            raise KeyError(key)
        return params[key]

    def __setitem__(self, key, value):
        self.set({key: value})

    def parameters(self):
        """{key: value} of every behaviour.* and agents.* parameter."""
        return self._core.parameters()

    def run(self, seed=None, set=None, threads=0, ignore_memory_estimate=False):
        """Runs in-process (no file written) and returns the results as an xarray.Dataset.
        `set` applies to this run only; `seed` defaults to the scenario's. A run whose
        memory estimate (the run plus its series, held in memory) exceeds the machine's
        is refused with RuntimeError unless `ignore_memory_estimate`."""
        raw = self._core.run(seed, threads, _overrides(set), ignore_memory_estimate)
        return _dataset.build(raw)

    name = property(lambda self: self._core.name)
    ruleset = property(lambda self: self._core.ruleset)
    days = property(lambda self: self._core.days)
    start_date = property(lambda self: self._core.start_date)
    source_file = property(lambda self: self._core.source_file)
    regions = property(lambda self: self._core.regions, doc="region names, in scenario order")
    region_types = property(lambda self: self._core.region_types)
    seed = property(lambda self: self._core.seed, lambda self, v: setattr(self._core, "seed", v))

    def __repr__(self):
        return (f"<migflow.Scenario {self.name!r}: {len(self.regions)} regions, {self.days} days "
                f"from {self.start_date}, ruleset {self.ruleset}>")


def run(scenario, seed=None, set=None, threads=0, ignore_memory_estimate=False):
    """Runs a scenario (a path to a YAML file or a Flee directory, or a Scenario) in-process
    and returns an xarray.Dataset. With a path, `set` may override any key, as
    `migflow run --set` does; for many runs load a Scenario once and call its `run`."""
    if isinstance(scenario, Scenario):
        return scenario.run(seed=seed, set=set, threads=threads, ignore_memory_estimate=ignore_memory_estimate)
    path = _os.fspath(scenario)
    if _os.path.isdir(path):
        sc = Scenario.from_flee(path)
        return sc.run(seed=seed, set=set, threads=threads, ignore_memory_estimate=ignore_memory_estimate)
    return Scenario.from_yaml(path, set=set).run(seed=seed, threads=threads,
                                                 ignore_memory_estimate=ignore_memory_estimate)


def load(path):
    """A result file (`migflow run -o out.h5`) as the Dataset `run` returns."""
    return _dataset.build(_dataset.read_file(_os.fspath(path)))


def parameters():
    """Every ruleset's coefficients: key, ruleset, default, low, high, integer, unit, meaning (`migflow params`)."""
    return _core.parameter_table()
