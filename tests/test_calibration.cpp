// Calibration (docs/CALIBRATION.md): the objectives against hand-computed values, the
// calibration file's errors, a joint fit that recovers a coefficient from data the model
// made itself, determinism across threads, resume identity, and best.yaml reproducing
// the best objective.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>

#include "migflow/calibrate/calibrate.hpp"
#include "migflow/calibrate/objective.hpp"
#include "migflow/calibrate/posterior.hpp"
#include "migflow/calibrate/validate.hpp"
#include "migflow/core/date.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/formats/flee/import.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

// A conflict town with two camps at different distances: the share of arrivals each camp
// gets is set by the distance power γ, (d0 + km_near)^-γ : (d0 + km_far)^-γ.
std::string two_camp_scenario(const std::string& name, double km_near, double km_far, const std::string& observed) {
    return "name: " + name + "\nstart_date: 2024-01-01\ndays: 60\nseed: 1\n"
           "regions:\n"
           "  - {name: Town, type: settlement, lat: 0, lon: 0, population: 20000, country: A}\n"
           "  - {name: Near, type: camp, lat: 0, lon: 1, population: 0, country: B}\n"
           "  - {name: Far, type: camp, lat: 1, lon: 1, population: 0, country: B}\n"
           "routes:\n"
           "  - {from: Town, to: Near, km: " + std::to_string(km_near) + "}\n"
           "  - {from: Town, to: Far, km: " + std::to_string(km_far) + "}\n"
           "drivers:\n  conflict: {default: 0, values: {Town: [[2024-01-01, 1.0]]}}\n"
           "behaviour: {lambda_conflict: 2.0, distance_power: 1.5, camp_move_factor: 0}\n"
           "agents: {people_per_agent: 5, mobile_fraction: 0, spawn_conflict: 0.01}\n" +
           (observed.empty() ? "" : "observed: {file: " + observed + "}\n");
}

// The camps' daily population from a run of `yaml` (seed 1) as an observed CSV.
void write_model_observations(const std::filesystem::path& dir, const std::string& yaml, const std::string& csv) {
    write_file(dir / "truth.yaml", yaml);
    const Scenario s = load_scenario((dir / "truth.yaml").string());
    MemoryRecorder rec;
    Simulation sim(s, RunOptions{});
    sim.run(rec);
    std::string text = "date,region,count\n";
    for (std::size_t t = 0; t < rec.population.size(); ++t)
        for (std::size_t r : {1u, 2u})
            text += format_date(s.start_date + static_cast<DayNumber>(t)) + "," + s.regions[r].name + "," +
                    exact_number(rec.population[t][r]) + "\n";
    write_file(dir / csv, text);
}

// Two cases whose observations the model made at γ = 1.5; the calibration fits γ.
std::string two_case_calibration(const std::filesystem::path& dir, const std::string& extra) {
    write_model_observations(dir, two_camp_scenario("a", 40, 160, ""), "a_obs.csv");
    write_model_observations(dir, two_camp_scenario("b", 100, 300, ""), "b_obs.csv");
    write_file(dir / "a.yaml", two_camp_scenario("a", 40, 160, "a_obs.csv"));
    write_file(dir / "b.yaml", two_camp_scenario("b", 100, 300, "b_obs.csv"));
    const std::string text = "cases: [a.yaml, b.yaml]\n"
                             "parameters:\n  behaviour.distance_power: {range: [0, 3], start: 0.5}\n" +
                             std::string(extra.find("seeds:") == std::string::npos ? "seeds: [1]\n" : "") + extra;
    write_file(dir / "cal.yaml", text);
    return (dir / "cal.yaml").string();
}

// Evaluations in a history.csv (0 while it does not exist).
int history_rows(const std::filesystem::path& hist) {
    const std::string h = std::filesystem::exists(hist) ? slurp(hist) : "";
    return std::max(0, static_cast<int>(std::count(h.begin(), h.end(), '\n')) - 1);
}

std::string without_wall_column(const std::string& csv) {
    std::string out;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
    return out;
}

