// The flee ruleset's new agents (kernel.hpp): the day-0 insert, Flee's data-driven and
// conflict-driven spawning and DFlee's flood-driven spawning (docs/FLEE-SPEC.md step 2,
// docs/FLEE.md), created in one batch of global ids per day, each agent's
// flood-awareness group drawn by its global id.
#include "rules/flee/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "migflow/core/errors.hpp"
#include "migflow/engine/batch_fill.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow::detail {

namespace {

// Poisson by inversion, in chunks of mean <= 500 so that exp(-mean) stays finite.
std::int64_t poisson(double mean, std::uint64_t key, std::size_t region) {
    std::int64_t n = 0;
    std::uint64_t draw = static_cast<std::uint64_t>(region) << 32;
    while (mean > 0.0) {
        const double m = std::min(mean, 500.0);
        mean -= m;
        double p = std::exp(-m), cdf = p;
        const double u = uniform01(random_bits(key, draw++));
        std::int64_t k = 0;
        while (u > cdf && k < 100000) {
            ++k;
            p *= m / static_cast<double>(k);
            cdf += p;
        }
        n += k;
    }
    return n;
}

}  // namespace

void FleeRuleset::populate(const DayState& s, AgentStore& agents, DayTally& tally, std::vector<double>& residents) {
    update_conflict(s);
    residents.assign(w_.region_count(), 0.0);
    for (std::size_t i = 0; i < residents.size(); ++i)
        if (!st_.camp[i]) residents[i] = pop_[i];
    if (!f_.spawn.insert_day0) return;
    for (std::size_t k = 0; k < s_.observed.region.size(); ++k) {
        if (s_.observed.count[k].empty()) continue;
        const auto n = static_cast<std::int64_t>(std::trunc(s_.observed.count[k][0]));
        add_agents(tally, s_.observed.region[k], n, -1);
    }
    create_agents(agents);
}

void FleeRuleset::spawn(const DayState& s, AgentStore& agents, DayTally& tally, std::vector<double>& residents) {
    update_conflict(s);
    if (f_.spawn.flood_driven) spawn_from_flood(s, tally, residents);
    else if (f_.spawn.mode == FleeSpawnMode::data_driven) spawn_from_data(s, agents, tally, residents);
    else spawn_from_conflict(s, tally, residents);
    create_agents(agents);
}

std::size_t FleeRuleset::expected_agents() const {
    return static_cast<std::size_t>(std::min(agents_expected(1e8), 1e18));
}

double FleeRuleset::agents_estimate() const { return agents_expected(std::numeric_limits<double>::infinity()); }

double FleeRuleset::agents_expected(double cap) const {
    double n = 0;
    for (std::size_t k = 0; k < s_.observed.count.size(); ++k)
        if (!s_.observed.count[k].empty()) n += std::floor(std::max(0.0, s_.observed.count[k][0]));
    if (f_.spawn.flood_driven) {
        // take_from_population bounds pop_ratio by the populations; counts by day.
        double most = 0.0;
        for (double d : f_.spawn.displaced_per_flood_day) most = std::max(most, d);
        double bound = 0.0;
        for (double p : pop_) bound += p;
        if (f_.spawn.flood_mode != FleeFloodSpawnMode::pop_ratio)
            bound = std::min(bound, most * static_cast<double>(s_.days) * static_cast<double>(pop_.size()));
        return n + std::floor(std::min(bound, cap));
    }
    if (f_.spawn.mode == FleeSpawnMode::data_driven) {
        for (std::size_t t = 1; t < total_obs_.size(); ++t)
            n += std::floor(std::max(0.0, total_obs_[t] - total_obs_[t - 1]));
        return n;
    }
    // Conflict-driven: the expected count from the conflict driver, day by day
    // (populations as at the start, so an upper bound with take_from_population).
    // A hint for one reservation only; the store still grows past it if needed.
    DriverValues dv;
    double expected = 0.0;
    for (Day t = 0; t < s_.days; ++t) {
        evaluate_drivers(s_, t, dv);
        for (std::size_t i = 0; i < pop_.size(); ++i) {
            const double c = dv.conflict[static_cast<Eigen::Index>(i)];
            if (!(c > 0.0)) continue;
            const double rate = f_.spawn.displaced_per_conflict_day;
            expected += f_.spawn.mode == FleeSpawnMode::pop_ratio ? rate * pop_[i] * c
                        : f_.spawn.mode == FleeSpawnMode::poisson ? rate * c + 5.0 * std::sqrt(rate * c) + 1.0
                                                                  : rate * c;
        }
    }
    return n + std::floor(std::min(expected, cap));
}

