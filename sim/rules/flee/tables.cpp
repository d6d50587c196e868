// Region and link tables of the flee ruleset (docs/FLEE-SPEC.md steps 4-5, Flee 3's
// moving.py: getEndPointScore, getCapMultiplier, calculateLinkWeight).
#include <algorithm>
#include <cmath>

#include "rules/flee/tables.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow::detail {

double flee_cap_multiplier(double occupancy, double cap, double buffer) {
    if (cap < 1.0) return 1.0;
    if (occupancy <= buffer * cap) return 1.0;
    if (occupancy >= cap) return 0.0;
    const double residual = occupancy - buffer * cap;
    return std::clamp(1.0 - residual / (cap * (1.0 - buffer)), 0.0, 1.0);
}

double flee_conflict_decay(const FleeSpawnRules& r, Day since) {
    if (r.conflict_spawn_decay.empty()) return 1.0;
    const long i = std::max<long>(0, since) / std::max(1, r.conflict_spawn_decay_interval);
    const long last = static_cast<long>(r.conflict_spawn_decay.size()) - 1;
    return r.conflict_spawn_decay[static_cast<std::size_t>(std::min(i, last))];
}

FleeStatic make_flee_static(const Scenario& s, const World& w) {
    const std::size_t n = w.region_count();
    FleeStatic st;
    st.camp.assign(n, 0), st.idp.assign(n, 0), st.transit.assign(n, 0), st.marker.assign(n, 0);
    st.flood_zone.assign(n, 0);
    st.capacity.assign(n, 0.0), st.population.assign(n, 0.0);
    const FleeSettings f = s.flee.value_or(FleeSettings{});
    auto listed = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    };
    for (std::size_t i = 0; i < n; ++i) {
        const Region& r = w.regions[i];
        st.camp[i] = r.type == RegionType::camp;
        st.idp[i] = st.camp[i] && listed(f.idp_camps, r.name);
        st.transit[i] = r.type == RegionType::transit;
        st.marker[i] = listed(f.markers, r.name);
        st.flood_zone[i] = listed(f.flood_zones, r.name);
        st.capacity[i] = r.capacity;
        st.population[i] = r.population;
    }
    // Flee inserts day-0 camp counts as agents and also lowers the camp's capacity by
    // them (SPEC "Start-up"); capacity_scaling applies to what is left.
    // Current Flee lowers them in its data-driven spawning only (day 0 of
    // spawn_daily_displaced), not under conflict- or flood-driven spawning.
    if (f.spawn.insert_day0 && f.spawn.mode == FleeSpawnMode::data_driven && !f.spawn.flood_driven) {
        for (std::size_t k = 0; k < s.observed.region.size(); ++k) {
            const auto r = static_cast<std::size_t>(s.observed.region[k]);
            if (!s.observed.count[k].empty() && st.capacity[r] > 0.0)
                st.capacity[r] -= std::trunc(s.observed.count[k][0]);
        }
    }
    for (std::size_t i = 0; i < n; ++i) st.capacity[i] *= f.move.capacity_scaling;
    st.link_forward.assign(w.link_to.size(), 0);
    for (std::size_t i = 0; i < n; ++i)
        for (auto l = w.link_begin[i]; l < w.link_begin[i + 1]; ++l)
            st.link_forward[static_cast<std::size_t>(l)] = w.routes[static_cast<std::size_t>(w.link_route[l])].from == static_cast<RegionIndex>(i);
    return st;
}

double flee_interp(const std::vector<double>& v, double level) {
    if (v.empty()) return 0.0;
    const double last = static_cast<double>(v.size() - 1);
    if (!(level < last)) return v.back();
    const double lo = std::max(0.0, level);
    const auto i0 = static_cast<std::size_t>(lo);
    return v[i0] + (lo - static_cast<double>(i0)) * (v[i0 + 1] - v[i0]);
}