std::string error_of(const std::string& text, const std::string& dir = "") {
    try {
        load_calibration_text(text, "cal.yaml", dir);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("calibration objectives: hand-computed values", "[calibrate]") {
    // Two camps, three days. Observed totals 10, 20, 40; simulated 5, 20, 20.
    const std::vector<std::vector<double>> obs = {{10, 10, 30}, {0, 10, 10}};
    const std::vector<std::vector<double>> sim = {{5, 10, 10}, {0, 10, 10}};
    // Rescaled: day 0 scale 2 -> |10-10| + 0 = 0; day 1 scale 1 -> 0; day 2 scale 2 ->
    // |20-30| + |20-10| = 20, / 40 = 0.5. Mean 0.5/3.
    CHECK(score_run(CalibrationObjective::ard_rescaled, sim, obs) == Approx(0.5 / 3));
    // Unrescaled: day 0 5/10, day 1 0, day 2 20/40. Mean (0.5 + 0 + 0.5)/3.
    CHECK(score_run(CalibrationObjective::ard_unrescaled, sim, obs) == Approx(1.0 / 3));
    // Deviance, t = 1, 2 per camp, half a person added to both: camp 0 y = 0.5, 20.5;
    // mu = 5.5, 0.5; camp 1 y = 10.5, 0.5 = mu (terms 0).
    const double expected = 2.0 * ((0.5 * std::log(0.5 / 5.5) + 5.0) + (20.5 * std::log(41.0) - 20.0)) / 4.0;
    CHECK(arrivals_deviance(sim, obs) == Approx(expected));
    CHECK(arrivals_deviance(obs, obs) == 0.0);
    CHECK(score_run(CalibrationObjective::ard_rescaled, obs, obs) == 0.0);
}

TEST_CASE("calibration files: every mistake located, all at once", "[calibrate]") {
    const std::string e = error_of(
        "cases: [nowhere.yaml]\n"
        "parameters:\n"
        "  behaviour.lamda_conflict: [0, 1]\n"
        "  behaviour.beta_camp: [3, 1]\n"
        "  behaviour.distance_power: {range: [0, 20]}\n"
        "  agents.spawn_conflict: {range: [0, 0.1], log: true}\n"
        "objective: ard\n"
        "budget: 0\n"
        "algorithm: LD_LBFGS\n"
        "seeds: [1, 1]\n"
        "bogus: 1\n");
    INFO(e);
    CHECK(e.find("cal.yaml:1:9: cases[0].case: no such file or directory `nowhere.yaml`") != std::string::npos);
    CHECK(e.find("cal.yaml:3:3: parameters.behaviour.lamda_conflict: not a coefficient `--set` can change on a loaded "
                 "scenario (behaviour.*, agents.*, flee.*); did you mean `behaviour.lambda_conflict`?") != std::string::npos);
    CHECK(e.find("cal.yaml:4:24: parameters.behaviour.beta_camp: low 3 is not below high 1") != std::string::npos);
    CHECK(e.find("cal.yaml:5:37: parameters.behaviour.distance_power: [0, 20] leaves the coefficient's valid range [0, 10]") !=
          std::string::npos);
    CHECK(e.find("cal.yaml:6:34: parameters.agents.spawn_conflict: a log scale needs low > 0, got 0") != std::string::npos);
    CHECK(e.find("cal.yaml:7:12: objective: got `ard`, expected ard_rescaled, ard_unrescaled or arrivals_deviance") !=
          std::string::npos);
    CHECK(e.find("cal.yaml:8:9: budget:") != std::string::npos);
    CHECK(e.find("cal.yaml:9:12: algorithm: got `LD_LBFGS`, expected one of NLopt's derivative-free bounded algorithms") !=
          std::string::npos);
    CHECK(e.find("cal.yaml:10:12: seeds[1]: seed 1 is given twice") != std::string::npos);
    CHECK(e.find("cal.yaml:11:1: bogus: unknown key") != std::string::npos);
    CHECK(error_of("parameters: {behaviour.beta_camp: [0, 1]}\n").find("cal.yaml:1:1: cases: missing") != std::string::npos);
}

TEST_CASE("calibration: a parameter a case ignores is refused", "[calibrate]") {
    TempDir dir("calibrate_ignored");
    const std::string cal = two_case_calibration(dir.path, "");
    write_file(dir.path / "flee.yaml", "cases: [a.yaml]\nparameters: {flee.move_rules.camp_weight: [1, 3]}\n");
    const CalibrationSpec spec = load_calibration((dir.path / "flee.yaml").string());
    try {
        CalibrationEvaluator ev(spec, {}, 1, nullptr);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find(":1:9: parameters.flee.move_rules.camp_weight: has no effect on case `a`, "
                                         "which runs the native model") != std::string::npos);
    }
}

TEST_CASE("calibration: a joint fit of two cases recovers the coefficient that made their data", "[calibrate]") {
    TempDir dir("calibrate_recover");
    const CalibrationSpec spec = load_calibration(two_case_calibration(dir.path, "budget: 40\n"));
    CalibrationEvaluator ev(spec, {}, 2, nullptr);
    // At the true value the model reproduces its own data (same seed): the score is 0.
    const std::vector<double> at_truth = ev.evaluate({1.5});
    CHECK(at_truth == std::vector<double>{0.0, 0.0});
    CHECK(total_objective(ev.evaluate({0.5})) > 0.05);
    const CalibrationResult r = run_calibration(spec, ev, {});
    const CalibrationRow& best = r.history[r.best];
    INFO("fitted " << best.values[0] << " objective " << best.total);
    CHECK(std::abs(best.values[0] - 1.5) < 0.1);
    CHECK(best.total < 0.01);
    CHECK(r.history.size() <= 40);
}

TEST_CASE("calibration: identical for 1 and 2 threads and for the same seed", "[calibrate]") {
    TempDir dir("calibrate_threads");
    const CalibrationSpec spec = load_calibration(two_case_calibration(dir.path, "budget: 8\nseeds: 2\n"));
    CalibrationEvaluator one(spec, {}, 1, nullptr), two(spec, {}, 2, nullptr);
    CHECK(one.evaluate({0.8}) == two.evaluate({0.8}));
    const CalibrationResult a = run_calibration(spec, one, {}), b = run_calibration(spec, two, {});
    REQUIRE(a.history.size() == b.history.size());
    for (std::size_t i = 0; i < a.history.size(); ++i) {
        CHECK(a.history[i].values == b.history[i].values);
        CHECK(a.history[i].case_scores == b.history[i].case_scores);
    }
}

TEST_CASE("calibration: a stopped calibration resumed gives the uninterrupted one's output", "[calibrate]") {
    TempDir dir("calibrate_resume");
    for (const char* algorithm : {"LN_SBPLX", "GN_CRS2_LM"}) {
        INFO(algorithm);
        const std::string cal = two_case_calibration(dir.path, std::string("algorithm: ") + algorithm + "\n");
        CalibrationSpec spec = load_calibration(cal);
        spec.budget = 12;
        CalibrationEvaluator ev(spec, {}, 2, nullptr);
        CalibrationOptions whole;
        whole.output_dir = (dir.path / "whole").string();
        whole.overwrite = true;
        run_calibration(spec, ev, whole);

        CalibrationOptions part = whole;
        part.output_dir = (dir.path / "part").string();
        spec.budget = 5;  // stopped after 5 evaluations
        run_calibration(spec, ev, part);
        // A process killed mid-write leaves half a line: dropped on resume.
        { std::ofstream(dir.path / "part/history.csv", std::ios::app) << "6,0.12"; }
        spec.budget = 12;
        part.overwrite = false;
        part.resume = true;
        const CalibrationResult resumed = run_calibration(spec, ev, part);
        CHECK(resumed.replayed == 5);
        CHECK(resumed.history.size() == 12);  // the budget, even for algorithms that overshoot maxeval
        CHECK(without_wall_column(slurp(dir.path / "part/history.csv")) ==
              without_wall_column(slurp(dir.path / "whole/history.csv")));
        CHECK(slurp(dir.path / "part/best.yaml") == slurp(dir.path / "whole/best.yaml"));
        CHECK(slurp(dir.path / "part/convergence.svg") == slurp(dir.path / "whole/convergence.svg"));

        // Other settings cannot resume this history; an existing one is not overwritten silently.
        CalibrationSpec other = spec;
        other.seeds = {2};
        CHECK_THROWS_WITH(run_calibration(other, ev, part), Catch::Contains("made by other calibration settings"));
        part.resume = false;
        CHECK_THROWS_WITH(run_calibration(spec, ev, part), Catch::Contains("holds a calibration already"));
    }
}

TEST_CASE("calibration: best.yaml as --set overrides reproduces the best objective", "[calibrate]") {
    TempDir dir("calibrate_best");
    const CalibrationSpec spec = load_calibration(two_case_calibration(dir.path, "budget: 10\nseeds: 2\n"));
    CalibrationEvaluator ev(spec, {}, 2, nullptr);
    CalibrationOptions o;
    o.output_dir = (dir.path / "out").string();
    const CalibrationResult r = run_calibration(spec, ev, o);
    const std::string best = slurp(dir.path / "out/best.yaml");
    const Overrides set = flatten_set_fragment(best, "best.yaml");
    REQUIRE(set.size() == 1);
    CHECK(set[0].first == "behaviour.distance_power");
    // The case scenarios loaded with the fragment as --set score exactly the best total.
    double total = 0.0;
    for (const std::string c : {"a.yaml", "b.yaml"}) {
        double sum = 0.0;
        for (std::uint64_t seed : spec.seeds) {
            const Scenario s = load_scenario((dir.path / c).string(), set);
            MemoryRecorder rec;
            RunOptions opt;
            opt.seed = seed;
            Simulation sim(s, opt);
            sim.run(rec);
            std::vector<std::vector<double>> simulated(2);
            for (std::size_t k = 0; k < 2; ++k)
                for (const auto& day : rec.population)
                    simulated[k].push_back(day[static_cast<std::size_t>(s.observed.region[k])]);
            sum += score_run(spec.objective, simulated, s.observed.count);
        }
        total += sum / static_cast<double>(spec.seeds.size());
    }
    CHECK(total / 2 == r.history[r.best].total);
    CHECK(best.find("# as --set: --set behaviour.distance_power=") != std::string::npos);
    CHECK(slurp(dir.path / "out/convergence.svg").starts_with("<svg"));
}

TEST_CASE("validation: each case is scored with coefficients fitted without it", "[calibrate]") {
    TempDir dir("calibrate_validate");
    const CalibrationSpec spec = load_calibration(two_case_calibration(dir.path, "budget: 25\n"));
    const CrossValidation cv = cross_validate(spec, 2, nullptr, "", false, false, false);
    REQUIRE(cv.folds.size() == 2);
    for (const ValidationFold& f : cv.folds) {
        INFO(f.case_name << ": fitted " << f.fitted[0]);
        // Both cases were made at the same γ: the other case alone finds it.
        CHECK(std::abs(f.fitted[0] - 1.5) < 0.15);
        CHECK(f.out_of_sample < f.at_start);
        CHECK(f.in_sample < f.at_start);
    }
    CHECK(validation_markdown(spec, cv).find("| a |  | ") != std::string::npos);
}

TEST_CASE("migflow calibrate: writes its three files; bad input exits 1 with the located problems", "[calibrate][cli]") {
    TempDir dir("calibrate_cli");
    const std::string cal = two_case_calibration(dir.path, "budget: 6\noutput_dir: fit\n");
    const std::string bin = MIGFLOW_BINARY;
    const auto out = dir.path / "stdout", err = dir.path / "stderr";
    auto run = [&](const std::string& args) {
        return run_shell(bin + " " + args + " > " + shell_quote(out.string()) + " 2> " + shell_quote(err.string()));
    };
    REQUIRE(run("calibrate -q " + shell_quote(cal)) == 0);
    CHECK(slurp(out).find("best: evaluation") != std::string::npos);
    for (const char* f : {"best.yaml", "history.csv", "convergence.svg", "calibration.txt"})
        CHECK(std::filesystem::exists(dir.path / "fit" / f));
    // A second run neither overwrites nor resumes without being told.
    CHECK(run("calibrate -q " + shell_quote(cal)) == 1);
    CHECK(slurp(err).find("holds a calibration already: --resume continues it, --overwrite replaces it") !=
          std::string::npos);
    CHECK(run("calibrate -q --resume --budget 8 " + shell_quote(cal)) == 0);
    CHECK(slurp(out).find("8 evaluation(s) (6 replayed from history.csv)") != std::string::npos);

    write_file(dir.path / "bad.yaml", "cases: [a.yaml]\nparameters: {behaviour.beta_camp: [0, 1]}\nbudget: many\n");
    CHECK(run("calibrate " + shell_quote((dir.path / "bad.yaml").string())) == 1);
    CHECK(slurp(err).find("bad.yaml:3:9: budget: got `many`") != std::string::npos);
    CHECK(slurp(err).find("migflow: 1 problem(s) in the input") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path / "bad_out"));
}

