// Ensembles: replicates side by side on the TBB workers, reduced to quantile bands.
#include "migflow/sweep/ensemble.hpp"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>

#include "migflow/engine/resource_estimate.hpp"
#include "migflow/measures/ard.hpp"
#include "migflow/engine/simulation.hpp"

namespace migflow {

std::vector<std::uint64_t> replicate_seeds(std::uint64_t base, std::size_t n) {
    std::vector<std::uint64_t> seeds(n);
    for (std::size_t k = 0; k < n; ++k) seeds[k] = base + k;
    return seeds;
}

double ensemble_memory_bytes(const Scenario& s, std::size_t replicates) {
    const double days = double(std::max<Day>(s.days, 0));
    return double(replicates) * days *
           double(MemoryRecorder::values_per_day(s.regions.size(), s.routes.size())) * 8.0;
}

namespace {

double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? double(pages) * double(page) : 0.0;
}

}  // namespace

void check_ensemble_memory(const Scenario& s, std::size_t replicates, int runs_side_by_side,
                           double limit_bytes) {
    const double physical = physical_memory_bytes();
    const double limit = limit_bytes > 0 ? limit_bytes : physical / 2;
    const double need = ensemble_memory_bytes(s, replicates) * runs_side_by_side;
    if (limit <= 0 || need <= limit) return;
    const auto per_day = MemoryRecorder::values_per_day(s.regions.size(), s.routes.size());
    throw std::runtime_error(
        "an ensemble keeps every replicate's series in memory for the quantiles: " +
        std::string(runs_side_by_side > 1 ? std::to_string(runs_side_by_side) + " scenarios x " : "") +
        std::to_string(replicates) + " replicates x " + std::to_string(s.days) + " days x " +
        std::to_string(per_day) + " values per day (" + std::to_string(s.regions.size()) +
        " regions, " + std::to_string(s.routes.size()) + " routes) x 8 B = " + memory_text(need) +
        ", more than " + (limit_bytes > 0 ? "the limit of " + memory_text(limit) : "half this machine's memory (" + memory_text(limit) + ")") +
        "; use fewer replicates or a shorter run");
}

void check_ensemble_fits(const Scenario& s, std::size_t replicates, int runs_side_by_side, int threads) {
    check_ensemble_memory(s, replicates, runs_side_by_side);
    // Replicates run one per worker thread, each a whole run with its agents; the sides
    // of a comparison run one after the other but keep their series until the end.
    const double at_once =
        std::min<double>(double(replicates), threads > 0 ? threads : tbb::info::default_concurrency());
    const double need = double(runs_side_by_side) * ensemble_memory_bytes(s, replicates) +
                        at_once * estimate_run(s, 1, threads).memory_bytes;
    check_memory_fits(need,
                      "this ensemble (" + std::to_string(replicates) + " replicates, " +
                          std::to_string(int(at_once)) + " running at once)",
                      machine_memory());
}

Replicates run_replicates(const Scenario& s, const std::vector<std::uint64_t>& seeds, int threads,
                          const std::function<void(std::size_t, std::size_t)>& done, const std::atomic<int>* stop) {
    const auto start = std::chrono::steady_clock::now();
    const int cores = tbb::info::default_concurrency();
    Replicates out;
    out.seeds = seeds;
    out.threads = threads > 0 ? std::min(threads, cores) : cores;
    out.runs.resize(seeds.size());
    std::vector<std::int64_t> steps(seeds.size(), 0);
    std::mutex progress_mutex;
    std::size_t finished = 0;
    tbb::task_arena arena(out.threads);
    arena.execute([&] {
        // One replicate per task; each replicate's own kernel loops nest inside and use
        // idle workers, so N = 1 still uses every thread.
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, seeds.size(), 1), [&](const auto& range) {
            for (std::size_t k = range.begin(); k < range.end(); ++k) {
                RunOptions o;
                o.seed = seeds[k];
                o.in_caller_arena = true;
                o.stop = stop;
                Simulation sim(s, o);
                steps[k] = sim.run(out.runs[k]).agent_steps;
                if (done) {
                    std::lock_guard lock(progress_mutex);
                    done(++finished, seeds.size());
                }
            }
        });
    });
    for (auto n : steps) out.agent_steps += n;
    out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

