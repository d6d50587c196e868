// The compiled half of the Python package (migflow._core): scenarios as objects that
// keep their parsed data between runs, parameter overrides, in-process runs.
// The pure-Python half (migflow/__init__.py, _dataset.py) turns runs into xarray.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>

#include "migflow/core/build_info.hpp"
#include "migflow/core/date.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/output/catalogue.hpp"
#include "migflow/output/result_check.hpp"
#include "migflow/scenario/loader.hpp"
#include "migflow/scenario/overrides.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/scenario/params.hpp"
#include "migflow/sweep/sensitivity.hpp"
#include "run_arrays.hpp"

namespace py = pybind11;

namespace migflow::python {

namespace {

// A loaded scenario and how many runs are reading it (a parameter change while a run
// reads the scenario on another thread would be a data race: it is refused).
struct ScenarioHandle {
    Scenario scenario;
    std::atomic<int> running{0};

    explicit ScenarioHandle(Scenario s) : scenario(std::move(s)) {}
};

using Handle = std::shared_ptr<ScenarioHandle>;

class Running {
public:
    explicit Running(ScenarioHandle& h) : h_(h) { ++h_.running; }
    ~Running() { --h_.running; }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

private:
    ScenarioHandle& h_;
};

void set_parameters(ScenarioHandle& h, const Overrides& overrides) {
    if (h.running > 0) throw std::runtime_error("cannot change a scenario while it runs");
    apply_parameter_overrides(h.scenario, overrides);
}

// The run and every series it returns (held in memory, not written to a file) must fit.
void check_run_fits(const Scenario& s, int threads) {
    const RunEstimate e = estimate_run(s, 1, threads);
    check_memory_fits(e.memory_bytes + e.output_file_bytes, "this run (its series are kept in memory)",
                      machine_memory(), "run(..., ignore_memory_estimate=True)");
}

py::dict run(ScenarioHandle& h, std::optional<std::uint64_t> seed, int threads,
             const Overrides& overrides, bool ignore_memory) {
    if (threads < 0 || threads > 1024) throw py::value_error("threads takes 0 (all cores) to 1024");
    Running guard(h);
    const std::uint64_t used = seed.value_or(h.scenario.seed);
    if (overrides.empty() && used == h.scenario.seed) {
        if (!ignore_memory) check_run_fits(h.scenario, threads);
        return run_to_arrays(h.scenario, used, threads);
    }
    Scenario changed = h.scenario;  // the parsed data is copied, never read again from files
    apply_parameter_overrides(changed, overrides);
    changed.seed = used;
    if (!ignore_memory) check_run_fits(changed, threads);
    return run_to_arrays(changed, used, threads);
}

py::dict parameters(const Scenario& s) {
    py::dict out;
    for (const auto& d : behaviour_params())
        out[py::str("behaviour." + std::string(d.key))] = s.behaviour.*d.member;
    for (const auto& d : agent_params())
        out[py::str("agents." + std::string(d.key))] = s.agents.*d.member;
    return out;
}

// Every ruleset's coefficients, from the registry `migflow params` lists.
py::list parameter_table() {
    py::list out;
    for (const RulesetEntry& r : rulesets())
        for (const RulesetParam& d : r.params())
            out.append(py::dict(py::arg("key") = d.path(), py::arg("ruleset") = std::string(r.name),
                                py::arg("default") = d.default_value, py::arg("low") = d.lo, py::arg("high") = d.hi,
                                py::arg("integer") = d.integer, py::arg("unit") = std::string(d.unit),
                                py::arg("meaning") = std::string(d.meaning)));
    return out;
}

}  // namespace

}  // namespace migflow::python

