// Policy levers: one-way border closures in both rulesets, and closure/shock dates that
// fall outside the run clipped (or dropped) with a note instead of an error.
#include <catch2/catch.hpp>

#include "engine_fixtures.hpp"
#include "migflow/scenario/loader.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

// Aland's A and Bland's B, both full of people who move every day.
Scenario two_countries(const std::string& ruleset) {
    auto s = line_scenario({region("A", 20000, RegionType::settlement, 0, "Aland"),
                            region("B", 20000, RegionType::settlement, 0, "Bland")},
                           {40}, 12);
    s.behaviour.lambda_base = 0.05;
    if (ruleset == "flee") {
        s.ruleset = "flee";
        // Flee creates agents only in conflict zones: conflict on both sides, so people
        // are spawned and move both ways every day.
        FleeSettings f;
        f.move.max_move_speed = 200;
        f.spawn.mode = FleeSpawnMode::constant;
        f.spawn.displaced_per_conflict_day = 200;
        s.flee = f;
        set_driver(s, DriverKind::conflict, 0, 1.0);
        set_driver(s, DriverKind::conflict, 1, 1.0);
    }
    return s;
}

Closure border(const std::string& a, const std::string& b, Closure::Direction d, Day start, Day end) {
    Closure c;
    c.kind = Closure::Kind::border;
    c.country_a = a;
    c.country_b = b;
    c.direction = d;
    c.start = start;
    c.end = end;
    return c;
}

// Flows A -> B (route 0 forward) and B -> A summed over days [from, to).
std::pair<std::int64_t, std::int64_t> flows(const MemoryRecorder& rec, Day from, Day to) {
    std::int64_t ab = 0, ba = 0;
    for (Day t = from; t < to; ++t) {
        ab += rec.flow_forward[t][0];
        ba += rec.flow_backward[t][0];
    }
    return {ab, ba};
}

}  // namespace

TEST_CASE("a one-way border closure stops one direction only", "[policy][engine]") {
    for (const std::string ruleset : {"native", "flee"}) {
        INFO(ruleset);
        SECTION("entry: Bland closes entry from Aland: A -> B is 0, B -> A flows " + ruleset) {
            auto s = two_countries(ruleset);
            s.closures.push_back(border("Aland", "Bland", Closure::Direction::entry, 3, 9));
            const auto rec = run_scenario(s);
            const auto [ab, ba] = flows(rec, 3, 9);
            CHECK(ab == 0);
            CHECK(ba > 100);
            CHECK(flows(rec, 0, 3).first > 0);  // open before
            CHECK(flows(rec, 9, 12).first > 0);  // and after
        }
        SECTION("exit: Bland closes exit to Aland: B -> A is 0, A -> B flows " + ruleset) {
            auto s = two_countries(ruleset);
            s.closures.push_back(border("Aland", "Bland", Closure::Direction::exit, 3, 9));
            const auto [ab, ba] = flows(run_scenario(s), 3, 9);
            CHECK(ab > 100);
            CHECK(ba == 0);
        }
        SECTION("entry with the countries the other way round mirrors it " + ruleset) {
            auto s = two_countries(ruleset);
            s.closures.push_back(border("Bland", "Aland", Closure::Direction::entry, 3, 9));
            const auto [ab, ba] = flows(run_scenario(s), 3, 9);
            CHECK(ab > 100);
            CHECK(ba == 0);
        }
        SECTION("both: nothing crosses " + ruleset) {
            auto s = two_countries(ruleset);
            s.closures.push_back(border("Aland", "Bland", Closure::Direction::both, 3, 9));
            const auto [ab, ba] = flows(run_scenario(s), 3, 9);
            CHECK(ab == 0);
            CHECK(ba == 0);
        }
    }
}

TEST_CASE("a one-way closure leaves the links inside each country and the other way open", "[policy][engine]") {
    auto s = line_scenario({region("A1", 100, RegionType::settlement, 0, "Aland"),
                            region("A2", 100, RegionType::settlement, 0, "Aland"),
                            region("B", 100, RegionType::settlement, 0, "Bland")},
                           {10, 10}, 2);
    s.closures.push_back(border("Aland", "Bland", Closure::Direction::entry, 0, never));
    const World w = build_world(s);
    Openness o;
    compute_openness(s, w, 0, o);
    for (std::size_t r = 0; r < w.region_count(); ++r)
        for (auto l = w.link_begin[r]; l < w.link_begin[r + 1]; ++l) {
            const bool into_b = w.regions[r].country == "Aland" && w.regions[w.link_to[l]].country == "Bland";
            INFO(w.regions[r].name << " -> " << w.regions[w.link_to[l]].name);
            CHECK(o.link_open[l] == (into_b ? 0 : 1));
        }
}