void compute_flee_flood_day(const FleeSettings& f, Day day,
                            const std::vector<std::vector<double>>& level_by_day, FleeFloodDay& out) {
    const FleeFloodRules& fr = f.flood;
    const std::vector<double>& level = level_by_day[static_cast<std::size_t>(day)];
    const std::size_t n = level.size();
    out.active = true;
    out.score_factor.assign(n, 1.0);
    out.chance.assign(n, -1.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (!(level[i] > 0.0)) continue;
        // Applied twice, as Flee's own DFlee runs show: once in the location score
        // and once more in the endpoint score (docs/FLEE.md, "DFlee").
        const double w = flee_interp(fr.loc_weights, level[i]);
        out.score_factor[i] = w * w;
        out.chance[i] = flee_interp(fr.movechances, level[i]);
    }
    // The forecaster acts on move chances up to flood_forecaster_end_time.
    out.forecast_move = fr.forecaster && fr.forecaster_timescale >= 1 && day <= fr.forecaster_end_time;
    if (!out.forecast_move) return;
    // Flee's forecaster (moving.py, calculateMoveChance): over the next `timescale`
    // days, clamped to flood_forecaster_end_time, the location weight at the
    // forecast level (a whole number) times the weight of that forecast *day*; the
    // move chance is scaled by sum / timescale, then by the agent's awareness weight.
    const double T = fr.forecaster_timescale;
    out.move_forecast.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int x = 1; x <= fr.forecaster_timescale; ++x) {
            const Day fday = std::min<Day>(day + x, fr.forecaster_end_time);
            const double L = fday < static_cast<Day>(level_by_day.size())
                                 ? std::trunc(level_by_day[static_cast<std::size_t>(fday)][i]) : 0.0;
            const auto k = static_cast<std::size_t>(fday);
            if (L > 0.0) sum += flee_interp(fr.loc_weights, L) * (k < fr.forecaster_weights.size() ? fr.forecaster_weights[k] : 0.0);
            if (fday == fr.forecaster_end_time) break;
        }
        out.move_forecast[i] = sum / T;
    }
}

namespace {

// Weight of one path (Flee's calculateLinkWeight, one route entry).
double path_weight(const FleeMoveRules& m, const FleeTables& t, RegionIndex end, double km) {
    // pow(x, 1) is x exactly: the default distance_power skips the call (deep awareness
    // levels evaluate millions of paths a day).
    const double d = m.distance_power == 1.0 ? m.softening + km : std::pow(m.softening + km, m.distance_power);
    double w = (m.weight_softening + t.score[end]) / d * t.cap_mult[end];
    if (m.weight_power != 1.0) w = std::pow(w, m.weight_power);
    return w;
}

bool link_open(const World& w, const DayState& s, std::int32_t l, RegionIndex from) {
    const RegionIndex to = w.link_to[l];
    return s.open.link_open[l] && s.open.region_open[from] && s.open.region_open[to];
}

// What the weights see: today's closures, or none (the counterfactual of FLEE.md
// "Turned away"; camp closures still apply, they do not stop anyone).
struct Links {
    const World& w;
    const DayState& s;
    bool ignore_closures;
    bool open(std::int32_t l, RegionIndex from) const {
        return ignore_closures || link_open(w, s, l, from);
    }
};

// Sum of the weights of every loop-free route that continues from `at` (reached via
// `km` so far, `step` levels deep), as Flee enumerates them for awareness 2 and 3.
double deeper(const FleeMoveRules& m, const Links& links, const FleeStatic& st, const FleeTables& t,
              RegionIndex at, double km, int step, RegionIndex* path, int depth) {
    const World& w = links.w;
    double sum = 0.0;
    for (auto l = w.link_begin[at]; l < w.link_begin[at + 1]; ++l) {
        const RegionIndex to = w.link_to[l];
        if (!links.open(l, at)) continue;
        bool loop = false;
        for (int k = 0; k < depth; ++k) loop = loop || path[k] == to;
        if (loop) continue;
        const double d = km + w.link_km[l];
        int next_step = step;
        if (!st.marker[to]) sum += path_weight(m, t, to, d);
        else next_step = step - 1;  // markers do not count as a step
        if (m.awareness_level > next_step && depth < 16) {
            path[depth] = to;
            sum += deeper(m, links, st, t, to, d, next_step + 1, path, depth + 1);
        }
    }
    return sum;
}


// Region i's cumulative choice thresholds (SPEC step 5) on a 2^32 scale into `cum`;
// a closed link repeats its predecessor's value, so it is never drawn.
void fill_link_table(const FleeMoveRules& m, const Links& links, const FleeStatic& st,
                     const FleeTables& t, RegionIndex i, std::vector<double>& weight,
                     std::vector<std::uint64_t>& cum) {
    const World& w = links.w;
    const auto b = w.link_begin[i], e = w.link_begin[i + 1];
    weight.assign(static_cast<std::size_t>(e - b), 0.0);
    double total = 0.0;
    int open = 0;
    RegionIndex path[17];
    path[0] = i;
    for (auto l = b; l < e; ++l) {
        if (!links.open(l, i)) continue;
        ++open;
        const RegionIndex to = w.link_to[l];
        double x = 0.0;
        if (m.awareness_level > 0) {
            int step = 1;
            if (!st.marker[to]) x += path_weight(m, t, to, w.link_km[l]);
            else step = 0;
            if (m.awareness_level > step) {
                path[1] = to;
                x += deeper(m, links, st, t, to, w.link_km[l], step + 1, path, 2);
            }
        }
        weight[l - b] = x;
        total += x;
    }
    // All-zero weights (or awareness 0): Flee weighs the open links equally.
    const bool uniform = !(total > 0.0) || !std::isfinite(total);
    double acc = 0.0;
    int seen = 0;
    for (auto l = b; l < e; ++l) {
        if (links.open(l, i)) {
            acc += uniform ? 1.0 : weight[l - b];
            ++seen;
            const double frac = seen == open ? 1.0 : acc / (uniform ? open : total);
            cum[l] = static_cast<std::uint64_t>(std::min(frac, 1.0) * 4294967296.0);
        } else {
            cum[l] = l > b ? cum[l - 1] : 0;
        }
    }
}

}  // namespace

