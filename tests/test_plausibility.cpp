// Nothing accepted silently (docs/SCENARIO.md "Warnings"): input that would make a
// closure leak or a sweep do nothing is an error; input that loads but is probably not
// what was meant is a warning naming the file, line and key.
#include <catch2/catch.hpp>
#include <regex>

#include "migflow/core/errors.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;

namespace {

// tiny.yaml with `from` replaced by `to` (the text must be there).
std::string tiny_with(const std::string& from, const std::string& to) {
    std::string text = test::slurp(test::scenarios_dir + "/tiny.yaml");
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

std::string all_notes(const Scenario& s) {
    std::string out;
    for (const auto& n : s.notes) out += n + "\n";
    return out;
}

std::string load_error_of(const std::string& text, const Overrides& overrides = {}) {
    try {
        load_scenario_text(text, "t.yaml", test::scenarios_dir, overrides);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("tiny.yaml loads without a warning", "[loader][plausibility]") {
    const Scenario s = load_scenario(test::scenarios_dir + "/tiny.yaml");
    CHECK(all_notes(s).find("warning") == std::string::npos);
}

TEST_CASE("a border closure with regions that have no country is an error: it would leak", "[loader][plausibility]") {
    const std::string text = tiny_with("lon: 3.0, population: 10000, country: Bland}", "lon: 3.0, population: 10000}");
    CHECK(load_error_of(text) == "t.yaml:24:14: closures[0].border: 1 region(s) have no country (Gamma): people could "
                            "cross the closed border through them; give every region its `country:`");
    // Without a border closure, a region may have no country.
    std::string open = text;
    open.erase(open.find("  - {border: [Aland, Bland]"), std::string("  - {border: [Aland, Bland], from: 2024-01-20, to: 2024-01-25}\n").size());
    CHECK(load_error_of(open) == "");
}

TEST_CASE("a camp above its capacity, a camp without one, a repeated route and drivers dated outside the run are warnings",
          "[loader][plausibility]") {
    SECTION("camp above capacity") {
        const Scenario s = load_scenario_text(tiny_with("population: 0, capacity: 3000", "population: 4000, capacity: 3000"),
                                              "t.yaml", test::scenarios_dir);
        CHECK(all_notes(s) == "t.yaml:14:5: regions[4]: warning: camp `Camp` starts with 4000 people, above its capacity "
                              "3000: it is full from day 0 and admits no one until it is below capacity\n");
    }
    SECTION("camp without capacity") {
        const Scenario s = load_scenario_text(tiny_with("population: 0, capacity: 3000", "population: 0"), "t.yaml", test::scenarios_dir);
        CHECK(all_notes(s).find("regions: warning: 1 camp(s) without a capacity (Camp): unlimited, they never fill") !=
              std::string::npos);
    }
    SECTION("two routes between the same regions, either way round") {
        const Scenario s = load_scenario_text(
            tiny_with("  - {from: Gamma, to: Camp, km: 60}", "  - {from: Gamma, to: Camp, km: 60}\n  - {from: Camp, to: Gamma, km: 65}"),
            "t.yaml", test::scenarios_dir);
        CHECK(all_notes(s) == "t.yaml:22:5: routes[5]: warning: 1 pair(s) of regions joined by more than one route: "
                              "Gamma–Camp (routes 4 and 5); every one is used, as a separate road\n");
    }
    SECTION("every driver point of a region in another year") {
        const Scenario s = load_scenario_text(tiny_with("[[2024-01-01, 0.2], [2024-01-05, 0.9], [2024-01-20, 0.4]]",
                                                        "[[2023-01-01, 0.2], [2023-01-05, 0.9], [2023-01-20, 0.4]]"),
                                              "t.yaml", test::scenarios_dir);
        CHECK(all_notes(s).find("drivers.conflict: warning: every point of 1 region(s) (Alpha) lies outside the run "
                                "(2024-01-01 to 2024-01-30): each holds one value for the whole run") != std::string::npos);
    }
}

TEST_CASE("native coefficients on a flee-ruleset scenario are an error, in the file or with --set", "[loader][plausibility]") {
    test::TempDir dir("flee_behaviour");
    const std::string yaml = (dir.path / "b.yaml").string();
    REQUIRE(test::run_migflow_logged("import-flee " + test::scenarios_dir + "/flee/burundi -o " + yaml, dir.path / "log") == 0);
    REQUIRE(test::run_migflow_logged("run " + yaml + " --set behaviour.lambda_base=3 -o " + (dir.path / "x.h5").string(),
                                     dir.path / "log") == 1);
    CHECK(test::slurp(dir.path / "log").rfind("--set: behaviour.lambda_base: the flee ruleset does not use the native "
                                              "model's coefficients; its own are flee.*", 0) == 0);
    CHECK(!std::filesystem::exists(dir.path / "x.h5"));
    // The reverse is refused too: flee.* on a native scenario.
    CHECK(load_error_of(test::slurp(test::scenarios_dir + "/tiny.yaml"), {{"flee.move_rules.camp_weight", "3"}}) != "");
}

TEST_CASE("check on a Flee case does not estimate initial agents from populations", "[loader][plausibility]") {
    test::TempDir dir("check_flee");
    REQUIRE(test::run_shell(std::string(MIGFLOW_BINARY) + " check " + test::scenarios_dir + "/flee/burundi > " +
                            (dir.path / "out").string() + " 2>&1") == 0);
    const std::string out = test::slurp(dir.path / "out");
    INFO(out);
    CHECK(out.find("agents created day by day by Flee's spawn rules") != std::string::npos);
    CHECK(out.find("initial agents") == std::string::npos);  // it said "about 1525425", the run starts with 191
}