TEST_CASE("migflow run --set-file best.yaml runs the case at the fitted values", "[calibrate][cli]") {
    TempDir dir("calibrate_set_file");
    const std::string cal = two_case_calibration(dir.path, "budget: 4\noutput_dir: fit\n");
    const std::string bin = MIGFLOW_BINARY;
    REQUIRE(run_shell(bin + " calibrate -q " + shell_quote(cal) + " > /dev/null") == 0);
    const Overrides best = flatten_set_fragment(slurp(dir.path / "fit/best.yaml"), "best.yaml");
    REQUIRE(best.size() == 1);
    const auto out = dir.path / "check.txt";
    // check prints the effective scenario's summary; a bad fragment is a located error.
    REQUIRE(run_shell(bin + " check " + shell_quote((dir.path / "a.yaml").string()) + " --set-file " +
                      shell_quote((dir.path / "fit/best.yaml").string()) + " > " + shell_quote(out.string())) == 0);
    const auto h5 = dir.path / "a.h5";
    REQUIRE(run_shell(bin + " run --quiet " + shell_quote((dir.path / "a.yaml").string()) + " --set-file " +
                      shell_quote((dir.path / "fit/best.yaml").string()) + " -o " + shell_quote(h5.string()) +
                      " > /dev/null") == 0);
    write_file(dir.path / "bad.yaml", "behaviour: {distance_power: -1}\n");
    const auto err = dir.path / "err.txt";
    CHECK(run_shell(bin + " run --quiet " + shell_quote((dir.path / "a.yaml").string()) + " --set-file " +
                    shell_quote((dir.path / "bad.yaml").string()) + " -o " + shell_quote(h5.string()) + " 2> " +
                    shell_quote(err.string())) == 1);
    CHECK(slurp(err).find("behaviour.distance_power") != std::string::npos);
}