PYBIND11_MODULE(_core, m) {
    using namespace migflow;
    using namespace migflow::python;
    m.doc() = "migflow's compiled core; use the `migflow` package (docs/PYTHON.md)";
    m.attr("version") = MIGFLOW_VERSION;
    // The build record `migflow --version` prints (commit, flags, libraries, features), for
    // benchmark records made from Python (benchmarks/bench_calibration.py).
    m.def("build_info", [] {
        py::dict out;
        for (const BuildItem& b : build_info()) out[py::str(b.name)] = b.value;
        return out;
    });

    // Bad input: the message is the CLI's, one `file:line:col: key: message` per line.
    static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const InputError& e) {
            input_error(e.what());
        }
    });

    py::class_<ScenarioHandle, Handle>(m, "Scenario")
        .def_static(
            "from_yaml",
            [](const std::string& path, const Overrides& set) {
                return std::make_shared<ScenarioHandle>(load_scenario(path, set));
            },
            py::arg("path"), py::arg("set") = Overrides{})
        .def_static(
            "from_text",
            [](const std::string& text, const std::string& name, const std::string& base_dir,
               const Overrides& set) {
                return std::make_shared<ScenarioHandle>(
                    load_scenario_text(text, name, base_dir, set));
            },
            py::arg("text"), py::arg("name"), py::arg("base_dir"), py::arg("set") = Overrides{})
        .def_static(
            "from_flee",
            [](const std::string& dir, const std::string& ruleset) {
                Scenario s = import_flee_case(dir);
                if (ruleset == "native") s = flee_case_as_native(std::move(s));
                else if (ruleset != "flee")
                    throw py::value_error("ruleset: got `" + ruleset + "`, expected flee or native");
                return std::make_shared<ScenarioHandle>(std::move(s));
            },
            py::arg("dir"), py::arg("ruleset") = "flee")
        .def("copy",
             [](const ScenarioHandle& h) { return std::make_shared<ScenarioHandle>(h.scenario); })
        .def("set", &set_parameters, py::arg("overrides"))
        .def("run", &run, py::arg("seed") = std::nullopt, py::arg("threads") = 0,
             py::arg("set") = Overrides{}, py::arg("ignore_memory_estimate") = false)
        .def("parameters", [](const ScenarioHandle& h) { return parameters(h.scenario); })
        .def_property_readonly("name", [](const ScenarioHandle& h) { return h.scenario.name; })
        .def_property_readonly("source_file",
                               [](const ScenarioHandle& h) { return h.scenario.source_file; })
        .def_property_readonly("ruleset",
                               [](const ScenarioHandle& h) { return h.scenario.ruleset; })
        .def_property_readonly("days", [](const ScenarioHandle& h) { return h.scenario.days; })
        .def_property_readonly(
            "start_date",
            [](const ScenarioHandle& h) { return format_date(h.scenario.start_date); })
        .def_property(
            "seed", [](const ScenarioHandle& h) { return h.scenario.seed; },
            [](ScenarioHandle& h, std::uint64_t seed) {
                if (h.running > 0)
                    throw std::runtime_error("cannot change a scenario while it runs");
                h.scenario.seed = seed;
            })
        .def_property_readonly("regions",
                               [](const ScenarioHandle& h) {
                                   std::vector<std::string> names;
                                   for (const Region& r : h.scenario.regions)
                                       names.push_back(r.name);
                                   return names;
                               })
        .def_property_readonly("region_types", [](const ScenarioHandle& h) {
            std::vector<std::string> types;
            for (const Region& r : h.scenario.regions) types.emplace_back(to_string(r.type));
            return types;
        });
    m.def("parameter_table", &parameter_table);
    // `migflow sensitivity`'s table (sweep/sensitivity.hpp), column by column, for
    // migflow/_sensitivity.py to label.
    m.def(
        "sensitivity",
        [](const std::string& index, int resamples, double level, std::uint64_t seed) {
            const SensitivityTable t = analyse_sweep_index(index, {resamples, level, seed});
            const bool sobol = t.method == "sobol";
            std::vector<std::string> names = sobol ? std::vector<std::string>{"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"}
                                                   : std::vector<std::string>{"mu", "mu_star", "mu_star_low", "mu_star_high", "sigma"};
            std::vector<std::vector<double>> columns(names.size());
            std::vector<std::string> outcome, parameter;
            std::vector<int> used;
            for (const SensitivityRow& r : t.rows) {
                outcome.push_back(r.outcome), parameter.push_back(r.parameter), used.push_back(r.groups);
                const std::vector<double> v =
                    sobol ? std::vector<double>{r.sobol.s1, r.sobol.s1_ci.low, r.sobol.s1_ci.high, r.sobol.st, r.sobol.st_ci.low, r.sobol.st_ci.high}
                          : std::vector<double>{r.morris.mu, r.morris.mu_star, r.morris.mu_star_ci.low, r.morris.mu_star_ci.high, r.morris.sigma};
                for (std::size_t c = 0; c < v.size(); ++c) columns[c].push_back(v[c]);
            }
            py::dict out;
            out["method"] = t.method;
            out["parameters"] = t.parameters;
            out["outcomes"] = t.outcomes;
            out["groups"] = t.groups;
            out["seeds_per_point"] = t.seeds_per_point;
            out["notes"] = t.notes;
            out["outcome"] = outcome;
            out["parameter"] = parameter;
            out["used"] = used;
            py::dict values;
            for (std::size_t c = 0; c < names.size(); ++c) values[py::str(names[c])] = columns[c];
            out["values"] = values;
            return out;
        },
        py::arg("index"), py::arg("resamples"), py::arg("level"), py::arg("seed"));
    // The output catalogue (sim/output/catalogue.cpp) as `migflow schema --json` prints it.
    m.def("schema", [] { return catalogue_json(); });
    // The seal check of `migflow info` (result_check.hpp), before h5py parses a byte.
    m.def("check_result_file", [](const std::string& path) {
        const ResultCheck c = check_result_file(path);
        const char* status = c.status == ResultCheck::Status::sealed     ? "sealed"
                             : c.status == ResultCheck::Status::unsealed ? "unsealed"
                             : c.status == ResultCheck::Status::foreign  ? "foreign"
                                                                         : "damaged";
        return std::pair<std::string, std::string>(status, c.message);
    });
}
