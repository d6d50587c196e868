// MemoryRecorder: every day's series kept as plain vectors, for tests and C++ analysis.
// What it keeps, and in which order, is the catalogue's (catalogue.hpp); the named
// members are the store of the catalogue series tests read by name.
#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "migflow/output/recorder.hpp"

namespace migflow {
namespace {

using IntRows = std::vector<std::vector<std::int64_t>>;
using DoubleRows = std::vector<std::vector<double>>;
using Ints = std::vector<std::int64_t>;

// Where a catalogue series lives in a MemoryRecorder: at most one named member; none
// set means other_int / other_double under its name. Members, not addresses, so that
// copies of a recorder (ensembles keep many) find their own.
struct Store {
    IntRows MemoryRecorder::*ints = nullptr;
    DoubleRows MemoryRecorder::*doubles = nullptr;
    Ints MemoryRecorder::*one = nullptr;
};

Store named_store(const std::string& name) {
    static const std::pair<const char*, Store> named[] = {
        {"population", {nullptr, &MemoryRecorder::population, nullptr}},
        {"agents", {&MemoryRecorder::agents_at, nullptr, nullptr}},
        {"arrivals", {&MemoryRecorder::arrivals, nullptr, nullptr}},
        {"departures", {&MemoryRecorder::departures, nullptr, nullptr}},
        {"spawned", {&MemoryRecorder::spawned, nullptr, nullptr}},
        {"turned_away_full", {&MemoryRecorder::turned_away_full, nullptr, nullptr}},
        {"blocked_by_closure", {&MemoryRecorder::blocked_by_closure, nullptr, nullptr}},
        {"refused_full", {&MemoryRecorder::refused_full, nullptr, nullptr}},
        {"route_flow_forward", {&MemoryRecorder::flow_forward, nullptr, nullptr}},
        {"route_flow_backward", {&MemoryRecorder::flow_backward, nullptr, nullptr}},
        {"in_transit", {nullptr, nullptr, &MemoryRecorder::in_transit}},
        {"total_agents", {nullptr, nullptr, &MemoryRecorder::total_agents}},
        {"conflict", {nullptr, &MemoryRecorder::conflict, nullptr}},
        {"economy", {nullptr, &MemoryRecorder::economy, nullptr}},
        {"climate", {nullptr, &MemoryRecorder::climate, nullptr}},
    };
    for (const auto& [n, store] : named)
        if (name == n) return store;
    return {};
}

// One Store per catalogue entry, in its order: resolved once, not on every recorded day.
const std::vector<Store>& stores() {
    static const std::vector<Store> all = [] {
        std::vector<Store> v;
        for (const SeriesSpec& spec : series_catalogue()) v.push_back(named_store(spec.name));
        return v;
    }();
    return all;
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

// A series kept as rows ([day][column]) as a view; a `one` series without a named
// member is kept so too, as rows of one value.
template <class T>
void view_rows(SeriesView& v, const std::vector<std::vector<T>>* rows) {
    v.days = rows->size();
    v.width = rows->empty() ? 0 : rows->front().size();
    v.row = [rows](std::size_t t, double* o) { std::copy((*rows)[t].begin(), (*rows)[t].end(), o); };
    if constexpr (std::is_same_v<T, std::int64_t>)
        v.row_int = [rows](std::size_t t, std::int64_t* o) { std::copy((*rows)[t].begin(), (*rows)[t].end(), o); };
}

// The unnamed series `name` of `other`, or no rows.
template <class Rows>
const Rows* other_rows(const std::map<std::string, Rows>& other, const std::string& name) {
    static const Rows none;
    const auto it = other.find(name);
    return it == other.end() ? &none : &it->second;
}

}  // namespace

void MemoryRecorder::begin(const Scenario& s, const World& w, const RunInfo& info) {
    // A recorder can be reused for another run: start from nothing but its setting.
    const bool keep = keep_snapshots;
    *this = MemoryRecorder{};
    keep_snapshots = keep;
    const auto days = static_cast<std::size_t>(std::max<Day>(s.days, 0));
    const auto& catalogue = series_catalogue();
    for (std::size_t k = 0; k < catalogue.size(); ++k) {
        const Store& st = stores()[k];
        if (st.one) (this->*st.one).reserve(days);
        else if (catalogue[k].type == ValueType::int64) (st.ints ? this->*st.ints : other_int[catalogue[k].name]).reserve(days);
        else (st.doubles ? this->*st.doubles : other_double[catalogue[k].name]).reserve(days);
    }
    camps.begin(w, s.agents.people_per_agent, info.full);
    countries.begin(w);
}

void MemoryRecorder::record(const DayRecord& day) {
    if (!day.state || !day.tally) throw std::logic_error("MemoryRecorder: day record without state");
    const auto& catalogue = series_catalogue();
    for (std::size_t k = 0; k < catalogue.size(); ++k) {
        const SeriesSpec& spec = catalogue[k];
        const Store& st = stores()[k];
        const SeriesRow r = spec.row(day);
        if (st.one) (this->*st.one).push_back(*r.i64);
        else if (spec.type == ValueType::int64)
            (st.ints ? this->*st.ints : other_int[spec.name]).emplace_back(r.i64, r.i64 + r.size);
        else (st.doubles ? this->*st.doubles : other_double[spec.name]).emplace_back(r.f64, r.f64 + r.size);
    }
    const DayState& s = *day.state;
    const DayTally& t = *day.tally;
    camps.observe(day.day, day.population, s.inbound, t.refused_full);
    countries.observe(day.population, t);
    if (day.origins) origins = *day.origins;
    if (keep_snapshots && day.agents) {
        const AgentStore& a = *day.agents;
        snapshots.push_back({day.day, {a.region.begin(), a.region.end()}, {a.km_left.begin(), a.km_left.end()}});
    }
}

std::vector<SeriesView> MemoryRecorder::series() const {
    std::vector<SeriesView> out;
    const auto& catalogue = series_catalogue();
    for (std::size_t k = 0; k < catalogue.size(); ++k) {
        const SeriesSpec& spec = catalogue[k];
        const Store& st = stores()[k];
        SeriesView v = view_header(spec);
        if (st.one) {
            const Ints* values = &(this->*st.one);
            v.days = values->size();
            v.width = 1;
            v.row = [values](std::size_t t, double* o) { *o = double((*values)[t]); };
            v.row_int = [values](std::size_t t, std::int64_t* o) { *o = (*values)[t]; };
        } else if (spec.type == ValueType::int64) {
            view_rows(v, st.ints ? &(this->*st.ints) : other_rows(other_int, spec.name));
        } else {
            view_rows(v, st.doubles ? &(this->*st.doubles) : other_rows(other_double, spec.name));
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
