"""migflow.Scenario: read, change and run a scenario without writing YAML; errors as
exceptions with the command line's text; repeated runs reuse the parsed data; the GIL
is released while a run executes."""
import os
import threading
import time
import unittest

import numpy as np

import migflow
import support

TINY = support.scenario("tiny.yaml")


class ScenarioObject(unittest.TestCase):
    def test_parameter_table_lists_every_ruleset(self):
        rows = {r["key"]: r for r in migflow.parameters()}
        self.assertEqual(rows["behaviour.lambda_conflict"]["ruleset"], "native")
        self.assertEqual(rows["behaviour.lambda_conflict"]["default"], 0.25)
        flee = rows["flee.move_rules.default_movechance"]
        self.assertEqual((flee["ruleset"], flee["default"], flee["low"], flee["high"]), ("flee", 0.3, 0.0, 1.0))
        self.assertTrue(rows["flee.move_rules.awareness_level"]["integer"])

    def test_a_run_that_will_not_fit_is_refused_before_it_starts(self):
        sc = migflow.Scenario.from_yaml(TINY)
        os.environ["MIGFLOW_MEMORY_LIMIT"] = str(1 << 20)  # 1 MiB: read at each run
        try:
            with self.assertRaises(RuntimeError) as e:
                sc.run(seed=1)
            self.assertIn("this run (its series are kept in memory) needs about", str(e.exception))
            self.assertIn("ignore_memory_estimate=True", str(e.exception))
            ds = sc.run(seed=1, ignore_memory_estimate=True)  # the user's choice: it runs
            self.assertEqual(ds.sizes["time"], 30)
        finally:
            del os.environ["MIGFLOW_MEMORY_LIMIT"]

    def test_read_and_change_parameters(self):
        sc = migflow.Scenario.from_yaml(TINY)
        self.assertEqual(sc.days, 30)
        self.assertIn("Camp", sc.regions)
        params = sc.parameters()
        self.assertIn("behaviour.lambda_conflict", params)
        sc["behaviour.lambda_conflict"] = 0.7
        self.assertEqual(sc["behaviour.lambda_conflict"], 0.7)
        sc.set({"agents.people_per_agent": 5, "behaviour.awareness": 2})
        self.assertEqual(sc["agents.people_per_agent"], 5.0)
        self.assertEqual(sc["behaviour.awareness"], 2.0)
        with self.assertRaises(KeyError):
            sc["behaviour.no_such"]

    def test_in_memory_override_equals_reloading_with_it(self):
        overrides = {"behaviour.lambda_conflict": 0.41, "behaviour.beta_camp": -0.3, "agents.mobile_fraction": 0.5}
        reloaded = migflow.Scenario.from_yaml(TINY, set=overrides).run(seed=9)
        changed = migflow.Scenario.from_yaml(TINY)
        per_run = changed.run(seed=9, set=overrides)
        changed.set(overrides)
        in_place = changed.run(seed=9)
        for res in (per_run, in_place):
            for name in reloaded.data_vars:
                np.testing.assert_array_equal(res[name].values, reloaded[name].values, err_msg=name)
        # ... and the overrides do change the result.
        plain = migflow.Scenario.from_yaml(TINY).run(seed=9)
        self.assertFalse(np.array_equal(plain.arrivals.values, reloaded.arrivals.values))

    def test_runs_never_read_the_files_again(self):
        d = support.temp_dir(self)
        for name in ("tiny.yaml", "tiny_climate.csv"):
            with open(support.scenario(name)) as src, open(os.path.join(d, name), "w") as f:
                f.write(src.read())
        sc = migflow.Scenario.from_yaml(os.path.join(d, "tiny.yaml"))
        before = sc.run(seed=2, set={"behaviour.lambda_climate": 0.2})
        for name in ("tiny.yaml", "tiny_climate.csv"):
            os.remove(os.path.join(d, name))
        after = sc.run(seed=2, set={"behaviour.lambda_climate": 0.2})
        self.assertTrue(after.identical(before.assign_attrs(wall_seconds=after.attrs["wall_seconds"])))
        self.assertGreater(float(after.climate.max()), 0)  # the CSV driver is there, from memory

    def test_same_seed_same_result_any_threads_other_seed_differs(self):
        sc = migflow.Scenario.from_yaml(support.scenario("border_open.yaml"))
        one = sc.run(seed=4, threads=1)
        two = sc.run(seed=4, threads=2)
        again = sc.run(seed=4, threads=2)
        other = sc.run(seed=5, threads=2)
        for name in one.data_vars:
            np.testing.assert_array_equal(one[name].values, two[name].values, err_msg=name)
            np.testing.assert_array_equal(two[name].values, again[name].values, err_msg=name)
        self.assertFalse(np.array_equal(one.arrivals.values, other.arrivals.values))
        self.assertEqual(two.attrs["threads"], min(2, os.cpu_count()))

    def test_bad_override_is_the_command_line_message(self):
        sc = migflow.Scenario.from_yaml(TINY)
        before = sc["behaviour.lambda_conflict"]
        with self.assertRaises(migflow.InputError) as e:
            sc.set({"behaviour.lambda_conflict": -1, "behaviour.lambda_confict": 1})
        # The same lines in the same order as `migflow check --set ... --set ...`.
        self.assertEqual(str(e.exception).splitlines(), [
            "--set: behaviour.lambda_confict: unknown key `lambda_confict`; did you mean `lambda_conflict`?",
            "--set: behaviour.lambda_conflict: got -1, expected a number in [0, 50]",
        ])
        self.assertEqual(sc["behaviour.lambda_conflict"], before)  # nothing half-applied
        # The CLI says the same about the same override.
        code, _, err = support.cli("check", TINY, "--set", "behaviour.lambda_conflict=-1",
                                   "--set", "behaviour.lambda_confict=1")
        self.assertEqual(code, 1)
        self.assertEqual(err.splitlines()[:2], str(e.exception).splitlines())
        with self.assertRaises(migflow.InputError) as e:
            sc.run(set={"regions[0].population": 5})
        self.assertIn("only behaviour.*, agents.* and flee.* can change on a loaded scenario", str(e.exception))
        self.assertTrue(issubclass(migflow.InputError, ValueError))

    def test_bad_file_is_file_line_col(self):
        d = support.temp_dir(self)
        path = os.path.join(d, "bad.yaml")
        with open(TINY) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("days: 30", "days: -3"))
        with open(support.scenario("tiny_climate.csv")) as src, open(os.path.join(d, "tiny_climate.csv"), "w") as f:
            f.write(src.read())
        with self.assertRaises(migflow.InputError) as e:
            migflow.Scenario.from_yaml(path)
        _, _, err = support.cli("check", path)
        self.assertEqual(str(e.exception).splitlines()[0], err.splitlines()[0])
        self.assertRegex(str(e.exception), r"^.*bad\.yaml:5:7: days: got `-3`, expected a whole number in \[1, 1000000\]$")

    def test_flee_settings_override(self):
        case = os.path.join(support.FLEE_CASES, "burundi")
        sc = migflow.Scenario.from_flee(case)
        base = sc.run(seed=1)
        changed = sc.run(seed=1, set={"flee.move_rules.camp_weight": 3.0})
        self.assertFalse(np.array_equal(base.population.values, changed.population.values))
        with self.assertRaises(migflow.InputError) as e:
            sc.run(set={"flee.move_rules.camp_wieght": 3.0})
        self.assertIn("--set: flee.move_rules.camp_wieght", str(e.exception))

    def test_flee_case_under_the_native_model(self):
        case = os.path.join(support.FLEE_CASES, "burundi")
        sc = migflow.Scenario.from_flee(case, ruleset="native")
        self.assertEqual(sc.ruleset, "native")
        res = sc.run(seed=4, set={"agents.people_per_agent": 200})
        # The same as the command line's conversion, run from its YAML.
        d = support.temp_dir(self)
        yaml = os.path.join(d, "burundi_native.yaml")
        code, _, err = support.cli("import-flee", case, "--native", "-o", yaml)
        self.assertEqual(code, 0, err)
        path = support.cli_run(yaml, d, "--seed", "4", "--set", "agents.people_per_agent=200")
        from_file = migflow.load(path)
        for name in ("population", "arrivals", "departures"):
            np.testing.assert_array_equal(res[name].values, from_file[name].values, err_msg=name)
        with self.assertRaises(ValueError):
            migflow.Scenario.from_flee(case, ruleset="nativ")

    def test_gil_released_during_a_run(self):
        sc = migflow.Scenario.from_yaml(support.scenario("sahel.yaml"))
        inside = threading.Event()
        done = threading.Event()

        def work():
            inside.set()
            sc._core.run(1, 1, [])  # the compiled run alone: no Python work inside
            done.set()

        worker = threading.Thread(target=work)
        worker.start()
        inside.wait()
        spins = 0
        while not done.is_set():
            spins += 1
        worker.join()
        # Holding the GIL, the run would let this loop turn only between bytecodes of the
        # worker (a handful of times); released, it turns for the whole run.
        self.assertGreater(spins, 100000)


if __name__ == "__main__":
    unittest.main()