namespace {

const std::string policy_base = R"(name: levers
start_date: 2024-03-01
days: 30
regions:
  - {name: A, lat: 1, lon: 1, population: 100, country: Aland}
  - {name: B, lat: 2, lon: 2, population: 100, country: Bland}
routes:
  - {from: A, to: B, km: 30}
)";

}  // namespace

TEST_CASE("the loader reads a border closure's direction", "[policy][loader]") {
    const auto s = load_scenario_text(policy_base + "closures:\n"
                                                    "  - {border: [Aland, Bland], direction: entry, from: 2024-03-05}\n"
                                                    "  - {border: [Aland, Bland], direction: exit, from: 2024-03-05}\n"
                                                    "  - {border: [Aland, Bland], from: 2024-03-05}\n",
                                      "p.yaml", "");
    REQUIRE(s.closures.size() == 3);
    CHECK(s.closures[0].direction == Closure::Direction::entry);
    CHECK(s.closures[1].direction == Closure::Direction::exit);
    CHECK(s.closures[2].direction == Closure::Direction::both);
}

TEST_CASE("events partly outside the run are clipped to it with a note", "[policy][loader]") {
    const auto s = load_scenario_text(
        policy_base + "closures:\n"
                      "  - {border: [Aland, Bland], from: 2024-02-01, to: 2024-03-11}\n"
                      "  - {region: A, from: 2024-03-21, to: 2024-06-01}\n"
                      "  - {region: B, from: 2024-01-01, to: 2024-02-01}\n"
                      "shocks:\n"
                      "  - {driver: conflict, region: A, from: 2024-02-20, to: 2024-04-10, severity: 1}\n"
                      "  - {driver: conflict, region: B, from: 2024-04-01, severity: 1}\n",
        "p.yaml", "");
    // The closure of B and the second shock lie wholly outside: dropped.
    REQUIRE(s.closures.size() == 2);
    CHECK(s.closures[0].start == 0);
    CHECK(s.closures[0].end == 10);
    CHECK(s.closures[1].start == 20);
    CHECK(s.closures[1].end == 30);
    REQUIRE(s.shocks.size() == 1);
    CHECK(s.shocks[0].start == 0);
    CHECK(s.shocks[0].end == 30);
    CHECK(s.notes == std::vector<std::string>{
        "p.yaml:10:36: closures[0].from: note: date 2024-02-01 is before the run starts: clipped to 2024-03-01",
        "p.yaml:11:39: closures[1].to: note: date 2024-06-01 is after the run ends: clipped to 2024-03-31 (the day after the last day)",
        "p.yaml:12:5: closures[2]: note: from 2024-01-01 to 2024-02-01 lies wholly outside the run (the run is 2024-03-01 to 2024-03-30): ignored",
        "p.yaml:14:41: shocks[0].from: note: date 2024-02-20 is before the run starts: clipped to 2024-03-01",
        "p.yaml:14:57: shocks[0].to: note: date 2024-04-10 is after the run ends: clipped to 2024-03-31 (the day after the last day)",
        "p.yaml:15:5: shocks[1]: note: from 2024-04-01 lies wholly outside the run (the run is 2024-03-01 to 2024-03-30): ignored",
    });
}

TEST_CASE("shortening a run with --set days turns events outside it into notes", "[policy][loader]") {
    const std::string text = policy_base + "closures:\n  - {region: A, from: 2024-03-21}\n";
    const auto s = load_scenario_text(text, "p.yaml", "", {{"days", "10"}});
    CHECK(s.days == 10);
    CHECK(s.closures.empty());
    REQUIRE(s.notes.size() == 1);
    CHECK(s.notes[0] == "p.yaml:10:5: closures[0]: note: from 2024-03-21 lies wholly outside the run "
                        "(the run is 2024-03-01 to 2024-03-10): ignored");
}

TEST_CASE("malformed event dates stay errors even outside the run", "[policy][loader]") {
    const std::string text = policy_base + "shocks:\n  - {driver: conflict, region: A, from: 2023-02-29, severity: 1}\n";
    try {
        load_scenario_text(text, "p.yaml", "");
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "p.yaml:10:41: shocks[0].from: got `2023-02-29`, which is not a calendar date");
    }
    const std::string reversed = policy_base + "closures:\n  - {region: A, from: 2025-01-10, to: 2025-01-05}\n";
    try {
        load_scenario_text(reversed, "p.yaml", "");
        FAIL("expected InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "p.yaml:10:39: closures[0].to: must be after `from`");
    }
}
