// `method: abc-smc`: the sampler of abc_smc.cpp with the model as its simulator. A
// proposal's distance is the calibration objective (mean over cases) of runs with
// seeds_per_particle seeds of its own, keyed by (abc seed, generation, particle,
// attempt): fresh seeds for every proposal, so that no particle is kept for a lucky seed.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "migflow/calibrate/posterior.hpp"
#include "migflow/core/files.hpp"
#include "migflow/engine/rng.hpp"

namespace migflow {

namespace {

namespace fs = std::filesystem;

// The files an ABC calibration writes (and an earlier calibration in the folder left).
const std::vector<std::string> abc_outputs = {"posterior.h5", "best.yaml",       "predictive.csv",
                                              "history.csv",  "convergence.svg"};

void abc_prepare_output(const CalibrationSpec& spec, const CalibrationOptions& opt) {
    const fs::path dir = opt.output_dir, fp = dir / "calibration.txt";
    const bool present = fs::exists(fp) || fs::exists(dir / "history.csv") || fs::exists(dir / "posterior.h5");
    if (opt.resume)
        throw std::runtime_error(dir.string() + ": --resume continues an optimiser's calibration; an ABC-SMC "
                                 "calibration starts again (--overwrite)");
    if (present && !opt.overwrite)
        throw std::runtime_error(dir.string() + " holds a calibration already: --overwrite replaces it");
    if (!opt.write) return;
    fs::create_directories(dir);
    for (const std::string& f : abc_outputs) fs::remove(dir / f);
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().starts_with("predictive_") && e.path().extension() == ".svg") fs::remove(e.path());
    write_file_atomically((dir / "calibration.txt").string(), calibration_fingerprint(spec));
}

// The model seeds of one proposal.
std::vector<std::uint64_t> abc_run_seeds(const AbcSpec& abc, const AbcProposal& p) {
    const std::uint64_t key = stream_key(abc.sampler.seed, Purpose::abc_run_seed, p.generation);
    const std::uint64_t index = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(p.particle)) << 32) |
                                static_cast<std::uint32_t>(p.attempt);
    std::vector<std::uint64_t> seeds;
    for (int j = 0; j < abc.seeds_per_particle; ++j)
        seeds.push_back(detail::mix64(random_bits(key, index) ^ (static_cast<std::uint64_t>(j) + 1) * 0xd1b54a32d192ed03ULL));
    return seeds;
}

}  // namespace

CalibrationResult run_abc_calibration(const CalibrationSpec& spec, CalibrationEvaluator& evaluator,
                                      const CalibrationOptions& opt) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> names;
    for (std::size_t i : evaluator.cases()) names.push_back(spec.cases[i].name);
    Team* team = evaluator.team();
    if (!opt.output_dir.empty()) {
        auto prepare = [&] { abc_prepare_output(spec, opt); };
        if (team && team->size() > 1) together(*team, prepare);
        else prepare();
    }
    const std::size_t P = spec.parameters.size();
    CalibrationResult result;
    auto distances = [&](const std::vector<AbcProposal>& batch) {
        std::vector<EvaluationRequest> requests;
        for (const AbcProposal& p : batch) {
            EvaluationRequest r;
            for (std::size_t d = 0; d < P; ++d) r.values.push_back(unit_to_value(spec.parameters[d], p.u[d]));
            r.seeds = abc_run_seeds(spec.abc, p);
            requests.push_back(std::move(r));
        }
        const auto scores = evaluator.evaluate_batch(requests);
        result.abc_runs += static_cast<long long>(batch.size() * names.size()) * spec.abc.seeds_per_particle;
        std::vector<double> d;
        for (const auto& s : scores) d.push_back(total_objective(s));
        return d;
    };
    auto progress = [&](int g, const AbcGeneration& x) {
        if (!opt.note) return;
        char buf[256];
        std::snprintf(buf, sizeof buf, "generation %d: tolerance %.6g, acceptance rate %.3f, ESS %.0f, %lld proposals scored",
                      g, x.tolerance, x.acceptance_rate, x.ess, x.scored);
        opt.note(buf);
    };
    // Stop flags are not shared between processes here: with several, only the end stops them.
    result.abc = run_abc_smc(static_cast<int>(P), spec.abc.sampler, distances,
                             team && team->size() > 1 ? nullptr : opt.stop, progress);
    const AbcResult& abc = *result.abc;
    result.stopped = abc.stopped;
    result.stop_reason = abc.stop_reason;
    // best.yaml: the particle of smallest distance, scored as the optimiser scores its
    // points (the file's seeds), so `validate` and `run --set-file` see the same numbers.
    const std::vector<std::vector<double>> values = posterior_values(spec, abc.population);
    std::size_t best = 0;
    for (std::size_t i = 1; i < values.size(); ++i)
        if (abc.population.distances[i] < abc.population.distances[best]) best = i;
    CalibrationRow row;
    row.evaluation = 1;
    row.values = values[best];
    const auto t0 = std::chrono::steady_clock::now();
    row.case_scores = evaluator.evaluate(row.values);
    row.total = total_objective(row.case_scores);
    row.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.history.push_back(row);
    result.best = 0;
    result.warnings = abc_warnings(spec, abc);
    if (spec.abc.predictive_draws > 0 && !(team && team->size() > 1) && !result.stopped) {
        if (opt.note) opt.note("posterior predictive check: " + std::to_string(spec.abc.predictive_draws) + " draws");
        result.predictive = posterior_predictive(spec, evaluator, values, abc.population.weights,
                                                 spec.abc.predictive_draws, spec.abc.sampler.seed);
    }
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!opt.output_dir.empty() && opt.write) {
        const fs::path dir = opt.output_dir;
        write_posterior_file((dir / "posterior.h5").string(), spec, result, names);
        write_file_atomically((dir / "best.yaml").string(), best_yaml(spec, row, names, result.warnings));
        if (!result.predictive.empty()) {
            write_file_atomically((dir / "predictive.csv").string(), predictive_csv(result.predictive));
            for (const PredictiveCase& c : result.predictive)
                write_file_atomically((dir / ("predictive_" + c.name + ".svg")).string(), predictive_svg(c));
        }
    }
    return result;
}

}  // namespace migflow
