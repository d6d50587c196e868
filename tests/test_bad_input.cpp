// Malformed scenarios: the loader throws one InputError listing located problems, and
// `migflow check` prints them on stderr and exits non-zero. Messages asserted verbatim.
#include <algorithm>
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
namespace fs = std::filesystem;

using migflow::test::TempDir;
using migflow::test::slurp;
using migflow::test::shell_quote;
using migflow::test::run_shell;

namespace {

// Line numbers in the expectations below refer to this text.
const std::string base = R"(name: bad
start_date: 2024-01-01
days: 10
regions:
  - {name: Alpha, lat: 1, lon: 1, population: 100, country: A}
  - {name: Beta, type: camp, lat: 2, lon: 2, population: 0, capacity: 50, country: B}
routes:
  - {from: Alpha, to: Beta, km: 30}
)";

std::string replace(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

struct BadCase {
    std::string what;
    std::string yaml;
    Overrides overrides;
    std::vector<std::string> expected;  // each must appear in what(); "@" stands for the file
    std::string csv_name = {};           // an extra file written beside the scenario
    std::string csv_text = {};
};

std::vector<BadCase> bad_cases() {
    return {
        {"missing required key", replace(base, "name: bad\n", ""), {}, {"@:1:1: name: missing required key"}},
        {"unknown key with did-you-mean", base + "behaviuor:\n  lambda_conflict: 0.1\n", {},
         {"@:9:1: behaviuor: unknown key; did you mean `behaviour`?"}},
        {"unknown parameter", base + "behaviour:\n  lambda_confict: 0.1\n", {},
         {"@:10:3: behaviour.lambda_confict: unknown key; did you mean `lambda_conflict`?"}},
        {"wrong type", replace(base, "days: 10", "days: ten"), {},
         {"@:3:7: days: got `ten`, expected a whole number in [1, 1000000]"}},
        {"a map where a number goes", base + "agents:\n  people_per_agent: {a: 1}\n", {},
         {"@:10:21: agents.people_per_agent: got a map, expected a number in [0.001, 1e+09]"}},
        {"parameter out of range", base + "behaviour:\n  lambda_conflict: -1\n", {},
         {"@:10:20: behaviour.lambda_conflict: got -1, expected a number in [0, 50]"}},
        {"unknown region in a route", replace(base, "to: Beta, km", "to: Betta, km"), {},
         {"@:8:23: routes[0].to: unknown region `Betta`; did you mean `Beta`?"}},
        {"route to itself", replace(base, "to: Beta, km", "to: Alpha, km"), {},
         {"@:8:23: routes[0].to: a route must join two different regions"}},
        {"negative population", replace(base, "population: 100", "population: -5"), {},
         {"@:5:47: regions[0].population: got -5, expected a number in [0, 1e+11]"}},
        {"closure date that is no calendar date", base + "closures:\n  - {region: Alpha, from: 2024-02-30}\n", {},
         {"@:10:27: closures[0].from: got `2024-02-30`, which is not a calendar date"}},
        {"closure direction on a region", base + "closures:\n  - {region: Alpha, direction: entry, from: 2024-01-02}\n", {},
         {"@:10:32: closures[0].direction: applies to border closures only"}},
        {"unknown closure direction", base + "closures:\n  - {border: [A, B], direction: in, from: 2024-01-02}\n", {},
         {"@:10:33: closures[0].direction: got `in`, expected entry, exit or both"}},
        {"shock end before start", base + "shocks:\n  - {driver: conflict, region: Alpha, from: 2024-01-05, to: 2024-01-03, severity: 1}\n", {},
         {"shocks[0].to: must be after `from`"}},
        {"economy shock removing more than everything", base + "shocks:\n  - {driver: economy, region: Alpha, from: 2024-01-02, severity: 1.5}\n", {},
         {"@:10:66: shocks[0].severity: got 1.5, expected a number <= 1 (the share removed)"}},
        {"unreadable CSV", replace(base, "routes:\n  - {from: Alpha, to: Beta, km: 30}\n", "routes: nothere.csv\n"), {},
         {"@:7:9: routes: cannot read CSV file `", "nothere.csv`"}},
        {"bad cell in a routes CSV", replace(base, "routes:\n  - {from: Alpha, to: Beta, km: 30}\n", "routes: r.csv\n"), {},
         {"r.csv:3: km: got `x`, expected a number in (0, 50000]", "r.csv:4: to: unknown region `Gama`"}, "r.csv",
         "from,to,km\nAlpha,Beta,3\nBeta,Alpha,x\nAlpha,Gama,4\n"},
        {"duplicate region names", replace(base, "name: Beta", "name: Alpha"), {},
         {"@:6:12: regions[1].name: duplicate region name `Alpha` (first at regions[0])"}},
        {"duplicate YAML key", replace(base, "days: 10\n", "days: 10\ndays: 20\n"), {},
         {"@:4:1: days: duplicate key (first given on line 3); the first value would be used"}},
        {"bad --set path", base, {{"behaviour.lambda_confict", "0.2"}},
         {"--set: behaviour.lambda_confict: unknown key `lambda_confict`; did you mean `lambda_conflict`?"}},
        {"a problem inside a list given with --set", base, {{"drivers.conflict.values.Alpha", "[[2024-01-01, 1.5]]"}},
         {"--set: drivers.conflict.values.Alpha[0]: got 1.5, expected a number in [0, 1]"}},
        {"--set value out of range", base, {{"agents.mobile_fraction", "2"}},
         {"--set: agents.mobile_fraction: got 2, expected a number in [0, 1]"}},
        {"YAML syntax error", replace(base, "population: 0,", "population: [0,"), {}, {"@:6:", "YAML syntax error"}},
        {"several problems at once", replace(replace(base, "days: 10", "days: ten"), "population: 100", "population: -5"), {},
         {"@:3:7: days:", "@:5:47: regions[0].population:"}},
        {"flee ruleset without settings", base + "ruleset: flee\n", {}, {"@:9:10: flee: ruleset flee needs a `flee:` block"}},
        {"duplicate driver date", base + "drivers:\n  conflict:\n    values:\n      Alpha: [[2024-01-01, 0.2], [2024-01-01, 0.3]]\n", {},
         {"@:12:34: drivers.conflict.values.Alpha: date 2024-01-01 given twice for region `Alpha`"}},
        {"driver out of range", base + "drivers:\n  conflict:\n    values:\n      Alpha: [[2024-01-01, 1.5]]\n", {},
         {"@:12:28: drivers.conflict.values.Alpha[0]: got 1.5, expected a number in [0, 1]"}},
        {"wide driver row longer than its header", base + "drivers:\n  climate: {file: w.csv}\n", {},
         {"w.csv:3: date: row has 4 cells, the header names 3 columns"}, "w.csv",
         "date,Alpha,Beta\n2024-01-01,0.1,0.2\n2024-01-02,0.1,0.2,0.9\n"},
        {"a column given twice in a CSV header", replace(base, "routes:\n  - {from: Alpha, to: Beta, km: 30}\n", "routes: r2.csv\n"), {},
         {"r2.csv:1: km: column given twice (columns 3 and 4)"}, "r2.csv", "from,to,km,km\nAlpha,Beta,3,4\n"},
        {"a routes row longer than its header", replace(base, "routes:\n  - {from: Alpha, to: Beta, km: 30}\n", "routes: r3.csv\n"), {},
         {"r3.csv:2: row: row has 4 cells, the header names 3 columns"}, "r3.csv", "from,to,km\nAlpha,Beta,3,99\n"},
        {"a blank column name inside a wide driver header", base + "drivers:\n  conflict: {file: w2.csv}\n", {},
         {"w2.csv:1: column 2: blank column name"}, "w2.csv", "date,,Alpha\n2024-01-01,0.4,0.5\n"},
        {"a region with two columns in a wide driver file", base + "drivers:\n  conflict: {file: w3.csv}\n", {},
         {"w3.csv:1: Alpha: region `Alpha` has two columns (2 and 3)"}, "w3.csv", "date,Alpha,Alpha\n2024-01-01,0.5,\n"},
        {"an observed file without counts", base + "observed: {file: o.csv}\n", {},
         {"@:9:18: observed.file: the file lists no counts"}, "o.csv", "date,region,count\n"},
        {"group listed twice", base + "groups:\n  - {name: a, share: 0.5}\n  - {name: a, share: 0.5}\n", {},
         {"@:11:12: groups[1].name: group `a` is listed twice"}},
        {"empty output file", base + "output: {file: ''}\n", {},
         {"@:9:16: output.file: must not be empty (leave the key out for <name>.h5)"}},
        {"name with a slash", replace(base, "name: bad", "name: a/b"), {},
         {"@:1:7: name: must not contain `/`"}},
        {"group shares", base + "groups:\n  - {name: a, share: 0.5}\n  - {name: b, share: 0.4}\n", {},
         {"@:10:3: groups: shares sum to 0.900000, expected 1"}},
        {"flee block without the flee ruleset", base + "flee:\n  move_rules: {max_move_speed: 200}\n", {},
         {"@:10:3: flee: a `flee:` block is only used with `ruleset: flee`"}},
        {"unknown key inside the flee block", base + "ruleset: flee\nflee:\n  move_rules: {bogus: 1}\n", {},
         {"@:11:16: flee.move_rules.bogus:"}},
        {"unknown border country", base + "closures:\n  - {border: [A, Q], from: 2024-01-02}\n", {},
         {"@:10:18: closures[0].border[1]: no region has country `Q`"}},
    };
}

// Writes case i (and its CSV, if any) into dir; returns the scenario's path.
fs::path write_case(const TempDir& dir, const BadCase& c, std::size_t i) {
    const fs::path yaml = dir.path / ("case" + std::to_string(i) + ".yaml");
    std::ofstream(yaml) << c.yaml;
    if (!c.csv_name.empty()) std::ofstream(dir.path / c.csv_name) << c.csv_text;
    return yaml;
}

// `migflow <verb> <case> [--set ...]` as a shell command line.
std::string command_for(const std::string& verb, const fs::path& yaml, const BadCase& c) {
    std::string cmd = shell_quote(MIGFLOW_BINARY) + " " + verb + " " + shell_quote(yaml.string());
    for (const auto& [k, v] : c.overrides) cmd += " --set " + shell_quote(k + "=" + v);
    return cmd;
}

// What the binary did: exit status (-1 if it did not exit) and its two streams.
struct BinaryOutcome {
    int status;
    std::string out, err;
};

BinaryOutcome run_binary(const TempDir& dir, const std::string& cmd) {
    const fs::path out = dir.path / "stdout.txt", err = dir.path / "stderr.txt";
    const int status = run_shell(cmd + " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string()));
    return {status, slurp(out), slurp(err)};
}

// Every expected fragment appears in `text` ("@" standing for the case's path).
void check_expected(const BadCase& c, const fs::path& yaml, const std::string& text) {
    for (std::string want : c.expected) {
        if (want.front() == '@') want.replace(0, 1, yaml.string());
        CHECK(text.find(want) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("bad input: loader reports located problems", "[bad_input]") {
    TempDir dir;
    const auto cases = bad_cases();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const BadCase& c = cases[i];
        INFO(c.what);
        const fs::path yaml = write_case(dir, c, i);
        std::string message;
        try {
            load_scenario(yaml.string(), c.overrides);
        } catch (const InputError& e) {
            message = e.what();
            CHECK_FALSE(e.problems().empty());
        }
        INFO(message);
        REQUIRE_FALSE(message.empty());
        check_expected(c, yaml, message);
    }
}

TEST_CASE("bad input: `migflow check` exits non-zero with the problems on stderr", "[bad_input][cli]") {
    TempDir dir;
    const auto cases = bad_cases();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const BadCase& c = cases[i];
        INFO(c.what);
        const fs::path yaml = write_case(dir, c, i);
        const BinaryOutcome r = run_binary(dir, command_for("check", yaml, c));
        INFO(r.err);
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        check_expected(c, yaml, r.err);
    }
}

TEST_CASE("bad input: `migflow run` refuses and leaves no output file", "[bad_input][cli]") {
    TempDir dir;
    const auto cases = bad_cases();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const BadCase& c = cases[i];
        INFO(c.what);
        const fs::path yaml = write_case(dir, c, i);
        const fs::path h5 = dir.path / "out.h5";
        const BinaryOutcome r = run_binary(dir, command_for("run", yaml, c) + " -o " + shell_quote(h5.string()) + " --quiet");
        INFO(r.err);
        CHECK(r.status == 1);
        check_expected(c, yaml, r.err);
        CHECK_FALSE(fs::exists(h5));
        CHECK_FALSE(fs::exists(dir.path / "out.h5.partial"));
    }
}

TEST_CASE("bad input: `migflow check` accepts tiny.yaml and summarises it", "[bad_input][cli]") {
    TempDir dir;
    const std::string cmd = shell_quote(MIGFLOW_BINARY) + " check " +
                            shell_quote(std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/tiny.yaml") + " >" +
                            shell_quote((dir.path / "out.txt").string()) + " 2>&1";
    const int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const std::string out = slurp(dir.path / "out.txt");
    // Then the memory estimate, whose per-thread part depends on the machine's cores.
    CHECK(out.starts_with("tiny: 2024-01-01 to 2024-01-30 (30 days), seed 7, ruleset native; 5 regions (3 settlement, "
                          "1 camp, 1 transit), 5 routes, 2 closures, 1 shock; people_per_agent 10, about 4050 initial "
                          "agents.\nestimate: about 4273 agents, "));
    CHECK(std::count(out.begin(), out.end(), '\n') == 2);
}

TEST_CASE("bad input: every problem at once, in reading order, verbatim", "[bad_input]") {
    const std::string text = R"(name: x
start_date: 2024-02-30
days: 0
ruleset: natve
regions:
  - {name: A, lat: 1, lon: 1}
bogus: 1
drivers:
  conflict:
    interpolation: cubic
    values:
      Q: 0.5
output: {compression: 11, file: [a]}
)";
    try {
        load_scenario_text(text, "m.yaml", "", {{"behaviour.speed_km_per_day", "0"}});
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) ==
              "--set: behaviour.speed_km_per_day: got 0, expected a number in [1, 5000]\n"
              "m.yaml:2:13: start_date: got `2024-02-30`, which is not a calendar date\n"
              "m.yaml:3:7: days: got `0`, expected a whole number in [1, 1000000]\n"
              "m.yaml:4:10: ruleset: got `natve`, expected native or flee\n"
              "m.yaml:7:1: bogus: unknown key\n"
              "m.yaml:10:20: drivers.conflict.interpolation: got `cubic`, expected step or linear\n"
              "m.yaml:12:7: drivers.conflict.values.Q: unknown region `Q`\n"
              "m.yaml:13:23: output.compression: got `11`, expected a whole number in [0, 9]\n"
              "m.yaml:13:33: output.file: got a list, expected a string");
        CHECK(e.problems().size() == 9);
    }
}
