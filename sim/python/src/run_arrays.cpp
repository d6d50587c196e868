// An in-process run: Simulation + MemoryRecorder, then the recorder's rows copied into
// numpy arrays with the names, shapes and types of the result file's datasets.
#include "run_arrays.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <variant>

#include "migflow/output/network_columns.hpp"
#include "migflow/output/run_attributes.hpp"
#include "migflow/core/date.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/measures/ard.hpp"

namespace py = pybind11;

namespace migflow::python {

namespace {

// MemoryRecorder, also keeping what the run told the recorder (the threads it used).
class InfoRecorder final : public MemoryRecorder {
public:
    void begin(const Scenario& s, const World& w, const RunInfo& i) override {
        MemoryRecorder::begin(s, w, i);
        info = i;
    }
    RunInfo info;
};

// A catalogue series as an array: [T] for `one` series, else [T x width].
template <class T>
py::array_t<T> series_array(const SeriesView& v, std::size_t days, std::size_t width,
                            const std::function<void(std::size_t, T*)>& row) {
    py::array_t<T> out = v.shape == SeriesWidth::one ? py::array_t<T>(static_cast<py::ssize_t>(days))
                                                     : py::array_t<T>({days, width});
    T* p = out.mutable_data();
    for (std::size_t t = 0; t < v.days; ++t, p += width) row(t, p);
    return out;
}

template <class T>
py::array_t<T> vector(const std::vector<T>& v) {
    return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}

void static_arrays(const World& w, py::dict& regions, py::dict& routes) {
    const NetworkColumns c = network_columns(w);
    regions["name"] = c.region_name;
    regions["type"] = c.region_type;
    regions["country"] = c.region_country;
    regions["lat"] = vector(c.lat);
    regions["lon"] = vector(c.lon);
    regions["capacity"] = vector(c.capacity);
    regions["initial_population"] = vector(c.initial_population);
    routes["from"] = vector(c.route_from);
    routes["to"] = vector(c.route_to);
    routes["km"] = vector(c.route_km);
}

// /validation exactly as the HDF5 recorder computes it (hdf5_recorder.cpp write_validation).
py::object validation(const Scenario& s, const MemoryRecorder& rec, py::dict& attrs) {
    const Observations& obs = s.observed;
    const std::size_t K = obs.region.size(), T = rec.population.size();
    if (K == 0) return py::none();
    std::size_t n = T;
    for (const auto& c : obs.count) n = std::min(n, c.size());
    std::vector<std::vector<double>> sim(K), ob(K), sim_all(K, std::vector<double>(T));
    for (std::size_t k = 0; k < K; ++k) {
        const auto r = static_cast<std::size_t>(obs.region[k]);
        for (std::size_t t = 0; t < T; ++t) sim_all[k][t] = rec.population[t][r];
        sim[k].assign(sim_all[k].begin(), sim_all[k].begin() + static_cast<std::ptrdiff_t>(n));
        ob[k].assign(obs.count[k].begin(), obs.count[k].begin() + static_cast<std::ptrdiff_t>(n));
    }
    const Validation v = compute_ard(sim, ob);
    auto tk = [&](const std::vector<std::vector<double>>& src) {
        py::array_t<double> out({T, K});
        double* p = out.mutable_data();
        std::fill(p, p + T * K, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t t = 0; t < std::min(T, src[k].size()); ++t) p[t * K + k] = src[k][t];
        return out;
    };
    std::vector<std::string> names;
    for (RegionIndex r : obs.region)
        names.push_back(s.regions.at(static_cast<std::size_t>(r)).name);
    py::dict out;
    out["region"] = vector(obs.region);
    out["name"] = names;
    out["observed"] = tk(obs.count);
    out["simulated"] = tk(sim_all);
    out["error_rescaled"] = vector(v.error_rescaled);
    out["error_unrescaled"] = vector(v.error_unrescaled);
    attrs["ard_rescaled"] = v.ard_rescaled;
    attrs["ard_unrescaled"] = v.ard_unrescaled;
    return out;
}

}  // namespace

py::dict run_to_arrays(const Scenario& s, std::uint64_t seed, int threads) {
    RunOptions opt;
    opt.seed = seed;
    opt.threads = threads;
    InfoRecorder rec;
    std::optional<Simulation> sim;
    RunSummary sum;
    {
        py::gil_scoped_release no_gil;  // other Python threads run meanwhile
        sim.emplace(s, opt);
        sum = sim->run(rec);
    }
    const World& w = sim->world();
    const std::size_t R = w.region_count(), E = w.route_count();
    const std::size_t T = static_cast<std::size_t>(std::max<Day>(s.days, 0));

    py::dict out, attrs, time, regions, routes, series, drivers;
    // The result file's header attributes (sim/output/run_attributes.cpp), then `ranks`.
    for (const RunAttribute& a : run_attributes(s, seed, rec.info.threads, rec.info.version))
        std::visit([&](const auto& v) { attrs[py::str(a.name)] = v; }, a.value);
    attrs["ranks"] = rec.info.ranks;

    std::vector<std::int32_t> day(T);
    std::vector<std::string> date(T);
    for (std::size_t t = 0; t < T; ++t) {
        day[t] = static_cast<std::int32_t>(t);
        date[t] = format_date(s.start_date + static_cast<DayNumber>(t));
    }
    time["day"] = vector(day);
    time["date"] = date;
    static_arrays(w, regions, routes);

    // Every catalogue series (sim/output/catalogue.cpp) as the file stores it: [T x width]
    // or [T] for `one`, int64 or float64.
    for (const SeriesView& v : rec.series()) {
        py::dict& group = v.group == "drivers" ? drivers : series;
        const std::size_t width = v.shape == SeriesWidth::regions ? R : v.shape == SeriesWidth::routes ? E : 1;
        if (v.type == ValueType::int64) group[py::str(v.name)] = series_array<std::int64_t>(v, T, width, v.row_int);
        else group[py::str(v.name)] = series_array<double>(v, T, width, v.row);
    }

    out["validation"] = validation(s, rec, attrs);
    attrs["wall_seconds"] = sum.wall_seconds;
    attrs["agent_steps"] = sum.agent_steps;
    attrs["final_agents"] = sum.final_agents;
    out["attrs"] = attrs;
    out["time"] = time;
    out["regions"] = regions;
    out["routes"] = routes;
    out["series"] = series;
    out["drivers"] = drivers;
    return out;
}

}  // namespace migflow::python
