// One calibration evaluation: cases x seeds run side by side in one TBB arena (and shared
// out over MPI ranks), each with a recorder that keeps only the observed regions' counts.
#include "migflow/calibrate/evaluate.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "migflow/calibrate/objective.hpp"
#include "migflow/engine/resource_estimate.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/overrides.hpp"

namespace migflow {

namespace {

// Keeps the daily population of the observed regions and nothing else: a calibration
// run writes no file and holds no series it does not score.
class ObservedRecorder final : public Recorder {
public:
    explicit ObservedRecorder(const Observations& obs) : obs_(obs), counts_(obs.region.size()) {}
    void begin(const Scenario& s, const World&, const RunInfo&) override {
        for (auto& c : counts_) c.reserve(static_cast<std::size_t>(std::max<Day>(s.days, 0)));
    }
    void record(const DayRecord& day) override {
        for (std::size_t k = 0; k < counts_.size(); ++k)
            counts_[k].push_back(day.population[static_cast<std::size_t>(obs_.region[k])]);
    }
    void finish(const RunSummary&) override {}
    const std::vector<std::vector<double>>& counts() const { return counts_; }

private:
    const Observations& obs_;
    std::vector<std::vector<double>> counts_;
};

// The observed counts cut to the days both the run and the data cover, as the result
// file's /validation does (hdf5_recorder.cpp write_validation).
double score(CalibrationObjective o, const Observations& obs, std::vector<std::vector<double>> sim) {
    std::size_t n = sim.empty() ? 0 : sim.front().size();
    for (const auto& c : obs.count) n = std::min(n, c.size());
    std::vector<std::vector<double>> ob(obs.count.size());
    for (std::size_t k = 0; k < ob.size(); ++k) {
        ob[k].assign(obs.count[k].begin(), obs.count[k].begin() + static_cast<std::ptrdiff_t>(n));
        sim[k].resize(n);
    }
    return score_run(o, sim, ob);
}

}  // namespace

std::string exact_number(double v) {
    char buf[40];
    for (int precision : {15, 16, 17}) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

Overrides parameter_overrides(const std::vector<CalibrationParameter>& parameters, const std::vector<double>& values) {
    Overrides out;
    for (std::size_t i = 0; i < parameters.size(); ++i) out.emplace_back(parameters[i].key, exact_number(values.at(i)));
    return out;
}

Scenario load_calibration_case(const CalibrationCase& c) {
    Scenario s;
    if (std::filesystem::is_directory(c.path)) {
        s = import_flee_case(c.path);
        if (c.native) s = flee_case_as_native(std::move(s));
        apply_parameter_overrides(s, c.set);
    } else {
        s = load_scenario(c.path, c.set);
    }
    if (s.observed.region.empty())
        throw InputError({Problem{c.path, 0, 0, "observed", "case `" + c.name + "` has no observed data to score"}});
    return s;
}

struct CalibrationEvaluator::Loaded {
    Scenario scenario;
};

CalibrationEvaluator::CalibrationEvaluator(const CalibrationSpec& spec, std::vector<std::size_t> cases, int threads,
                                           Team* team)
    : spec_(spec), cases_(std::move(cases)), threads_(threads), team_(team) {
    if (cases_.empty()) {
        cases_.resize(spec.cases.size());
        std::iota(cases_.begin(), cases_.end(), std::size_t{0});
    }
    std::vector<Problem> problems;
    for (std::size_t i : cases_) {
        const CalibrationCase& c = spec.cases.at(i);
        try {
            auto l = std::make_unique<Loaded>();
            l->scenario = load_calibration_case(c);
            for (const CalibrationParameter& p : spec.parameters)
                if (l->scenario.ruleset == "flee" && !p.key.starts_with("flee."))
                    problems.push_back({spec.file, c.line, c.column, "parameters." + p.key,
                                        "has no effect on case `" + c.name + "`, which runs Flee's rules "
                                        "(give it `ruleset: native`, or fit flee.* keys)"});
                else if (l->scenario.ruleset != "flee" && p.key.starts_with("flee."))
                    problems.push_back({spec.file, c.line, c.column, "parameters." + p.key,
                                        "has no effect on case `" + c.name + "`, which runs the native model"});
            loaded_.push_back(std::move(l));
        } catch (const InputError& e) {
            problems.insert(problems.end(), e.problems().begin(), e.problems().end());
        }
    }
    if (!problems.empty()) throw InputError(problems);
}

CalibrationEvaluator::~CalibrationEvaluator() = default;

void check_calibration_memory(const CalibrationSpec& spec, int threads) {
    const int cores = tbb::info::default_concurrency();
    const std::size_t at_once = std::min<std::size_t>(spec.cases.size() * spec.seeds.size(),
                                                      static_cast<std::size_t>(threads > 0 ? std::min(threads, cores) : cores));
    double largest = 0;
    for (const CalibrationCase& c : spec.cases)
        largest = std::max(largest, estimate_run(load_calibration_case(c), 1, 1).memory_bytes);
    check_memory_fits(static_cast<double>(at_once) * largest,
                      "this calibration (" + std::to_string(at_once) + " runs at once, each up to " + memory_text(largest) + ")",
                      machine_memory());
}

std::vector<double> CalibrationEvaluator::loaded_values() const {
    std::vector<double> v;
    const Scenario& s = loaded_.front()->scenario;
    for (const CalibrationParameter& p : spec_.parameters) {
        const auto x = parameter_value(s, p.key);
        v.push_back(std::clamp(x.value_or(0.5 * (p.lo + p.hi)), p.lo, p.hi));
    }
    return v;
}

const Scenario& CalibrationEvaluator::scenario(std::size_t k) const { return loaded_.at(k)->scenario; }

std::vector<double> CalibrationEvaluator::evaluate(const std::vector<double>& values) {
    return evaluate_batch({EvaluationRequest{values, spec_.seeds}}).front();
}

std::vector<std::vector<double>> CalibrationEvaluator::evaluate_batch(const std::vector<EvaluationRequest>& requests) {
    std::vector<std::vector<double>> out;
    run_batch(requests, &out, nullptr);
    return out;
}

std::vector<std::vector<std::vector<std::vector<double>>>> CalibrationEvaluator::observed_series(
    const std::vector<EvaluationRequest>& requests) {
    std::vector<std::vector<std::vector<std::vector<double>>>> series;
    run_batch(requests, nullptr, &series);
    return series;
}

void CalibrationEvaluator::run_batch(const std::vector<EvaluationRequest>& requests,
                                     std::vector<std::vector<double>>* scores,
                                     std::vector<std::vector<std::vector<std::vector<double>>>>* series) {
    const std::size_t R = requests.size(), C = cases_.size();
    // Run k: request run_request[k], case run_case[k], seed run_seed[k]; requests, then
    // cases, then seeds, in order (the order the scores are summed in).
    std::vector<std::size_t> run_request, run_case, first_run(R + 1, 0);
    std::vector<std::uint64_t> run_seed;
    for (std::size_t r = 0; r < R; ++r) {
        first_run[r] = run_request.size();
        for (std::size_t c = 0; c < C; ++c)
            for (std::uint64_t seed : requests[r].seeds) {
                run_request.push_back(r);
                run_case.push_back(c);
                run_seed.push_back(seed);
            }
    }
    first_run[R] = run_request.size();
    const std::size_t N = run_request.size();
    // Each run applies its request's values to its own copy of the case, made in the task
    // that runs it: a batch of a thousand proposals holds a copy per core, not per proposal
    // (a copy and the overrides cost little next to a run).
    std::vector<Overrides> sets;
    for (const EvaluationRequest& r : requests) sets.push_back(parameter_overrides(spec_.parameters, r.values));
    // Run k runs on process k % size; the scores travel as their bit patterns (every
    // other process adds 0), so the sum is exact.
    const int rank = team_ ? team_->rank() : 0, size = team_ ? team_->size() : 1;
    if (series && size > 1) throw std::logic_error("observed_series runs on one process");
    std::vector<double> run_score(N, 0.0);
    std::vector<std::vector<std::vector<double>>> run_series(series ? N : 0);
    auto run_share = [&] {
        const int cores = tbb::info::default_concurrency();
        tbb::task_arena arena(threads_ > 0 ? std::min(threads_, cores) : cores);
        arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<std::size_t>(0, N, 1), [&](const auto& range) {
                for (std::size_t k = range.begin(); k < range.end(); ++k) {
                    if (static_cast<int>(k % static_cast<std::size_t>(size)) != rank) continue;
                    Scenario s = loaded_[run_case[k]]->scenario;
                    apply_parameter_overrides(s, sets[run_request[k]]);
                    RunOptions o;
                    o.seed = run_seed[k];
                    o.in_caller_arena = true;
                    ObservedRecorder rec(s.observed);
                    Simulation sim(s, o);
                    sim.run(rec);
                    if (series) run_series[k] = rec.counts();
                    else run_score[k] = score(spec_.objective, s.observed, rec.counts());
                }
            });
        });
    };
    if (team_ && size > 1) {
        together(*team_, run_share);
        std::vector<std::int64_t> bits(N);
        for (std::size_t k = 0; k < N; ++k) bits[k] = std::bit_cast<std::int64_t>(run_score[k]);
        team_->sum(bits);
        for (std::size_t k = 0; k < N; ++k) run_score[k] = std::bit_cast<double>(bits[k]);
    } else {
        run_share();
    }
    if (series) {
        series->assign(R, std::vector<std::vector<std::vector<double>>>(C));
        for (std::size_t r = 0; r < R; ++r) {
            const std::size_t S = requests[r].seeds.size();
            for (std::size_t c = 0; c < C; ++c)
                if (S > 0) (*series)[r][c] = std::move(run_series[first_run[r] + c * S]);
        }
    }
    if (scores) {
        scores->assign(R, std::vector<double>(C, 0.0));
        for (std::size_t r = 0; r < R; ++r) {
            const std::size_t S = requests[r].seeds.size();
            for (std::size_t c = 0; c < C; ++c) {
                double sum = 0.0;
                for (std::size_t j = 0; j < S; ++j) sum += run_score[first_run[r] + c * S + j];
                (*scores)[r][c] = S > 0 ? sum / static_cast<double>(S) : 0.0;
            }
        }
    }
}

double total_objective(const std::vector<double>& case_scores) {
    double sum = 0.0;
    for (double v : case_scores) sum += v;
    return case_scores.empty() ? 0.0 : sum / static_cast<double>(case_scores.size());
}

}  // namespace migflow