void compute_flee_tables(const FleeSettings& f, const World& w, const FleeStatic& st,
                         const DayState& s, const std::vector<Day>& toc, const FleeFloodDay* flood,
                         double awareness, FleeTables& t) {
    const FleeMoveRules& m = f.move;
    const std::size_t n = w.region_count();
    t.score.resize(n), t.cap_mult.resize(n), t.move_threshold.resize(n), t.town.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double c = s.drivers.conflict.size() ? s.drivers.conflict[i] : 0.0;
        const bool camp = st.camp[i] && s.open.camp_open[i];
        double score = 1.0;
        // Flee marks every camp foreign (Location(): camp => foreign), even one in the
        // home country; an idp camp is foreign only when it is abroad.
        if (w.is_foreign[i] || (st.camp[i] && !st.idp[i])) score *= m.foreign_weight;
        if (camp) score *= m.camp_weight;
        if (c > 0.0)
            score *= std::pow(m.conflict_weight, flee_conflict_decay(f.spawn, s.day - toc[i]) * c);
        if (flood) score *= flood->score_factor[i];
        t.score[i] = score;
        t.cap_mult[i] = flee_cap_multiplier(static_cast<double>(s.agents_at[i]), st.capacity[i], m.capacity_buffer);
        double chance = c > 0.0   ? m.conflict_movechance
                        : camp    ? (st.idp[i] ? m.idpcamp_movechance : m.camp_movechance)
                        : st.transit[i] ? 1.0
                                        : m.default_movechance;
        if (m.movechance_pop_scale_factor != 0.0)
            chance *= std::pow(std::max(st.population[i], st.capacity[i]) / m.movechance_pop_base,
                               m.movechance_pop_scale_factor);
        if (flood) {
            if (flood->chance[i] >= 0.0) chance = flood->chance[i];  // replaces, as in Flee
            if (flood->forecast_move) chance *= flood->move_forecast[i] * awareness;
        }
        t.move_threshold[i] = threshold32(std::clamp(chance, 0.0, 1.0));
        t.town[i] = !camp && !st.transit[i] && !st.flood_zone[i] && c <= 0.0;
    }
    const std::size_t links = w.link_to.size();
    t.link_cum.assign(links, 0);
    t.link_stay.assign(links, 0);
    t.open_link_cum.resize(links);
    t.link_flags.assign(links, 0);
    t.closure_touched.assign(n, 0);
    std::vector<double> weight;
    for (std::size_t i = 0; i < n; ++i) {
        const auto r = static_cast<RegionIndex>(i);
        fill_link_table(m, Links{w, s, false}, st, t, r, weight, t.link_cum);
        for (auto l = w.link_begin[i]; l < w.link_begin[i + 1]; ++l) {
            const RegionIndex to = w.link_to[l];
            const bool camp_end = st.camp[to] && s.open.camp_open[to];
            t.link_stay[l] = link_open(w, s, l, r) && camp_end && t.cap_mult[to] < 0.5;
            t.closure_touched[i] = t.closure_touched[i] || !link_open(w, s, l, r);
        }
        if (t.closure_touched[i]) fill_link_table(m, Links{w, s, true}, st, t, r, weight, t.open_link_cum);
        for (auto l = w.link_begin[i]; l < w.link_begin[i + 1]; ++l)
            t.link_flags[l] = std::uint8_t((t.link_stay[l] ? flee_link_stay : 0) |
                                           (t.closure_touched[i] ? flee_link_touched : 0));
    }
    t.link_open.resize(links);
    for (std::size_t i = 0; i < n; ++i)
        for (auto l = w.link_begin[i]; l < w.link_begin[i + 1]; ++l)
            t.link_open[l] = link_open(w, s, l, static_cast<RegionIndex>(i));
}

}  // namespace migflow::detail
