// Parameter overrides on a loaded scenario (apply_parameter_overrides): the same values
// and the same messages as the loader's --set, and nothing changed on a problem.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/scenario/overrides.hpp"
#include "test_support.hpp"

using namespace migflow;
using migflow::test::tiny_yaml;

namespace {


std::string message_of(Scenario& s, const Overrides& o) {
    try {
        apply_parameter_overrides(s, o);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("overrides on a loaded scenario equal loading with them", "[loader][overrides]") {
    const Overrides o = {{"behaviour.lambda_conflict", "0.41"},
                         {"agents.people_per_agent", "4"},
                         {"behaviour.awareness", "2"}};
    const Scenario reloaded = load_scenario(test::tiny_yaml, o);
    Scenario changed = load_scenario(test::tiny_yaml);
    apply_parameter_overrides(changed, o);
    CHECK(changed.behaviour.lambda_conflict == reloaded.behaviour.lambda_conflict);
    CHECK(changed.behaviour.lambda_conflict == 0.41);
    CHECK(changed.agents.people_per_agent == 4.0);
    CHECK(changed.behaviour.awareness == 2.0);
    CHECK(parameter_value(changed, "behaviour.lambda_conflict") == 0.41);
    CHECK_FALSE(parameter_value(changed, "behaviour.nothing").has_value());
}

TEST_CASE("bad overrides on a loaded scenario: the loader's messages, scenario unchanged",
          "[loader][overrides]") {
    Scenario s = load_scenario(test::tiny_yaml);
    const double before = s.behaviour.lambda_conflict;
    CHECK(message_of(s, {{"behaviour.lambda_conflict", "-1"},
                         {"behaviour.lambda_confict", "1"},
                         {"agents.people_per_agent", "many"}}) ==
          "--set: behaviour.lambda_confict: unknown key `lambda_confict`; did you mean "
          "`lambda_conflict`?\n"
          "--set: behaviour.lambda_conflict: got -1, expected a number in [0, 50]\n"
          "--set: agents.people_per_agent: got `many`, expected a number in [0.001, 1e+09]");
    CHECK(s.behaviour.lambda_conflict == before);
    // A valid key next to a bad one is not applied either.
    CHECK(message_of(s, {{"behaviour.beta_camp", "2"}, {"behaviour.awareness", "2.5"}}) ==
          "--set: behaviour.awareness: got `2.5`, expected a whole number in [1, 3]");
    CHECK(s.behaviour.beta_camp != 2.0);
    CHECK(message_of(s, {{"regions[0].population", "5"}}) ==
          "--set: regions[0].population: only behaviour.*, agents.* and flee.* can change on a "
          "loaded "
          "scenario; load the scenario again with this override");
    CHECK(message_of(s, {{"flee.move_rules.camp_weight", "2"}}) ==
          "--set: flee.move_rules.camp_weight: the scenario has no `flee:` block (ruleset native)");
}

TEST_CASE("overrides of Flee's settings on an imported case", "[loader][overrides][flee]") {
    const std::string burundi = std::string(MIGFLOW_FLEE_CASES) + "/burundi";
    REQUIRE(std::filesystem::exists(burundi));
    Scenario s = import_flee_case(burundi);
    const FleeSettings before = *s.flee;
    apply_parameter_overrides(
        s, {{"flee.move_rules.camp_weight", "3.5"}, {"flee.move_rules.awareness_level", "2"}});
    CHECK(s.flee->move.camp_weight == 3.5);
    CHECK(s.flee->move.awareness_level == 2);
    // Everything else survives the round trip through YAML exactly.
    CHECK(s.flee->move.conflict_weight == before.move.conflict_weight);
    CHECK(s.flee->move.default_movechance == before.move.default_movechance);
    CHECK(s.flee->idp_camps == before.idp_camps);
    CHECK(s.flee->markers == before.markers);
    CHECK(s.flee->hasten == before.hasten);
    const std::string msg = [&] {
        try {
            apply_parameter_overrides(s, {{"flee.move_rules.camp_wieght", "1"}});
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    }();
    CHECK(msg.starts_with("--set: flee.move_rules.camp_wieght: "));
    CHECK(s.flee->move.camp_weight == 3.5);
}

TEST_CASE("every key a block loader accepts can be set: closures[].direction", "[loader][overrides]") {
    // The loaders and --set read one list of keys (scenario_keys.cpp); they had drifted.
    const Scenario s = load_scenario(tiny_yaml, {{"closures[0].direction", "entry"}});
    const auto entry_only = [](const Scenario& sc) {
        return std::count_if(sc.closures.begin(), sc.closures.end(),
                             [](const Closure& c) { return c.direction == Closure::Direction::entry; });
    };
    CHECK(entry_only(load_scenario(tiny_yaml, {})) == 0);
    CHECK(entry_only(s) == 1);
    try {
        load_scenario(tiny_yaml, {{"closures[0].direction", "inbound"}});
        FAIL("a bad direction must be refused");
    } catch (const InputError& e) {
        CHECK_THAT(e.what(), Catch::Contains("closures[0].direction: got `inbound`, expected entry, exit or both"));
    }
}
