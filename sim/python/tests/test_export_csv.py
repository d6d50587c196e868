"""`migflow export --format csv`: tidy tables (date, region, variable, value, unit) that
pandas reads directly, equal to the result file; a sweep's runs in one table joined
with their parameters."""
import os
import shutil
import unittest

import numpy as np
import pandas as pd

import migflow
import support

TINY = support.scenario("tiny.yaml")


class ExportCsv(unittest.TestCase):
    def test_ensemble_and_comparison(self):
        """Every band of every series, with section and statistic columns, equal to the file."""
        import h5py
        d = support.temp_dir(self)
        ens = os.path.join(d, "ens.h5")
        code, _, err = support.cli("run", TINY, "--replicates", "3", "--quiet", "-o", ens)
        self.assertEqual(code, 0, err)
        out = os.path.join(d, "ens_tables")
        code, _, err = support.cli("export", ens, "--format", "csv", "-o", out)
        self.assertEqual(code, 0, err)
        regions = pd.read_csv(os.path.join(out, "regions.csv"), float_precision="round_trip")
        self.assertEqual(list(regions.columns),
                         ["section", "statistic", "date", "region", "variable", "value", "unit"])
        self.assertEqual(set(regions.section), {"ensemble", "drivers"})
        self.assertEqual(set(regions[regions.section == "ensemble"].statistic),
                         {"p05", "p25", "p50", "p75", "p95", "mean"})
        with h5py.File(ens, "r") as f:
            names = [n.decode() for n in f["regions/name"][()]]
            for stat in ("p05", "p50", "mean"):
                rows = regions[(regions.section == "ensemble") & (regions.statistic == stat)
                               & (regions.variable == "population")]
                got = rows.pivot(index="date", columns="region", values="value")[names].to_numpy()
                np.testing.assert_array_equal(got, f["ensemble/population/" + stat][()], err_msg=stat)
            conflict = regions[(regions.section == "drivers") & (regions.variable == "conflict")]
            got = conflict.pivot(index="date", columns="region", values="value")[names].to_numpy()
            np.testing.assert_array_equal(got, f["drivers/conflict"][()])
        routes = pd.read_csv(os.path.join(out, "routes.csv"))
        self.assertEqual(list(routes.columns)[:2], ["section", "statistic"])
        self.assertEqual(set(routes.variable), {"route_flow_forward", "route_flow_backward"})

        # A baseline with a milder shock, beside the CSV file tiny.yaml reads.
        shutil.copy(support.scenario("tiny_climate.csv"), d)
        base = os.path.join(d, "base.yaml")
        with open(TINY) as src, open(base, "w") as dst:
            dst.write(src.read().replace("severity: 0.7", "severity: 0.2"))
        cmp = os.path.join(d, "cmp.h5")
        code, _, err = support.cli("compare", base, TINY, "--replicates", "3", "--quiet", "-o", cmp)
        self.assertEqual(code, 0, err)
        out = os.path.join(d, "cmp_tables")
        code, _, err = support.cli("export", cmp, "--format", "csv", "-o", out)
        self.assertEqual(code, 0, err)
        regions = pd.read_csv(os.path.join(out, "regions.csv"), float_precision="round_trip")
        self.assertEqual(set(regions.section) - {"drivers"}, {"baseline", "scenario", "difference"})
        with h5py.File(cmp, "r") as f:
            names = [n.decode() for n in f["regions/name"][()]]
            for section in ("baseline", "scenario", "difference"):
                rows = regions[(regions.section == section) & (regions.statistic == "p50")
                               & (regions.variable == "arrivals")]
                got = rows.pivot(index="date", columns="region", values="value")[names].to_numpy()
                np.testing.assert_array_equal(got, f[f"comparison/{section}/arrivals/p50"][()], err_msg=section)

    def test_one_run(self):
        d = support.temp_dir(self)
        h5 = support.cli_run(TINY, d, "--seed", "2")
        out = os.path.join(d, "tables")
        code, stdout, err = support.cli("export", h5, "--format", "csv", "-o", out)
        self.assertEqual(code, 0, err)
        ref = migflow.load(h5)
        regions = pd.read_csv(os.path.join(out, "regions.csv"), float_precision="round_trip")
        self.assertEqual(list(regions.columns), ["date", "region", "variable", "value", "unit"])
        T, R, E = ref.sizes["time"], ref.sizes["region"], ref.sizes["route"]
        per_region = [v for v in ref.data_vars if ref[v].dims == ("time", "region")]
        per_day = [v for v in ref.data_vars if ref[v].dims == ("time",)]
        self.assertEqual(len(regions), T * R * len(per_region) + T * len(per_day))
        for name in per_region:
            rows = regions[regions.variable == name]
            table = rows.pivot(index="date", columns="region", values="value")
            got = table.loc[[str(t)[:10] for t in ref.time.values], list(ref.region.values)].to_numpy()
            np.testing.assert_array_equal(got, ref[name].values.astype(float), err_msg=name)
            self.assertEqual(set(rows.unit), {ref[name].attrs["units"]}, name)
        totals = regions[regions.variable == "total_agents"]
        self.assertTrue(totals.region.isna().all())
        np.testing.assert_array_equal(totals.value.to_numpy(), ref.total_agents.values)

        routes = pd.read_csv(os.path.join(out, "routes.csv"), float_precision="round_trip")
        self.assertEqual(list(routes.columns), ["date", "route", "from", "to", "variable", "value", "unit"])
        self.assertEqual(len(routes), T * E * 2)
        fwd = routes[routes.variable == "route_flow_forward"].pivot(index="date", columns="route", values="value")
        np.testing.assert_array_equal(fwd.to_numpy(), ref.route_flow_forward.values)
        first = routes.iloc[0]
        self.assertEqual((first["from"], first["to"]), (ref.route_from.values[0], ref.route_to.values[0]))

        # Tables written before are not replaced silently.
        code, _, err = support.cli("export", h5, "--format", "csv", "-o", out)
        self.assertEqual(code, 1)
        self.assertIn("regions.csv exists; use --overwrite to replace it", err)
        code, _, err = support.cli("export", h5, "--format", "csv", "-o", out, "--overwrite")
        self.assertEqual(code, 0, err)
        self.assertFalse(any(f.endswith(".partial") for f in os.listdir(out)))

        # A file that is not a result: an error, and nothing is left behind.
        bad = os.path.join(d, "bad_tables")
        code, _, err = support.cli("export", TINY, "--format", "csv", "-o", bad)
        self.assertEqual(code, 1)
        self.assertTrue(err.startswith(f"migflow: error: {TINY}: not a migflow result file"), err)
        self.assertFalse(os.path.exists(bad))

    def test_sweep_joined_with_parameters(self):
        d = support.temp_dir(self)
        sweep = os.path.join(d, "sweep.yaml")
        with open(sweep, "w") as f:
            f.write(f"scenario: {TINY}\noutput_dir: runs\nseeds: [1, 2]\nset: {{days: 25}}\n"
                    "grid: {behaviour.lambda_conflict: [0.3, 0.6]}\n")
        code, _, err = support.cli("sweep", sweep, "--threads", "1")
        self.assertEqual(code, 0, err)
        runs = os.path.join(d, "runs")
        index = pd.read_csv(os.path.join(runs, "index.csv"))
        self.assertIn("camp_arrivals", index.columns)
        self.assertIn("peak_camp_population", index.columns)
        out = os.path.join(d, "tables")
        code, _, err = support.cli("export", runs, "--format", "csv", "-o", out)
        self.assertEqual(code, 0, err)
        table = pd.read_csv(os.path.join(out, "regions.csv"), float_precision="round_trip")
        self.assertEqual(list(table.columns), ["run", "point", "seed", "behaviour.lambda_conflict", "date", "region",
                                               "variable", "value", "unit"])
        self.assertEqual(sorted(table.run.unique()), [0, 1, 2, 3])
        for _, row in index.iterrows():
            ref = migflow.load(os.path.join(runs, row.file))
            self.assertEqual(ref.attrs["seed"], row.seed)
            mine = table[(table.run == row.run) & (table.variable == "population")]
            self.assertEqual(set(mine["behaviour.lambda_conflict"]), {row["behaviour.lambda_conflict"]})
            got = mine.pivot(index="date", columns="region", values="value")[list(ref.region.values)].to_numpy()
            np.testing.assert_array_equal(got, ref.population.values)
            # The index's camp columns, from the same series.
            camps = ref.region_type.values == "camp"
            arrived = ref.arrivals.values[:, camps].sum() * ref.attrs["people_per_agent"]
            self.assertAlmostEqual(row.camp_arrivals, arrived, places=6)
            self.assertAlmostEqual(row.peak_camp_population, ref.population.values[:, camps].sum(axis=1).max(), places=6)


if __name__ == "__main__":
    unittest.main()