TEST_CASE("a Flee case under the native model: import-flee --native with best.yaml scores as the calibration did",
          "[calibrate][flee]") {
    TempDir dir("calibrate_flee_native");
    const std::string burundi = MIGFLOW_FLEE_CASES "/burundi";
    write_file(dir.path / "cal.yaml", "cases:\n  - {case: " + burundi +
                                          ", ruleset: native, set: {agents.people_per_agent: 400}}\n"
                                          "parameters:\n  behaviour.lambda_base: {range: [0.01, 5], log: true, start: 0.5}\n"
                                          "  behaviour.beta_camp: {range: [-2, 10], start: 1.5}\n"
                                          "budget: 3\noutput_dir: fit\n");
    const CalibrationSpec spec = load_calibration((dir.path / "cal.yaml").string());
    CalibrationEvaluator ev(spec, {}, 2, nullptr);
    CalibrationOptions o;
    o.output_dir = (dir.path / "fit").string();
    const CalibrationResult r = run_calibration(spec, ev, o);
    const CalibrationRow& best = r.history[r.best];

    const Scenario native = flee_case_as_native(import_flee_case(burundi));
    CHECK(native.ruleset == "native");
    CHECK_FALSE(native.flee.has_value());
    CHECK(native.agents.mobile_fraction == 0.0);
    write_flee_scenario_yaml(native, (dir.path / "burundi_native.yaml").string());
    Overrides set = {{"agents.people_per_agent", "400"}};
    for (const auto& kv : flatten_set_fragment(slurp(dir.path / "fit/best.yaml"), "best.yaml")) set.push_back(kv);
    const Scenario s = load_scenario((dir.path / "burundi_native.yaml").string(), set);
    MemoryRecorder rec;
    Simulation sim(s, RunOptions{});
    sim.run(rec);
    std::vector<std::vector<double>> simulated(s.observed.region.size()), observed = s.observed.count;
    for (std::size_t k = 0; k < simulated.size(); ++k)
        for (const auto& day : rec.population) simulated[k].push_back(day[static_cast<std::size_t>(s.observed.region[k])]);
    for (auto& c : observed) c.resize(simulated.front().size());
    CHECK(score_run(spec.objective, simulated, observed) == best.total);
}