// n new agents in region r, created by create_agents() in the order of these calls;
// `day` keys the draw of their flood-awareness group (-1: before day 0).
void FleeRuleset::add_agents(DayTally& tally, RegionIndex r, std::int64_t n, Day day) {
    if (n <= 0) return;
    tally.spawned[r] += n;
    new_agents_.push_back({r, n, day});
}

// The agents of the add_agents() calls since the last batch: one batch of global
// ids, of which this process fills its slice (AgentStore::add_batch).
void FleeRuleset::create_agents(AgentStore& agents) {
    std::uint64_t total = 0;
    for (const auto& in_region : new_agents_) total += std::uint64_t(in_region.count);
    std::uint64_t g = agents.global_count;
    const auto mine = total > 0 ? agents.add_batch(total) : AgentStore::IdRange{0, 0, 0};
    std::vector<std::uint64_t> run_end(new_agents_.size());
    for (std::size_t k = 0; k < new_agents_.size(); ++k) run_end[k] = g += std::uint64_t(new_agents_[k].count);
    fill_batch(mine, run_end, [&](std::size_t k, std::size_t i0, std::size_t i1, std::uint64_t id) {
        const auto& in_region = new_agents_[k];
        const auto at = [&](auto& column) { return column.begin() + std::ptrdiff_t(i0); };
        const auto n = std::ptrdiff_t(i1 - i0);
        std::fill(at(agents.region), at(agents.region) + n, in_region.region);
        std::fill(at(agents.from), at(agents.from) + n, in_region.region);
        std::fill(at(agents.km_left), at(agents.km_left) + n, 0.0f);
        if (group_share_.empty())
            std::fill(at(agents.group), at(agents.group) + n, std::uint8_t(0));
        else
            for (std::size_t i = i0; i < i1; ++i, ++id) agents.group[i] = awareness_group(in_region.region, in_region.day, id);
    });
    new_agents_.clear();
    if (f_.move.start_on_foot) arrived_once_.resize(agents.size(), 0);
    if (f_.move.avoid_short_stints) recent_.resize(agents.size(), 0.0f);
}

// Flee draws each agent's demographics from the location's column of
// demographics_floodawareness.csv (or Default); keyed by the global id.
std::uint8_t FleeRuleset::awareness_group(RegionIndex r, Day day, std::uint64_t gid) const {
    const std::vector<double>& cum = group_share_[static_cast<std::size_t>(r)];
    const double u = uniform01(random_bits(stream_key(seed_, Purpose::group, day), gid)) * cum.back();
    const auto g = std::upper_bound(cum.begin(), cum.end(), u) - cum.begin();
    return static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(g, static_cast<std::ptrdiff_t>(cum.size()) - 1));
}

void FleeRuleset::take(std::vector<double>& residents, std::size_t i, std::int64_t n) {
    if (!f_.spawn.take_from_population) return;
    pop_[i] = std::max(0.0, pop_[i] - static_cast<double>(n));
    if (i < residents.size()) residents[i] = std::max(0.0, residents[i] - static_cast<double>(n));
}