namespace {

// Bands of value(k, t, i) over replicates k for every outcome series; `base` (when
// given) is subtracted replicate by replicate.
std::vector<Band> bands_of(const std::vector<MemoryRecorder>& runs, const std::vector<MemoryRecorder>* base) {
    const std::size_t N = runs.size();
    std::vector<std::vector<SeriesView>> cat(N), base_cat(base ? N : 0);
    for (std::size_t k = 0; k < N; ++k) cat[k] = runs[k].series();
    for (std::size_t k = 0; k < base_cat.size(); ++k) base_cat[k] = (*base)[k].series();
    std::vector<Band> out;
    if (N == 0) return out;
    for (std::size_t j = 0; j < cat[0].size(); ++j) {
        const SeriesView& head = cat[0][j];
        if (head.group != "series") continue;
        const std::size_t T = head.days, W = head.width;
        for (std::size_t k = 0; k < N; ++k) {
            const bool same = cat[k][j].days == T && cat[k][j].width == W &&
                              (!base || (base_cat[k][j].days == T && base_cat[k][j].width == W));
            if (!same)
                throw std::invalid_argument("ensemble: replicates differ in the shape of series " + head.name +
                                            " (two scenarios compared must have the same days, regions and routes)");
        }
        // [cell][replicate], so each cell's values are contiguous for the sort.
        std::vector<double> vals(T * W * N), row(W), minus(W);
        for (std::size_t k = 0; k < N; ++k)
            for (std::size_t t = 0; t < T; ++t) {
                cat[k][j].row(t, row.data());
                if (base) base_cat[k][j].row(t, minus.data());
                for (std::size_t i = 0; i < W; ++i) vals[(t * W + i) * N + k] = base ? row[i] - minus[i] : row[i];
            }
        Band b{head.name, head.units, head.description, head.shape, T, W, {}, {}};
        for (auto& q : b.q) q.resize(T * W);
        b.mean.resize(T * W);
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, T * W, 256), [&](const auto& r) {
            for (std::size_t c = r.begin(); c < r.end(); ++c) {
                double* x = vals.data() + c * N;
                std::sort(x, x + N);
                double sum = 0.0;
                for (std::size_t k = 0; k < N; ++k) sum += x[k];
                b.mean[c] = sum / double(N);
                for (std::size_t l = 0; l < band_levels.size(); ++l) b.q[l][c] = quantile_sorted(x, N, band_levels[l]);
            }
        });
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace

std::vector<Band> ensemble_bands(const std::vector<MemoryRecorder>& runs) { return bands_of(runs, nullptr); }

std::vector<Band> difference_bands(const std::vector<MemoryRecorder>& baseline,
                                   const std::vector<MemoryRecorder>& scenario) {
    if (baseline.size() != scenario.size())
        throw std::invalid_argument("difference_bands: the two ensembles have different replicate counts");
    return bands_of(scenario, &baseline);
}

std::vector<CampReplicates> camp_outcomes(const Scenario& s, const std::vector<MemoryRecorder>& runs) {
    std::vector<CampReplicates> out;
    const double ppa = s.agents.people_per_agent;
    for (std::size_t r = 0; r < s.regions.size(); ++r) {
        if (s.regions[r].type != RegionType::camp) continue;
        CampReplicates c;
        c.region = static_cast<RegionIndex>(r);
        for (const MemoryRecorder& run : runs) {
            double peak = -1.0, peak_day = 0.0, arrivals = 0.0;
            for (std::size_t t = 0; t < run.population.size(); ++t) {
                const double p = run.population[t][r];
                if (p > peak) peak = p, peak_day = double(t);
                arrivals += double(run.arrivals[t][r]) * ppa;
            }
            c.peak_population.push_back(std::max(peak, 0.0));
            c.peak_day.push_back(peak_day);
            c.arrivals_people.push_back(arrivals);
            // Full as the run's own camp outcomes say (a camp without capacity is never full).
            CampOutcome full;
            for (const CampOutcome& o : run.camps.camps())
                if (o.region == c.region) full = o;
            c.first_day_full.push_back(double(full.first_full));
            c.days_full.push_back(double(full.days_full));
            c.turned_away.push_back(double(full.refused) * ppa);
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<CampReplicates> camp_differences(const std::vector<CampReplicates>& baseline,
                                          const std::vector<CampReplicates>& scenario) {
    std::vector<CampReplicates> out;
    for (std::size_t c = 0; c < std::min(baseline.size(), scenario.size()); ++c) {
        CampReplicates d;
        d.region = scenario[c].region;
        for (std::size_t k = 0; k < scenario[c].peak_population.size(); ++k) {
            d.peak_population.push_back(scenario[c].peak_population[k] - baseline[c].peak_population.at(k));
            d.arrivals_people.push_back(scenario[c].arrivals_people[k] - baseline[c].arrivals_people.at(k));
            d.days_full.push_back(scenario[c].days_full[k] - baseline[c].days_full.at(k));
            d.turned_away.push_back(scenario[c].turned_away[k] - baseline[c].turned_away.at(k));
        }
        out.push_back(std::move(d));
    }
    return out;
}

ReplicateArds replicate_ards(const Scenario& s, const std::vector<MemoryRecorder>& runs) {
    ReplicateArds out;
    const Observations& obs = s.observed;
    const std::size_t K = obs.region.size();
    if (K == 0) return out;
    // As a single run compares them (Hdf5Recorder::write_validation): the days both sides have.
    for (const MemoryRecorder& run : runs) {
        std::size_t n = run.population.size();
        for (const auto& c : obs.count) n = std::min(n, c.size());
        std::vector<std::vector<double>> sim(K, std::vector<double>(n)), ob(K);
        for (std::size_t k = 0; k < K; ++k) {
            const auto r = static_cast<std::size_t>(obs.region[k]);
            for (std::size_t t = 0; t < n; ++t) sim[k][t] = run.population[t].at(r);
            ob[k].assign(obs.count[k].begin(), obs.count[k].begin() + static_cast<std::ptrdiff_t>(n));
        }
        const Validation v = compute_ard(sim, ob);
        out.rescaled.push_back(v.ard_rescaled);
        out.unrescaled.push_back(v.ard_unrescaled);
    }
    return out;
}

}  // namespace migflow