TEST_CASE("migflow calibrate: SIGINT stops after an evaluation; --resume goes on from the history", "[calibrate][cli]") {
    TempDir dir("calibrate_sigint");
    const std::string cal =
        two_case_calibration(dir.path, "algorithm: GN_CRS2_LM\nbudget: 1000000\noutput_dir: fit\n");
    const std::string bin = MIGFLOW_BINARY;
    const auto hist = dir.path / "fit/history.csv", err = dir.path / "err.txt", out = dir.path / "out.txt";
    const pid_t pid = spawn_shell(bin + " calibrate -q " + shell_quote(cal) + " > " + shell_quote(out.string()) +
                                  " 2> " + shell_quote(err.string()));
    auto rows = [&] { return history_rows(hist); };
    REQUIRE(wait_until([&] { return rows() >= 5; }, 60));
    REQUIRE(::kill(pid, SIGINT) == 0);
    CHECK(wait_exit(pid, 60) == 130);
    const int done = rows();
    CHECK(slurp(err).find("migflow: stopped by SIGINT after evaluation " + std::to_string(done) +
                          "; `--resume` continues") != std::string::npos);
    CHECK(slurp(hist).ends_with("\n"));  // whole rows only
    CHECK(std::filesystem::exists(dir.path / "fit/best.yaml"));  // the best so far, complete
    const std::string budget = std::to_string(done + 3);
    REQUIRE(run_shell(bin + " calibrate -q --resume --budget " + budget + " " + shell_quote(cal) + " > " +
                      shell_quote(out.string())) == 0);
    CHECK(slurp(out).find(budget + " evaluation(s) (" + std::to_string(done) + " replayed from history.csv)") !=
          std::string::npos);
    CHECK(rows() == done + 3);
}

