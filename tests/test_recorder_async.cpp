// The background writer: same days in the same order, and a writer's failure stops
// the run instead of vanishing on its thread.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "engine_fixtures.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

// Keeps the days it saw; fails on one of them when asked to.
class ProbeRecorder : public MemoryRecorder {
public:
    explicit ProbeRecorder(Day fail_on = -1) : fail_on_(fail_on) {}
    void record(const DayRecord& day) override {
        if (day.day == fail_on_) throw std::runtime_error("disk full on day " + std::to_string(day.day));
        days.push_back(day.day);
        MemoryRecorder::record(day);
    }
    std::vector<Day> days;

private:
    Day fail_on_;
};

Scenario moving_scenario() {
    auto s = line_scenario({region("A", 30000), region("B", 100), region("C", 0)}, {40, 300}, 25);
    s.behaviour.lambda_base = 0.05;
    return s;
}

}  // namespace

TEST_CASE("the background writer records every day in order, as the direct one does",
          "[recorder][async]") {
    const auto s = moving_scenario();
    RunOptions o;
    o.seed = 4;
    o.threads = 2;  // writes on a background thread
    Simulation sim(s, o);
    ProbeRecorder rec;
    sim.run(rec);
    std::vector<Day> expected(25);
    for (Day t = 0; t < 25; ++t) expected[t] = t;
    CHECK(rec.days == expected);
    CHECK(rec.finished);
    o.threads = 1;  // writes directly
    const auto direct = run_scenario(s, 4, 1);
    CHECK(rec.agents_at == direct.agents_at);
    CHECK(rec.flow_backward == direct.flow_backward);
    CHECK(rec.in_transit == direct.in_transit);
}

TEST_CASE("a failure in the background writer stops the run with its message",
          "[recorder][async]") {
    const auto s = moving_scenario();
    RunOptions o;
    o.threads = 2;
    Simulation sim(s, o);
    ProbeRecorder rec(7);
    CHECK_THROWS_WITH(sim.run(rec), "disk full on day 7");
    CHECK_FALSE(rec.finished);
    CHECK(rec.days.size() == 7);  // nothing recorded after the failed day
}
