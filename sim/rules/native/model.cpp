// The native model's equations (docs/MODEL.md) and the region tables built from them each day.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "migflow/rules/native/model.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow {

double move_hazard(const Behaviour& b, RegionType type, double conflict, double climate,
                   double economy, double economy_reference) {
    const double economic_push = std::max(0.0, std::log(economy_reference / economy));
    const double base = b.lambda_base + b.lambda_conflict * conflict + b.lambda_climate * climate +
                        b.lambda_economy * economic_push;
    switch (type) {
    case RegionType::camp: return base * b.camp_move_factor;
    case RegionType::transit: return base * b.transit_move_factor;
    case RegionType::settlement: break;
    }
    return base;
}

double move_probability(double hazard) { return -std::expm1(-hazard); }

double destination_log_score(const Behaviour& b, double conflict_j, double climate_j,
                             double economy_j, bool camp_j, bool foreign_j) {
    return -b.beta_conflict * conflict_j - b.beta_climate * climate_j +
           b.beta_economy * std::log(economy_j) + (camp_j ? b.beta_camp : 0.0) +
           (foreign_j ? b.beta_foreign : 0.0);
}

double destination_score(const Behaviour& b, double conflict_j, double climate_j,
                         double economy_j, double economy_i, bool camp_j, bool foreign_j) {
    return std::exp(destination_log_score(b, conflict_j, climate_j, economy_j, camp_j, foreign_j) -
                    b.beta_economy * std::log(economy_i));
}

double capacity_factor(double occupancy, double capacity, double buffer) {
    if (capacity <= 0.0) return 1.0;
    if (occupancy >= capacity) return 0.0;
    const double soft = buffer * capacity;
    if (occupancy <= soft) return 1.0;
    return (capacity - occupancy) / (capacity - soft);
}

namespace {

// Population-weighted mean economy on day 0: the default ē (MODEL.md §2).
double default_economy_reference(const Scenario& s) {
    if (s.behaviour.economy_reference > 0.0) return s.behaviour.economy_reference;
    DriverValues d;
    evaluate_drivers(s, 0, d);
    double num = 0.0, den = 0.0;
    for (std::size_t r = 0; r < s.regions.size(); ++r) {
        num += s.regions[r].population * d.economy[r];
        den += s.regions[r].population;
    }
    return den > 0.0 ? num / den : 1.0;
}

}  // namespace

NativeContext::NativeContext(const Scenario& s, const World& w)
    : scenario(s), world(w), economy_reference(default_economy_reference(s)) {
    capped_slot.assign(w.region_count(), -1);
    for (std::size_t r = 0; r < w.region_count(); ++r)
        if (w.regions[r].capacity > 0.0) capped_slot[r] = capped_count++;
    log_link_distance.resize(w.link_km.size());
    for (std::size_t l = 0; l < log_link_distance.size(); ++l)
        log_link_distance[l] = -s.behaviour.distance_power *
                               std::log(s.behaviour.distance_offset_km + w.routes[w.link_route[l]].km);
}

namespace {

bool is_open_camp(const World& w, const DayState& s, RegionIndex r) {
    return w.regions[r].type == RegionType::camp && s.open.camp_open[r];
}

// People at r now or on their way there: what capacity is measured against.
double occupancy(const Scenario& sc, const DayState& s, RegionIndex r) {
    return s.residents[r] +
           double(s.agents_at[r] + s.inbound[r]) * sc.agents.people_per_agent;
}

void build_move_thresholds(const NativeContext& ctx, const DayState& s, NativeTables& t) {
    const auto& sc = ctx.scenario;
    const auto R = ctx.world.region_count();
    t.groups = std::max<int>(1, static_cast<int>(sc.groups.size()));
    t.move_threshold.assign(R * t.groups, 0);
    for (std::size_t r = 0; r < R; ++r) {
        // A closed region keeps its movers home (its links are closed, §6), but they
        // still draw: they are the movers its closure blocks (§8).
        const auto type = is_open_camp(ctx.world, s, RegionIndex(r)) ? RegionType::camp
                          : ctx.world.regions[r].type == RegionType::camp
                              ? RegionType::settlement
                              : ctx.world.regions[r].type;
        const double h = move_hazard(sc.behaviour, type, s.drivers.conflict[r],
                                     s.drivers.climate[r], s.drivers.economy[r],
                                     ctx.economy_reference);
        for (int g = 0; g < t.groups; ++g) {
            const double scale = sc.groups.empty() ? 1.0 : sc.groups[g].hazard_scale;
            t.move_threshold[r * t.groups + g] = bernoulli32(move_probability(h * scale));
        }
    }
}

// MODEL.md §3: awareness k rates a neighbour by the best of itself and what lies
// up to k-1 hops beyond it, discounted per hop. Log scores: a closed region stays -inf.
std::vector<double> aware_log_scores(const NativeContext& ctx, const DayState& s,
                                     const std::vector<double>& log_score) {
    const auto& w = ctx.world;
    const int k = static_cast<int>(ctx.scenario.behaviour.awareness);
    const double log_discount = std::log(ctx.scenario.behaviour.awareness_discount);
    std::vector<double> cur = log_score, next(log_score.size());
    for (int hop = 1; hop < k; ++hop) {
        for (std::size_t r = 0; r < w.region_count(); ++r) {
            double best = log_score[r];
            if (s.open.region_open[r])
                for (auto l = w.link_begin[r]; l < w.link_begin[r + 1]; ++l)
                    if (s.open.route_open[w.link_route[l]])
                        best = std::max(best, log_discount + cur[w.link_to[l]]);
            next[r] = best;
        }
        std::swap(cur, next);
    }
    return cur;
}

// Cumulative weights of links [first, last) from their log-weights, relative to the
// largest (log-sum-exp), so no exponent can overflow or underflow every link to 0.
// Returns the total; 0 when no link has weight.
template <class LogWeight>
double cumulate(std::int32_t first, std::int32_t last, std::vector<double>& cum,
                LogWeight&& log_weight) {
    constexpr double none = -std::numeric_limits<double>::infinity();
    double best = none;
    for (auto l = first; l < last; ++l) {
        cum[l] = log_weight(l);  // the log-weight, until the pass below
        best = std::max(best, cum[l]);
    }
    double acc = 0.0;
    for (auto l = first; l < last; ++l) {
        if (best > none && cum[l] > none) acc += std::exp(cum[l] - best);
        cum[l] = acc;
    }
    return acc;
}

}  // namespace

