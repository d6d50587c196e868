// `migflow sensitivity` end to end: a small sobol sweep of tiny.yaml, then the table of
// indices of every outcome, recomputed here from the index (seed means per point); and
// a synthetic Morris index read back through analyse_sweep_index.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "migflow/sweep/sensitivity.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;
namespace fs = std::filesystem;

namespace {

std::string cli_number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace

TEST_CASE("migflow sensitivity gives a row per parameter and outcome of a sobol sweep of tiny", "[sensitivity][cli]") {
    TempDir dir("sens_cli");
    const std::string sweep_file = dir.write(
        "s.yaml", "scenario: " + tiny_yaml + "\noutput_dir: out\nseeds: [1, 2]\nset: {output.compression: 0}\n"
                  "samples:\n  method: sobol\n  count: 4\n  seed: 5\n  ranges:\n"
                  "    behaviour.lambda_conflict: {min: 0.01, max: 1, scale: log}\n"
                  "    behaviour.beta_camp: [0, 2]\n");
    REQUIRE(run_migflow_logged("sweep " + shell_quote(sweep_file) + " --threads 1", dir.path / "sweep.log") == 0);
    const fs::path out = dir.path / "out";
    const fs::path table = dir.path / "t.csv";
    REQUIRE(run_migflow_logged("sensitivity " + shell_quote(out.string()) + " -o " + shell_quote(table.string()) +
                                   " --bootstrap 50 --level 0.9",
                               dir.path / "sens.log") == 0);
    const std::string log = slurp(dir.path / "sens.log");
    INFO(log);
    CHECK(log.find("sobol indices of 3 outcome(s) x 2 parameter(s)") != std::string::npos);
    CHECK(log.find("outcomes averaged over up to 2 seed(s) per point") != std::string::npos);
    CHECK(log.find("migflow: note: final_agents: the same value in every run: no indices") != std::string::npos);
    CHECK(log.find("migflow: note: 4 base rows: Sobol estimates usually need several hundred") != std::string::npos);

    // The indices recomputed from index.csv: the mean of the two seeds of each point.
    const auto index = csv_rows(out / "index.csv");
    REQUIRE(index.size() == 1 + 4 * 4 * 2);
    const auto& head = index[0];
    auto col = [&](const std::string& name) { return std::size_t(std::find(head.begin(), head.end(), name) - head.begin()); };
    const auto rows = csv_rows(table);
    REQUIRE(rows[0] == std::vector<std::string>{"outcome", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low",
                                                 "ST_high", "base_rows"});
    REQUIRE(rows.size() == 1 + 2 * 2);  // camp_arrivals and peak_camp_population x 2 parameters
    for (const std::string outcome : {"camp_arrivals", "peak_camp_population"}) {
        SaltelliOutputs y;
        y.ab.resize(2);
        std::map<int, double> mean;
        for (std::size_t r = 1; r < index.size(); ++r)
            mean[std::stoi(index[r][col("point")])] += std::stod(index[r][col(outcome)]) / 2.0;
        for (std::size_t r = 1; r < index.size(); r += 2) {
            const double v = mean[std::stoi(index[r][col("point")])];
            const std::string role = index[r][col("design")];
            if (role == "A") y.a.push_back(v);
            else if (role == "B") y.b.push_back(v);
            else y.ab[std::size_t(role[2] - '1')].push_back(v);
        }
        const auto idx = sobol_indices(y, {50, 0.9, 1});
        for (std::size_t i = 0; i < 2; ++i) {
            const auto& row = *std::find_if(rows.begin(), rows.end(), [&](const auto& r) {
                return r[0] == outcome && r[1] == head[3 + i];
            });
            CHECK(row[2] == cli_number(idx[i].s1));
            CHECK(row[5] == cli_number(idx[i].st));
            CHECK(row[6] == cli_number(idx[i].st_ci.low));
            CHECK(row[8] == "4");
        }
    }
}

TEST_CASE("migflow sensitivity refuses an index without a design", "[sensitivity][cli]") {
    TempDir dir("sens_bad");
    const std::string index = dir.write("index.csv", "run,point,seed,behaviour.x,file,status\n0,0,1,0.5,run_000.h5,done\n");
    CHECK(run_migflow_logged("sensitivity " + shell_quote(index), dir.path / "log") == 1);
    CHECK(slurp(dir.path / "log") ==
          "migflow: error: " + index + ": no `design` column: not a sweep index\n");
}

TEST_CASE("a Morris index is read back into exact elementary effects and missing runs are left out", "[sensitivity]") {
    // f = 4 x1 - x2 on [0, 2] x [0, 1]: mu* = 8 and 1. Trajectory 1's last run failed:
    // its effect is left out, and said so.
    TempDir dir("sens_morris");
    std::string text = "run,point,seed,a,b,design,design_group,design_step,file,status,wall_s,f,build\n";
    const double x[2][3][2] = {{{0, 0}, {4.0 / 3, 0}, {4.0 / 3, 2.0 / 3}}, {{2, 1}, {2, 1.0 / 3}, {2.0 / 3, 1.0 / 3}}};
    const char* role[2][3] = {{"start", "step1", "step2"}, {"start", "step2", "step1"}};
    const double step[2][3] = {{0, 2.0 / 3, 2.0 / 3}, {0, -2.0 / 3, -2.0 / 3}};
    int run = 0;
    for (int t = 0; t < 2; ++t)
        for (int s = 0; s < 3; ++s, ++run) {
            const bool failed = t == 1 && s == 2;
            text += std::to_string(run) + "," + std::to_string(run) + ",1," + cli_number(x[t][s][0]) + "," +
                    cli_number(x[t][s][1]) + "," + role[t][s] + "," + std::to_string(t) + "," +
                    (s ? cli_number(step[t][s]) : "") + ",run.h5," + (failed ? "failed,," : "done,0.1,") +
                    (failed ? "" : cli_number(4 * x[t][s][0] - x[t][s][1])) + ",b\n";
        }
    const SensitivityTable t = analyse_sweep_index(dir.write("index.csv", text), {20, 0.95, 1});
    CHECK(t.method == "morris");
    CHECK(t.parameters == std::vector<std::string>{"a", "b"});
    REQUIRE(t.rows.size() == 2u);
    CHECK(t.rows[0].morris.mu_star == Approx(8.0));
    CHECK(t.rows[0].morris.effects == 1);
    CHECK(t.rows[1].morris.mu == Approx(-1.0));
    CHECK(t.rows[1].morris.effects == 2);
    CHECK(std::find(t.notes.begin(), t.notes.end(),
                    "f: 1 elementary effects left out (a run not done, or no value)") != t.notes.end());
    CHECK(std::find(t.notes.begin(), t.notes.end(), "1 of 6 design points have no finished run") != t.notes.end());
}

TEST_CASE("a damaged design column is refused with the line of the index", "[sensitivity]") {
    TempDir dir("sens_damaged");
    const std::string index = dir.write(
        "index.csv", "run,point,seed,a,b,design,design_group,file,status,f\n0,0,1,0.5,0.5,A,0,r0.h5,done,1\n"
                     "1,1,1,0.5,0.5,AB3,0,r1.h5,done,2\n");
    CHECK_THROWS_WITH(analyse_sweep_index(index, {}), index + ":3: design `AB3` is not A, B or AB1..AB2");
    const std::string bad_point = dir.write("p.csv", "run,point,seed,a,design,design_group,file,status,f\n0,x,1,0.5,A,0,r0.h5,done,1\n");
    CHECK_THROWS_WITH(analyse_sweep_index(bad_point, {}),
                      bad_point + ":2: point and design_group must be whole numbers >= 0, got `x` and `0`");
}
