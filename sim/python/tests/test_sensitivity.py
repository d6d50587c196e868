"""`migflow.sensitivity`: a morris sweep of tiny.yaml run by the command line, its
indices as a Dataset labelled by outcome and parameter, equal to the table
`migflow sensitivity` writes."""
import os
import unittest

import numpy as np
import pandas as pd

import migflow
import support

TINY = support.scenario("tiny.yaml")


class Sensitivity(unittest.TestCase):
    def test_morris_dataset_matches_the_command(self):
        d = support.temp_dir(self)
        sweep = os.path.join(d, "m.yaml")
        with open(sweep, "w") as f:
            f.write(f"scenario: {TINY}\noutput_dir: out\nseeds: [1]\nsamples:\n  method: morris\n"
                    "  trajectories: 4\n  levels: 4\n  ranges:\n"
                    "    behaviour.lambda_conflict: {min: 0.01, max: 1, scale: log}\n"
                    "    behaviour.beta_camp: [0, 2]\n")
        code, _, err = support.cli("sweep", sweep, "--threads", "1")
        self.assertEqual(code, 0, err)
        out = os.path.join(d, "out")
        table = os.path.join(d, "t.csv")
        code, _, err = support.cli("sensitivity", out, "-o", table, "--bootstrap", "100")
        self.assertEqual(code, 0, err)

        ds = migflow.sensitivity(out, bootstrap=100)
        self.assertEqual(ds.attrs["method"], "morris")
        self.assertEqual(list(ds.parameter.values), ["behaviour.lambda_conflict", "behaviour.beta_camp"])
        self.assertEqual(ds.attrs["design_groups"], 4)
        # final_agents is the same in every run of tiny: no indices, and a note says so.
        self.assertNotIn("final_agents", ds.outcome.values)
        self.assertIn("final_agents: no elementary effect differs from 0", ds.attrs["notes"])
        csv = pd.read_csv(table)
        self.assertEqual(sorted(set(csv.outcome)), sorted(ds.outcome.values))
        for row in csv.itertuples():
            got = ds.sel(outcome=row.outcome, parameter=row.parameter)
            for name in ("mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"):
                np.testing.assert_allclose(float(got[name]), getattr(row, name), rtol=1e-5, err_msg=name)
            self.assertEqual(int(got["used"]), row.effects)

    def test_missing_index(self):
        with self.assertRaises(FileNotFoundError):
            migflow.sensitivity(os.path.join(support.temp_dir(self), "nowhere"))


if __name__ == "__main__":
    unittest.main()