TEST_CASE("migflow validate: SIGINT stops within a fit, writes no table; --resume gives the uninterrupted table",
          "[calibrate][cli]") {
    TempDir dir("validate_sigint");
    const std::string cal = two_case_calibration(dir.path, "algorithm: GN_CRS2_LM\nbudget: 1000000\n");
    const std::string bin = MIGFLOW_BINARY;
    const auto hist = dir.path / "v/all/history.csv", err = dir.path / "err.txt", out = dir.path / "out.txt";
    const pid_t pid = spawn_shell(bin + " validate -q -o " + shell_quote((dir.path / "v").string()) + " " +
                                  shell_quote(cal) + " > " + shell_quote(out.string()) + " 2> " +
                                  shell_quote(err.string()));
    auto rows = [&] { return history_rows(hist); };
    REQUIRE(wait_until([&] { return rows() >= 3; }, 60));
    REQUIRE(::kill(pid, SIGINT) == 0);
    CHECK(wait_exit(pid, 60) == 130);
    CHECK(slurp(err).find("migflow: stopped by SIGINT in the fit " + (dir.path / "v").string() +
                          "/all; no table written; `--resume` continues") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.path / "v/validation.md"));
    CHECK(slurp(hist).ends_with("\n"));  // whole rows only

    // Resumed with a budget just past the stop, then the same validation uninterrupted:
    // the same table (the fit times aside).
    const std::string budget = std::to_string(rows() + 2);
    auto validate = [&](const std::string& args) {
        return run_shell(bin + " validate -q --budget " + budget + " " + args + " " + shell_quote(cal) + " > " +
                         shell_quote(out.string()) + " 2> " + shell_quote(err.string()));
    };
    REQUIRE(validate("--resume -o " + shell_quote((dir.path / "v").string())) == 0);
    REQUIRE(validate("-o " + shell_quote((dir.path / "w").string())) == 0);
    auto without_times = [](const std::string& csv) {
        std::string kept;
        std::istringstream in(csv);
        for (std::string line; std::getline(in, line);) {
            // fit_seconds is the 8th column.
            std::size_t at = 0;
            for (int k = 0; k < 7; ++k) at = line.find(',', at) + 1;
            kept += line.substr(0, at) + line.substr(line.find(',', at)) + "\n";
        }
        return kept;
    };
    const std::string resumed = slurp(dir.path / "v/validation.csv");
    CHECK(std::count(resumed.begin(), resumed.end(), '\n') == 3);  // header + two cases
    CHECK(without_times(resumed) == without_times(slurp(dir.path / "w/validation.csv")));
}

