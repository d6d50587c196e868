"""Result files carry dimension scales: xarray opens /series and /drivers with engine
h5netcdf, with dates, region names and route indices as coordinates."""
import unittest

import numpy as np
import xarray as xr

import migflow
import support


class NetcdfOpen(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.TemporaryDirectory(prefix="migflow_py_")
        cls.path = support.cli_run(support.scenario("border_closure.yaml"), cls.dir.name, "--seed", "4")
        cls.ref = migflow.load(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_series_opens_labelled(self):
        with xr.open_dataset(self.path, engine="h5netcdf", group="series") as ds:
            self.assertEqual(dict(ds.sizes), {"time": self.ref.sizes["time"], "region": self.ref.sizes["region"],
                                              "route": self.ref.sizes["route"]})
            np.testing.assert_array_equal(ds.time.values, self.ref.time.values)
            self.assertEqual(ds.time.dtype, np.dtype("datetime64[ns]"))
            self.assertEqual(list(ds.region.values), list(self.ref.region.values))
            np.testing.assert_array_equal(ds.route.values, np.arange(self.ref.sizes["route"]))
            for name in ("population", "agents", "arrivals", "departures", "spawned"):
                self.assertEqual(ds[name].dims, ("time", "region"), name)
                np.testing.assert_array_equal(ds[name].values, self.ref[name].values, err_msg=name)
                self.assertEqual(ds[name].attrs["units"], self.ref[name].attrs["units"])
            for name in ("route_flow_forward", "route_flow_backward"):
                self.assertEqual(ds[name].dims, ("time", "route"), name)
                np.testing.assert_array_equal(ds[name].values, self.ref[name].values, err_msg=name)
            for name in ("in_transit", "total_agents"):
                self.assertEqual(ds[name].dims, ("time",), name)
            # Labels select: a region by name, a day by date.
            camp = self.ref.region_type.values.tolist().index("camp")
            name = self.ref.region.values[camp]
            day = self.ref.time.values[10]
            self.assertEqual(float(ds.population.sel(region=name, time=day)),
                             float(self.ref.population.isel(region=camp, time=10)))

    def test_drivers_open_labelled(self):
        with xr.open_dataset(self.path, engine="h5netcdf", group="drivers") as ds:
            for name in ("conflict", "economy", "climate"):
                self.assertEqual(ds[name].dims, ("time", "region"))
                np.testing.assert_array_equal(ds[name].values, self.ref[name].values)
            np.testing.assert_array_equal(ds.time.values, self.ref.time.values)

    def test_pandas_tidy_frame_in_one_line(self):
        with xr.open_dataset(self.path, engine="h5netcdf", group="series") as ds:
            frame = ds.population.to_dataframe().reset_index()
        self.assertEqual(list(frame.columns), ["time", "region", "population"])
        self.assertEqual(len(frame), self.ref.sizes["time"] * self.ref.sizes["region"])


if __name__ == "__main__":
    unittest.main()
