// The distributed run (docs/DESIGN.md §5) without MPI: P "ranks" are P threads of this
// process, each running its own Simulation, joined by a Team whose collectives meet at
// a barrier. Every rank must record exactly what a lone process records, for both
// rulesets with contested camps; the real MPI runs are tests/mpi/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <barrier>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "migflow/engine/simulation.hpp"
#include "migflow/engine/team.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/scenario/loader.hpp"

using namespace migflow;

namespace {

// What the P threads share: one slot per rank for the buffers being combined.
struct Meeting {
    explicit Meeting(int P) : barrier(P), buffers(static_cast<std::size_t>(P)), flags(static_cast<std::size_t>(P)) {}
    std::barrier<> barrier;
    std::vector<std::vector<std::int64_t>> buffers;
    std::vector<int> flags;
};

class ThreadTeam final : public Team {
public:
    ThreadTeam(Meeting& m, int rank, int size) : m_(m), rank_(rank), size_(size) {}
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    void sum(std::span<std::int64_t> v) override { combine(v, size_); }
    void sum_below(std::span<std::int64_t> v) override { combine(v, rank_); }
    int first_failed(bool failed) override {
        m_.flags[std::size_t(rank_)] = failed ? 1 : 0;
        m_.barrier.arrive_and_wait();
        int first = -1;
        for (int p = size_ - 1; p >= 0; --p)
            if (m_.flags[std::size_t(p)]) first = p;
        m_.barrier.arrive_and_wait();
        return first;
    }
    void abort_all(int) override { FAIL("abort_all called"); }

private:
    // v = the sum of the first `upto` ranks' buffers.
    void combine(std::span<std::int64_t> v, int upto) {
        m_.buffers[std::size_t(rank_)].assign(v.begin(), v.end());
        m_.barrier.arrive_and_wait();
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::int64_t t = 0;
            for (int p = 0; p < upto; ++p) t += m_.buffers[std::size_t(p)][i];
            v[i] = t;
        }
        m_.barrier.arrive_and_wait();
    }
    Meeting& m_;
    int rank_, size_;
};

void check_same(const MemoryRecorder& a, const MemoryRecorder& b) {
    CHECK(a.agents_at == b.agents_at);
    CHECK(a.population == b.population);
    CHECK(a.arrivals == b.arrivals);
    CHECK(a.departures == b.departures);
    CHECK(a.spawned == b.spawned);
    CHECK(a.turned_away_full == b.turned_away_full);
    CHECK(a.blocked_by_closure == b.blocked_by_closure);
    CHECK(a.refused_full == b.refused_full);
    CHECK(a.flow_forward == b.flow_forward);
    CHECK(a.flow_backward == b.flow_backward);
    CHECK(a.in_transit == b.in_transit);
    CHECK(a.total_agents == b.total_agents);
    // Where agents ended, by origin: counted per process, then summed across them.
    CHECK(a.origins.origin == b.origins.origin);
    CHECK(a.origins.destination == b.origins.destination);
    CHECK(a.origins.standing == b.origins.standing);
    CHECK(a.origins.travelling == b.origins.travelling);
}

// Agent snapshots: rank 0 records every agent's columns in global id order, as one
// process does; the other ranks record none.
void check_same_snapshots(const MemoryRecorder& alone, const MemoryRecorder& rank, int p) {
    if (p != 0) {
        CHECK(rank.snapshots.empty());
        return;
    }
    REQUIRE(rank.snapshots.size() == alone.snapshots.size());
    for (std::size_t k = 0; k < alone.snapshots.size(); ++k) {
        INFO("snapshot of day " << alone.snapshots[k].day);
        CHECK(rank.snapshots[k].day == alone.snapshots[k].day);
        CHECK(rank.snapshots[k].region == alone.snapshots[k].region);
        CHECK(rank.snapshots[k].km_left == alone.snapshots[k].km_left);
    }
}

}  // namespace

TEST_CASE("P ranks (threads here) record what one process records", "[engine][ranks]") {
    const std::string file = GENERATE(as<std::string>{}, "contested_native.yaml", "contested_flee.yaml");
    Scenario s = load_scenario(std::string(MIGFLOW_SOURCE_DIR) + "/tests/mpi/" + file);
    s.output.snapshot_every = 7;
    MemoryRecorder alone;
    alone.keep_snapshots = true;
    Simulation(s, RunOptions{s.seed, 1}).run(alone);
    REQUIRE(alone.finished);
    REQUIRE(alone.snapshots.size() >= 3);
    // Some agents are on the road in a snapshot, so km_left is compared too.
    bool travelling = false;
    for (const auto& snap : alone.snapshots)
        for (float km : snap.km_left) travelling = travelling || km > 0.0f;
    CHECK(travelling);
    // The camps are contested: some day a camp is full (the scenario's premise).
    bool full = false;
    for (const auto& day : alone.population)
        for (std::size_t r = 0; r < s.regions.size(); ++r)
            if (s.regions[r].capacity > 0 && day[r] >= s.regions[r].capacity) full = true;
    CHECK(full);

    for (int P : {2, 3, 4}) {
        INFO(file << " on " << P << " ranks");
        Meeting meeting(P);
        std::vector<MemoryRecorder> recorded(static_cast<std::size_t>(P));
        for (auto& r : recorded) r.keep_snapshots = true;
        std::vector<std::size_t> held(static_cast<std::size_t>(P));
        std::vector<std::thread> ranks;
        for (int p = 0; p < P; ++p)
            ranks.emplace_back([&, p] {
                ThreadTeam team(meeting, p, P);
                Simulation sim(s, RunOptions{s.seed, 1, &team});
                sim.run(recorded[std::size_t(p)]);
                held[std::size_t(p)] = sim.agents().size();
            });
        for (auto& t : ranks) t.join();
        for (const auto& r : recorded) check_same(alone, r);
        for (int p = 0; p < P; ++p) check_same_snapshots(alone, recorded[std::size_t(p)], p);
        const auto [lo, hi] = std::minmax_element(held.begin(), held.end());
        CHECK(*hi - *lo <= 1);  // load balance: no rank holds all agents
        CHECK(*lo > 0);
    }
}