TEST_CASE("ABC-SMC calibration: a posterior around the coefficient that made the data and the same for 1 and 2 threads",
          "[calibrate][abc]") {
    TempDir dir("calibrate_abc");
    const CalibrationSpec spec = load_calibration(two_case_calibration(
        dir.path, "method: abc-smc\nabc: {particles: 40, generations: 3, seeds_per_particle: 2, predictive_draws: 12}\n"));
    REQUIRE(spec.method == CalibrationMethod::abc_smc);
    CalibrationEvaluator one(spec, {}, 1, nullptr), two(spec, {}, 2, nullptr);
    CalibrationOptions o;
    o.output_dir = (dir.path / "fit").string();
    const CalibrationResult a = run_calibration(spec, one, o), b = run_calibration(spec, two, {});
    REQUIRE(a.abc);
    REQUIRE(b.abc);
    CHECK(a.abc->population.u == b.abc->population.u);
    CHECK(a.abc->population.weights == b.abc->population.weights);
    CHECK(a.abc->population.distances == b.abc->population.distances);
    REQUIRE(a.abc->generations.size() == 3);
    // The tolerance falls, and the posterior gathers round γ = 1.5 (the prior is [0, 3]).
    CHECK(a.abc->generations[2].tolerance < a.abc->generations[1].tolerance);
    double mean = 0;
    const auto values = posterior_values(spec, a.abc->population);
    for (std::size_t i = 0; i < values.size(); ++i) mean += a.abc->population.weights[i] * values[i][0];
    INFO("posterior mean " << mean);
    CHECK(std::abs(mean - 1.5) < 0.3);
    // Three generations are too few: the tolerance still halves each one.
    REQUIRE(!a.warnings.empty());
    INFO(a.warnings[0]);
    CHECK(a.warnings[0].find("not converged: the tolerance was still falling when the generations ran out") == 0);

    const auto fit = dir.path / "fit";
    const std::vector<double> w = read_dataset(fit / "posterior.h5", "/posterior/weights");
    CHECK(w == a.abc->population.weights);
    CHECK(read_dataset(fit / "posterior.h5", "/posterior/theta").size() == 40);
    CHECK(read_dataset(fit / "posterior.h5", "/generations/tolerance").size() == 3);
    CHECK(read_dataset(fit / "posterior.h5", "/generations/ess").back() == Approx(a.abc->generations.back().ess));
    CHECK(read_dataset(fit / "posterior.h5", "/predictive/a/q50").size() ==
          2 * static_cast<std::size_t>(60));  // two camps x 60 days
    CHECK(!std::filesystem::exists(fit / "posterior.h5.partial"));
    const std::string best = slurp(fit / "best.yaml");
    CHECK(best.find("# warning: not converged: the tolerance was still falling") != std::string::npos);
    CHECK(slurp(fit / "predictive.csv").find("a,(all camps),60,12,") != std::string::npos);
    CHECK(std::filesystem::exists(fit / "predictive_b.svg"));
    // A second calibration into the folder is refused; --resume is the optimiser's.
    CHECK_THROWS_WITH(run_calibration(spec, one, o), Catch::Contains("holds a calibration already"));
    o.resume = true;
    CHECK_THROWS_WITH(run_calibration(spec, one, o), Catch::Contains("--resume continues an optimiser's calibration"));
}

TEST_CASE("ABC-SMC settings: every mistake located", "[calibrate][abc]") {
    const std::string e = error_of("cases: []\nparameters: {behaviour.beta_camp: [0, 1]}\nmethod: mcmc\n"
                                   "abc: {particles: 1, quantile: 1, min_acceptance_rate: 0, colour: red}\n");
    INFO(e);
    CHECK(e.find("cal.yaml:3:9: method: got `mcmc`, expected optimiser or abc-smc") != std::string::npos);
    CHECK(e.find("cal.yaml:4:18: abc.particles: got `1`, expected a whole number in [2, 1000000]") != std::string::npos);
    CHECK(e.find("cal.yaml:4:31: abc.quantile: must lie strictly between 0 and 1") != std::string::npos);
    CHECK(e.find("cal.yaml:4:55: abc.min_acceptance_rate: must be above 0") != std::string::npos);
    CHECK(e.find("cal.yaml:4:58: abc.colour: unknown key") != std::string::npos);
}