void build_native_tables(const NativeContext& ctx, const DayState& s, NativeTables& t) {
    const auto& sc = ctx.scenario;
    const auto& b = sc.behaviour;
    const auto& w = ctx.world;
    const auto R = w.region_count();
    constexpr double none = -std::numeric_limits<double>::infinity();
    build_move_thresholds(ctx, s, t);

    // Region-level parts of the destination log-weight, once per region. The origin's
    // own economy term is the same for all its links, so it cancels from the choice.
    auto& log_score = t.log_score;
    auto& log_cap = t.log_cap;
    log_score.resize(R);
    log_cap.resize(R);
    t.quota.assign(std::size_t(ctx.capped_count), 0);
    t.own_log_score.resize(R);
    for (std::size_t r = 0; r < R; ++r) {
        const bool camp = is_open_camp(w, s, RegionIndex(r));
        t.own_log_score[r] = destination_log_score(b, s.drivers.conflict[r], s.drivers.climate[r],
                                                   s.drivers.economy[r], camp, w.is_foreign[r]);
        log_score[r] = s.open.region_open[r] ? t.own_log_score[r] : none;
        const double capacity = w.regions[r].capacity;
        const double occ = occupancy(sc, s, RegionIndex(r));
        log_cap[r] = std::log(capacity_factor(occ, capacity, b.capacity_buffer));
        if (const auto slot = ctx.capped_slot[r]; slot >= 0) {
            const double room = std::floor((capacity - occ) / sc.agents.people_per_agent);
            t.quota[std::size_t(slot)] = std::max<std::int64_t>(0, static_cast<std::int64_t>(room));
        }
    }
    if (b.awareness > 1) log_score = aware_log_scores(ctx, s, log_score);

    // Weights relative to each region's best link (log-sum-exp), so no exponent can
    // overflow to inf or underflow every link to 0 at extreme coefficients. Each
    // region writes only its own links: parallel over regions.
    t.link_cumulative.resize(w.link_to.size());
    t.region_total.assign(R, 0.0);
    t.open_cumulative.resize(w.link_to.size());
    t.open_total.assign(R, 0.0);
    t.closure_touched.assign(R, 0);
    t.full_cumulative.resize(w.link_to.size());
    t.full_total.assign(R, 0.0);
    tbb::parallel_for(std::size_t(0), R, [&](std::size_t i) {
        const auto first = w.link_begin[i], last = w.link_begin[i + 1];
        bool touched = false;
        for (auto l = first; l < last; ++l) touched = touched || !s.open.route_open[w.link_route[l]];
        t.closure_touched[i] = touched;
        t.region_total[i] = cumulate(first, last, t.link_cumulative, [&](std::int32_t l) {
            const auto j = w.link_to[l];
            return s.open.route_open[w.link_route[l]]
                       ? log_score[j] + log_cap[j] + ctx.log_link_distance[l]
                       : none;
        });
        // MODEL.md §8: a closed link weighs what it would if open (awareness is not
        // extended through a closed region); open links weigh as today.
        if (touched)
            t.open_total[i] = cumulate(first, last, t.open_cumulative, [&](std::int32_t l) {
                const auto j = w.link_to[l];
                const double score = s.open.region_open[j] ? log_score[j] : t.own_log_score[j];
                return score + log_cap[j] + ctx.log_link_distance[l];
            });
        const double room_total = touched ? t.open_total[i] : t.region_total[i];
        if (!(room_total > 0.0) && last > first)
            t.full_total[i] = cumulate(first, last, t.full_cumulative, [&](std::int32_t l) {
                const auto j = w.link_to[l];
                const double score = s.open.region_open[j] ? log_score[j] : t.own_log_score[j];
                return score + ctx.log_link_distance[l];
            });
    });
}

}  // namespace migflow
