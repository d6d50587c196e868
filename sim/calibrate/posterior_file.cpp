// posterior.h5 (docs/OUTPUT.md "Posterior files"): the weighted sample of coefficient
// sets, the tolerance schedule, the warnings and the posterior predictive bands, written
// like every result file: a locked `.partial`, sealed, renamed into place.
#include <filesystem>
#include <stdexcept>

#include "migflow/calibrate/posterior.hpp"
#include "migflow/core/build_info.hpp"
#include "migflow/engine/ruleset.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_header.hpp"
#include "output/sealed_file.hpp"

namespace migflow {

namespace {

std::string posterior_unit_of(const std::string& key) {
    for (const RulesetEntry& r : rulesets())
        for (const RulesetParam& d : r.params())
            if (key == d.path()) return std::string(d.unit);
    return "";
}

// [rows][cols] as one row-major block.
std::vector<double> posterior_flat(const std::vector<std::vector<double>>& m) {
    std::vector<double> out;
    for (const auto& r : m) out.insert(out.end(), r.begin(), r.end());
    return out;
}

void posterior_matrix(H5::Group& g, const std::string& name, const std::vector<std::vector<double>>& m,
                      const std::string& units, const std::string& description) {
    const std::vector<double> flat = posterior_flat(m);
    detail::write_matrix(g, name, flat.data(), m.size(), m.empty() ? 0 : m.front().size(), 4, units, description);
}

}  // namespace

void write_posterior_file(const std::string& path, const CalibrationSpec& spec, const CalibrationResult& r,
                          const std::vector<std::string>& case_names) {
    if (!r.abc) throw std::logic_error("write_posterior_file: not an ABC-SMC result");
    using detail::set_attr;
    const AbcResult& abc = *r.abc;
    std::vector<std::string> inputs{spec.file};
    for (const CalibrationCase& c : spec.cases) inputs.push_back(c.path);
    detail::SealedFile out(path);
    out.create(inputs);
    H5::Exception::dontPrint();
    try {
        {
            H5::H5File& f = out.file();
            H5::Group root = f.openGroup("/");
            set_attr(root, "kind", "posterior");
            set_attr(root, "schema_version", 1);
            set_attr(root, "migflow_version", MIGFLOW_VERSION);
            for (const BuildItem& b : build_info()) set_attr(root, "build_" + b.name, b.value);
            set_attr(root, "calibration_file", spec.file);
            set_attr(root, "calibration_settings", calibration_fingerprint(spec));
            set_attr(root, "method", "abc-smc");
            set_attr(root, "objective", to_string(spec.objective));
            set_attr(root, "cases", [&] {
                std::string s;
                for (const auto& n : case_names) s += (s.empty() ? "" : ",") + n;
                return s;
            }());
            set_attr(root, "particles", static_cast<std::int64_t>(spec.abc.sampler.particles));
            set_attr(root, "seeds_per_particle", static_cast<std::int64_t>(spec.abc.seeds_per_particle));
            set_attr(root, "quantile", spec.abc.sampler.quantile);
            set_attr(root, "min_acceptance_rate", spec.abc.sampler.min_acceptance_rate);
            set_attr(root, "abc_seed", static_cast<std::uint64_t>(spec.abc.sampler.seed));
            set_attr(root, "stop_reason", abc.stop_reason);
            set_attr(root, "model_runs", static_cast<std::int64_t>(r.abc_runs));
            set_attr(root, "wall_seconds", r.wall_seconds);
            set_attr(root, "converged", r.warnings.empty() ? 1 : 0);
            std::string warnings;
            for (const auto& w : r.warnings) warnings += w + "\n";
            set_attr(root, "warnings", warnings);

            H5::Group p = f.createGroup("/posterior");
            set_attr(p, "distance", "the objective " + to_string(spec.objective) +
                                        " averaged over the cases, each the mean over seeds_per_particle fresh seeds");
            set_attr(p, "prior", "uniform over each parameter's range (log-uniform where log is 1)");
            std::vector<std::string> names, units;
            std::vector<double> lo, hi, point = r.history.at(r.best).values;
            std::vector<std::int32_t> log;
            for (const CalibrationParameter& q : spec.parameters) {
                names.push_back(q.key);
                units.push_back(posterior_unit_of(q.key));
                lo.push_back(q.lo), hi.push_back(q.hi), log.push_back(q.log ? 1 : 0);
            }
            detail::write_strings(p, "parameters", names, "1", "the fitted coefficients, the columns of theta");
            detail::write_strings(p, "units", units, "1", "each coefficient's unit (empty: flee.* keys)");
            detail::write_vector(p, "lower", lo, "parameter units", "each coefficient's prior range: low end");
            detail::write_vector(p, "upper", hi, "parameter units", "each coefficient's prior range: high end");
            detail::write_vector(p, "log", log, "1", "1: log-uniform prior and kernel on the log scale");
            posterior_matrix(p, "theta", posterior_values(spec, abc.population), "parameter units",
                             "[particle x parameter] the last generation's coefficient sets");
            detail::write_vector(p, "weights", abc.population.weights, "1", "each particle's importance weight (sum 1)");
            detail::write_vector(p, "distance", abc.population.distances, to_string(spec.objective),
                                 "each particle's distance to the observed data");
            detail::write_vector(p, "point", point, "parameter units",
                                 "the particle of smallest distance: best.yaml's values");

            H5::Group g = f.createGroup("/generations");
            std::vector<double> eps, rate, ess;
            std::vector<std::int64_t> attempts, sims, scored;
            for (const AbcGeneration& x : abc.generations) {
                eps.push_back(x.tolerance), rate.push_back(x.acceptance_rate), ess.push_back(x.ess);
                attempts.push_back(x.attempts), sims.push_back(x.simulations), scored.push_back(x.scored);
            }
            detail::write_vector(g, "tolerance", eps, to_string(spec.objective),
                                 "ε of each generation (inf for generation 0, the prior sample)");
            detail::write_vector(g, "acceptance_rate", rate, "1", "particles / simulations");
            detail::write_vector(g, "ess", ess, "particles", "effective sample size 1 / Σ w² of the weights");
            detail::write_vector(g, "attempts", attempts, "proposals", "proposals drawn (outside the prior included)");
            detail::write_vector(g, "simulations", sims, "proposals",
                                 "proposals inside the prior the sampler needed (each particle's up to its accepted one)");
            detail::write_vector(g, "scored", scored, "proposals",
                                 "proposals scored (simulations and those run alongside past a particle's accepted one), "
                                 "each with every case x seeds_per_particle model runs");

            if (!r.predictive.empty()) {
                H5::Group pp = f.createGroup("/predictive");
                set_attr(pp, "draws", static_cast<std::int64_t>(r.predictive.front().draws));
                set_attr(pp, "method", "coefficient sets drawn from the posterior by weight, one fresh seed each; "
                                       "quantiles linear between order statistics; CRPS the sample formula "
                                       "mean|X - y| - mean|X - X'|/2");
                for (const PredictiveCase& c : r.predictive) {
                    H5::Group cg = pp.createGroup(c.name);
                    detail::write_strings(cg, "camps", c.camps, "1", "the observed camps, the rows below");
                    posterior_matrix(cg, "observed", c.observed, "people", "[camp x day] observed count");
                    for (const auto& [name, m] : {std::pair{"q05", &c.q05}, std::pair{"q25", &c.q25}, std::pair{"q50", &c.q50},
                                                  std::pair{"q75", &c.q75}, std::pair{"q95", &c.q95}})
                        posterior_matrix(cg, name, *m, "people", std::string("[camp x day] quantile ") + name +
                                                                     " of the predictive runs");
                    detail::write_vector(cg, "coverage50", c.coverage50, "1", "share of the camp's days inside q25..q75");
                    detail::write_vector(cg, "coverage90", c.coverage90, "1", "share of the camp's days inside q05..q95");
                    detail::write_vector(cg, "crps", c.crps, "people", "mean CRPS over the camp's days");
                    set_attr(cg, "coverage50", c.coverage50_all);
                    set_attr(cg, "coverage90", c.coverage90_all);
                    set_attr(cg, "crps", c.crps_all);
                    set_attr(cg, "crps_relative", c.crps_relative);
                }
            }
            set_attr(root, "complete", 1);  // last: readers trust nothing without it
        }
        if (auto failed = out.close()) throw std::runtime_error("cannot write output file " + out.partial() + ": " + *failed);
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write output file " + out.partial() + ": " + detail::hdf5_failure(e));
    }
    out.publish();
}

}  // namespace migflow
