// MemoryRecorder: every day's series kept as plain vectors, for tests and C++ analysis.
// What it keeps, and in which order, is the catalogue's (catalogue.hpp); the named
// members are the store of the catalogue series tests read by name.
#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "migflow/output/recorder.hpp"

namespace migflow {
namespace {

// Where a catalogue series lives in a MemoryRecorder: a named member, else `other_*`.
template <class Recorder>
auto* int_rows(Recorder& m, const SeriesSpec& s) {
    using Rows = std::conditional_t<std::is_const_v<Recorder>, const std::vector<std::vector<std::int64_t>>,
                                    std::vector<std::vector<std::int64_t>>>;
    Rows* named = s.name == "agents"                ? &m.agents_at
                  : s.name == "arrivals"            ? &m.arrivals
                  : s.name == "departures"          ? &m.departures
                  : s.name == "spawned"             ? &m.spawned
                  : s.name == "turned_away_full"    ? &m.turned_away_full
                  : s.name == "blocked_by_closure"  ? &m.blocked_by_closure
                  : s.name == "refused_full"        ? &m.refused_full
                  : s.name == "route_flow_forward"  ? &m.flow_forward
                  : s.name == "route_flow_backward" ? &m.flow_backward
                                                    : nullptr;
    return named;
}

template <class Recorder>
auto* double_rows(Recorder& m, const SeriesSpec& s) {
    using Rows =
        std::conditional_t<std::is_const_v<Recorder>, const std::vector<std::vector<double>>, std::vector<std::vector<double>>>;
    Rows* named = s.name == "population" ? &m.population
                  : s.name == "conflict" ? &m.conflict
                  : s.name == "economy"  ? &m.economy
                  : s.name == "climate"  ? &m.climate
                                         : nullptr;
    return named;
}

template <class Recorder>
auto* one_rows(Recorder& m, const SeriesSpec& s) {
    using Rows = std::conditional_t<std::is_const_v<Recorder>, const std::vector<std::int64_t>, std::vector<std::int64_t>>;
    Rows* named = s.name == "in_transit" ? &m.in_transit : s.name == "total_agents" ? &m.total_agents : nullptr;
    return named;
}

std::size_t width_of(const SeriesSpec& s, std::size_t regions, std::size_t routes) {
    return s.width == SeriesWidth::regions ? regions : s.width == SeriesWidth::routes ? routes : 1;
}

SeriesView view_header(const SeriesSpec& s) {
    SeriesView v;
    v.group = s.group;
    v.name = s.name;
    v.units = s.units;
    v.description = s.description;
    v.shape = s.width;
    v.type = s.type;
    return v;
}

}  // namespace

void MemoryRecorder::begin(const Scenario& s, const World& w, const RunInfo& info) {
    // A recorder can be reused for another run: start from nothing but its setting.
    const bool keep = keep_snapshots;
    *this = MemoryRecorder{};
    keep_snapshots = keep;
    const auto days = static_cast<std::size_t>(std::max<Day>(s.days, 0));
    for (const SeriesSpec& spec : series_catalogue()) {
        if (spec.width == SeriesWidth::one) {
            if (auto* v = one_rows(*this, spec)) v->reserve(days);
            else other_int[spec.name].reserve(days);
        } else if (spec.type == ValueType::int64) {
            if (auto* v = int_rows(*this, spec)) v->reserve(days);
            else other_int[spec.name].reserve(days);
        } else {
            if (auto* v = double_rows(*this, spec)) v->reserve(days);
            else other_double[spec.name].reserve(days);
        }
    }
    camps.begin(w, s.agents.people_per_agent, info.full);
    countries.begin(w);
}

void MemoryRecorder::record(const DayRecord& day) {
    if (!day.state || !day.tally) throw std::logic_error("MemoryRecorder: day record without state");
    for (const SeriesSpec& spec : series_catalogue()) {
        const SeriesRow r = spec.row(day);
        if (spec.width == SeriesWidth::one) {
            if (auto* v = one_rows(*this, spec)) v->push_back(*r.i64);
            else other_int[spec.name].push_back({*r.i64});
        } else if (spec.type == ValueType::int64) {
            auto* v = int_rows(*this, spec);
            (v ? *v : other_int[spec.name]).emplace_back(r.i64, r.i64 + r.size);
        } else {
            auto* v = double_rows(*this, spec);
            (v ? *v : other_double[spec.name]).emplace_back(r.f64, r.f64 + r.size);
        }
    }
    const DayState& s = *day.state;
    const DayTally& t = *day.tally;
    camps.observe(day.day, day.population, s.inbound, t.refused_full);
    countries.observe(day.population, t);
    if (day.origins) origins = *day.origins;
    if (keep_snapshots && day.agents) snapshots.push_back({day.day, day.agents->region, day.agents->km_left});
}

std::vector<SeriesView> MemoryRecorder::series() const {
    std::vector<SeriesView> out;
    for (const SeriesSpec& spec : series_catalogue()) {
        SeriesView v = view_header(spec);
        if (spec.width == SeriesWidth::one) {
            const std::vector<std::int64_t>* named = one_rows(*this, spec);
            if (named) {
                v.days = named->size();
                v.width = 1;
                v.row = [named](std::size_t t, double* o) { *o = double((*named)[t]); };
                v.row_int = [named](std::size_t t, std::int64_t* o) { *o = (*named)[t]; };
                out.push_back(std::move(v));
                continue;
            }
        }
        if (spec.type == ValueType::int64) {
            const auto* rows = spec.width == SeriesWidth::one ? nullptr : int_rows(*this, spec);
            if (!rows) {
                const auto it = other_int.find(spec.name);
                static const std::vector<std::vector<std::int64_t>> none;
                rows = it == other_int.end() ? &none : &it->second;
            }
            v.days = rows->size();
            v.width = rows->empty() ? 0 : rows->front().size();
            v.row = [rows](std::size_t t, double* o) { std::copy((*rows)[t].begin(), (*rows)[t].end(), o); };
            v.row_int = [rows](std::size_t t, std::int64_t* o) { std::copy((*rows)[t].begin(), (*rows)[t].end(), o); };
        } else {
            const auto* rows = double_rows(*this, spec);
            if (!rows) {
                const auto it = other_double.find(spec.name);
                static const std::vector<std::vector<double>> none;
                rows = it == other_double.end() ? &none : &it->second;
            }
            v.days = rows->size();
            v.width = rows->empty() ? 0 : rows->front().size();
            v.row = [rows](std::size_t t, double* o) { std::copy((*rows)[t].begin(), (*rows)[t].end(), o); };
        }
        out.push_back(std::move(v));
    }
    return out;
}

std::size_t MemoryRecorder::values_per_day(std::size_t regions, std::size_t routes) {
    std::size_t n = 0;
    for (const SeriesSpec& s : series_catalogue()) n += width_of(s, regions, routes);
    return n;
}

void MemoryRecorder::finish(const RunSummary& s) {
    summary = s;
    finished = true;
}

}  // namespace migflow