TEST_CASE("migflow calibrate --method abc-smc prints the posterior and its warnings and validate tables coverage",
          "[calibrate][abc][cli]") {
    TempDir dir("calibrate_abc_cli");
    const std::string cal = two_case_calibration(
        dir.path, "budget: 2\noutput_dir: fit\nabc: {particles: 16, generations: 2, seeds_per_particle: 1, predictive_draws: 8}\n");
    const std::string bin = MIGFLOW_BINARY;
    const auto out = dir.path / "stdout", err = dir.path / "stderr";
    auto run = [&](const std::string& args) {
        return run_shell(bin + " " + args + " > " + shell_quote(out.string()) + " 2> " + shell_quote(err.string()));
    };
    // The point optimiser with a budget of 2 from γ = 0.5 is still improving: it says so.
    REQUIRE(run("calibrate -q " + shell_quote(cal)) == 0);
    INFO(slurp(out) << slurp(dir.path / "fit/history.csv"));
    CHECK(slurp(out).find("warning: not converged: the budget (2 evaluations) ran out while the objective was still "
                          "improving") != std::string::npos);
    CHECK(slurp(dir.path / "fit/best.yaml").find("# warning: not converged: the budget") != std::string::npos);
    REQUIRE(run("calibrate --method abc-smc --overwrite " + shell_quote(cal)) == 0);
    INFO(slurp(out) << slurp(err));
    CHECK(slurp(out).find("calibration " + cal + " (ABC-SMC): 2 generation(s), ") != std::string::npos);
    CHECK(slurp(out).find("posterior: 16 particles, ESS ") != std::string::npos);
    CHECK(slurp(out).find("posterior predictive a (8 draws): 50 % band holds ") != std::string::npos);
    CHECK(slurp(out).find("warning: not converged: only 2 generation(s)") != std::string::npos);
    CHECK(slurp(err).find("generation 1: tolerance ") != std::string::npos);
    for (const char* f : {"posterior.h5", "best.yaml", "predictive.csv", "predictive_a.svg", "calibration.txt"})
        CHECK(std::filesystem::exists(dir.path / "fit" / f));
    CHECK_FALSE(std::filesystem::exists(dir.path / "fit/history.csv"));
    // The optimiser over it again: the posterior's files go.
    REQUIRE(run("calibrate -q --overwrite " + shell_quote(cal)) == 0);
    for (const char* f : {"posterior.h5", "predictive.csv", "predictive_a.svg"})
        CHECK_FALSE(std::filesystem::exists(dir.path / "fit" / f));
    CHECK(run("calibrate --method mcmc " + shell_quote(cal)) != 0);
    CHECK(slurp(err).find("--method: got `mcmc`, expected optimiser or abc-smc") != std::string::npos);

    // Cross-validation of ABC fits: each held-out case against the posterior fitted without it.
    CalibrationSpec spec = load_calibration(cal);
    spec.method = CalibrationMethod::abc_smc;
    const CrossValidation cv = cross_validate(spec, 2, nullptr, "", false, false, false);
    REQUIRE(cv.folds.size() == 2);
    for (const ValidationFold& f : cv.folds) {
        REQUIRE(f.predictive);
        CHECK(f.predictive->name == f.case_name);
        CHECK(f.predictive->draws == 8);
        CHECK(f.predictive->coverage90_all >= f.predictive->coverage50_all);
        CHECK(!f.warnings.empty());
    }
    const std::string md = validation_markdown(spec, cv);
    CHECK(md.find("| 50 % band coverage | 90 % band coverage | CRPS (share of mean count) | fit converged? |") !=
          std::string::npos);
    CHECK(md.find("| **no**: ") != std::string::npos);
    CHECK(md.find("The fit without a warns:\n- not converged: only 2 generation(s)") != std::string::npos);
    const std::string csv = validation_csv(spec, cv);
    CHECK(csv.find(",converged,warnings,coverage50,coverage90,crps,crps_relative,fitted:behaviour.distance_power\n") !=
          std::string::npos);
}
