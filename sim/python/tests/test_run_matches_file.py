"""migflow.run (in-process) gives the same Dataset as migflow.load of the file that
`migflow run` writes for the same scenario, seed and overrides: every dataset, its
values, type, units and description; and load() holds every dataset of the file."""
import os
import unittest

import h5py
import numpy as np

import migflow
from migflow import _dataset
import support


def file_datasets(path):
    """{variable name: /group/name} of every /series, /drivers and /validation dataset."""
    out = {}
    with h5py.File(path, "r") as f:
        for group in ("series", "drivers", "validation"):
            if group not in f:
                continue
            for name, ds in f[group].items():
                if ds.attrs.get("CLASS") == b"DIMENSION_SCALE" or group == "validation" and name in ("region", "name"):
                    continue
                out[name] = f"/{group}/{name}"
    return out


class RunMatchesFile(unittest.TestCase):
    def assert_same(self, from_file, in_process, path):
        # Every dataset of the file is in both Datasets, under its own name.
        datasets = file_datasets(path)
        self.assertTrue(datasets)
        for name, h5path in datasets.items():
            self.assertIn(name, from_file.data_vars, h5path)
            self.assertIn(name, in_process.data_vars, h5path)
            self.assertEqual(from_file[name].attrs["hdf5_path"], h5path)
        self.assertEqual(sorted(from_file.data_vars), sorted(in_process.data_vars))
        with h5py.File(path, "r") as f:
            for name, h5path in datasets.items():
                a, b = from_file[name], in_process[name]
                self.assertEqual(a.dims, b.dims, name)
                self.assertEqual(a.dtype, b.dtype, name)
                self.assertEqual(a.dtype, f[h5path].dtype, name)
                np.testing.assert_array_equal(a.values, f[h5path][()], err_msg=name)
                np.testing.assert_array_equal(a.values, b.values, err_msg=name)
                self.assertEqual(a.attrs, b.attrs, name)
                self.assertEqual(a.attrs["units"], f[h5path].attrs["units"], name)
        # Coordinates (dates, names, route ends, region facts) and attributes.
        coords_a, coords_b = from_file.coords.to_dataset(), in_process.coords.to_dataset()
        coords_a.attrs, coords_b.attrs = {}, {}  # the Datasets' attributes are compared below
        self.assertTrue(coords_a.identical(coords_b))
        run_only = set(_dataset.RUN_ATTRS)
        strip = lambda ds: {k: v for k, v in ds.attrs.items() if k not in run_only}
        self.assertEqual(strip(from_file), strip(in_process))
        # With the attributes that vary from run to run made equal, the Datasets are identical.
        in_process.attrs.update({k: from_file.attrs[k] for k in run_only})
        self.assertTrue(from_file.identical(in_process))

    def test_sahel_seed_and_override(self):
        out = support.temp_dir(self)
        path = support.cli_run(support.scenario("sahel.yaml"), out, "--seed", "3", "--threads", "2",
                               "--set", "behaviour.lambda_conflict=0.2")
        res = migflow.run(support.scenario("sahel.yaml"), seed=3,
                          set={"behaviour.lambda_conflict": 0.2}, threads=2)
        self.assertEqual(res.attrs["seed"], 3)
        self.assertGreater(int(res.total_agents[-1]), 0)
        self.assert_same(migflow.load(path), res, path)
        # The dates, names and units a user reads.
        self.assertEqual(str(res.time.values[0])[:10], res.attrs["start_date"])
        self.assertEqual(list(res.region.values), migflow.Scenario.from_yaml(support.scenario("sahel.yaml")).regions)
        self.assertEqual(res.population.attrs["units"], "people")

    def test_loaded_scenario_with_override_equals_file(self):
        # The fast path (override applied to the parsed scenario) gives the file's numbers.
        out = support.temp_dir(self)
        path = support.cli_run(support.scenario("border_closure.yaml"), out, "--seed", "5",
                               "--set", "behaviour.beta_camp=1.7", "--set", "agents.people_per_agent=4")
        sc = migflow.Scenario.from_yaml(support.scenario("border_closure.yaml"))
        res = sc.run(seed=5, set={"behaviour.beta_camp": 1.7, "agents.people_per_agent": 4})
        self.assert_same(migflow.load(path), res, path)
        # The scenario itself is unchanged by a run's overrides.
        self.assertNotEqual(sc["behaviour.beta_camp"], 1.7)

    def test_flee_case_with_validation(self):
        case = os.path.join(support.FLEE_CASES, "burundi")
        out = support.temp_dir(self)
        path = support.cli_run(case, out, "--seed", "2", "--threads", "1")
        res = migflow.run(case, seed=2, threads=1)
        self.assertIn("error_rescaled", res)
        self.assertIn("ard_rescaled", res.attrs)
        self.assert_same(migflow.load(path), res, path)


if __name__ == "__main__":
    unittest.main()