// SPEC step 2: the day's increase of the observed camp total, minus a carried debt,
// spread over conflict locations by population x conflict x decay.
void FleeRuleset::spawn_from_data(const DayState& s, AgentStore& agents, DayTally& tally,
                                  std::vector<double>& residents) {
    const Day t = s.day;
    double diff = 0.0;
    if (t > 0 && static_cast<std::size_t>(t) < total_obs_.size()) diff = total_obs_[t] - total_obs_[t - 1];
    if (t == 0 && f_.spawn.insert_day0) diff = 0.0;  // day 0 is in the camps already
    std::int64_t n = static_cast<std::int64_t>(std::llround(diff)) - debt_;
    if (n < 0) {
        debt_ = -n;
        n = 0;
    } else {
        debt_ = 0;
    }
    if (n == 0) return;
    const std::size_t R = w_.region_count();
    std::vector<double> cum(R, 0.0);
    double total = 0.0;
    int conflict_zones = 0;
    for (std::size_t i = 0; i < R; ++i) {
        const double c = s.drivers.conflict[i];
        if (c > 0.0) {
            ++conflict_zones;
            total += pop_[i] * c * flee_conflict_decay(f_.spawn, t - toc_[i]);
        }
        cum[i] = total;
    }
    const bool uniform = !(total > 0.0);
    if (uniform) {
        if (conflict_zones == 0) return;  // nowhere to spawn; Flee would fail here
        total = 0.0;
        for (std::size_t i = 0; i < R; ++i) cum[i] = total += s.drivers.conflict[i] > 0.0 ? 1.0 : 0.0;
    }
    std::vector<std::int64_t> per_region(R, 0);
    const auto key = stream_key(seed_, Purpose::spawn_origin, t);
    const std::uint64_t first_id = agents.global_count;  // the draws are keyed by global id
    for (std::int64_t k = 0; k < n; ++k) {
        const double u = uniform01(random_bits(key, first_id + static_cast<std::uint64_t>(k))) * total;
        // The first region whose cumulative weight exceeds u: never a zero-weight one.
        auto it = std::upper_bound(cum.begin(), cum.end(), u);
        if (it == cum.end()) it = std::lower_bound(cum.begin(), cum.end(), total);  // u rounded up to total
        ++per_region[static_cast<std::size_t>(it - cum.begin())];
    }
    // Agents are stored region by region; origins only depend on the draws above.
    for (std::size_t i = 0; i < R; ++i) {
        add_agents(tally, static_cast<RegionIndex>(i), per_region[i], t);
        take(residents, i, per_region[i]);
    }
}

// conflict_driven_spawning: a count per conflict location and day.
void FleeRuleset::spawn_from_conflict(const DayState& s, DayTally& tally, std::vector<double>& residents) {
    const auto key = stream_key(seed_, Purpose::spawn, s.day);
    const double rate = f_.spawn.displaced_per_conflict_day;
    for (std::size_t i = 0; i < w_.region_count(); ++i) {
        const double c = s.drivers.conflict[i];
        if (!(c > 0.0)) continue;
        std::int64_t n = 0;
        switch (f_.spawn.mode) {
            case FleeSpawnMode::constant: n = static_cast<std::int64_t>(checked_count(rate * c, s.day, i)); break;
            case FleeSpawnMode::pop_ratio: n = static_cast<std::int64_t>(checked_count(rate * pop_[i] * c, s.day, i)); break;
            case FleeSpawnMode::poisson: n = poisson(checked_count(rate * c, s.day, i), key, i); break;
            default: break;
        }
        add_agents(tally, static_cast<RegionIndex>(i), n, s.day);
        take(residents, i, n);
    }
}

// DFlee's flood-driven spawning (spawning.py): every location with flood level
// L > 0 spawns int(d(L)), int(d(L) x population) or Poisson(int(d(L))) agents,
// d interpolated in displaced_per_flood_day; take_from_population is required.
void FleeRuleset::spawn_from_flood(const DayState& s, DayTally& tally, std::vector<double>& residents) {
    const auto key = stream_key(seed_, Purpose::spawn, s.day);
    const auto& rate = f_.spawn.displaced_per_flood_day;
    for (std::size_t i = 0; i < w_.region_count(); ++i) {
        const double L = s.drivers.climate.size() ? s.drivers.climate[static_cast<Eigen::Index>(i)] : 0.0;
        if (!(L > 0.0)) continue;
        const double d = flee_interp(rate, L);
        std::int64_t n = 0;
        switch (f_.spawn.flood_mode) {
            case FleeFloodSpawnMode::constant: n = static_cast<std::int64_t>(checked_count(d, s.day, i)); break;
            case FleeFloodSpawnMode::pop_ratio: n = static_cast<std::int64_t>(checked_count(d * pop_[i], s.day, i)); break;
            case FleeFloodSpawnMode::poisson: n = poisson(std::trunc(checked_count(d, s.day, i)), key, i); break;
        }
        add_agents(tally, static_cast<RegionIndex>(i), n, s.day);
        take(residents, i, n);
    }
}

// New agents from a product of inputs that are each bounded (docs/FLEE.md "Bounds")
// but together may not be: more than 1e9 new agents at one location in one day is
// wrong input (and a bigger double would overflow the conversion, or take the Poisson
// draw hours).
double FleeRuleset::checked_count(double x, Day day, std::size_t region) const {
    if (!(x <= 1e9))
        throw std::runtime_error("flee ruleset: day " + std::to_string(day) + " would create " + short_number(x) +
                                 " agents at `" + s_.regions[region].name +
                                 "` (more than 1e+09): check displaced_per_conflict_day and conflicts.csv");
    return x;
}

}  // namespace migflow::detail
