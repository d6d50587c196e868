// Ensemble and comparison result files: bands per series, per-replicate camp outcomes.
#include <H5Cpp.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "migflow/measures/quantile.hpp"
#include "migflow/output/catalogue.hpp"
#include "migflow/output/ensemble_file.hpp"
#include "output/events_writer.hpp"
#include "output/hdf5_util.hpp"
#include "output/sealed_file.hpp"
#include "output/result_header.hpp"

namespace migflow {

namespace {

using detail::set_attr;

// Creates every missing group of an absolute path ("/comparison/difference").
H5::Group make_groups(H5::H5File& f, const std::string& path) {
    std::string at;
    std::size_t pos = 1;
    while (pos <= path.size()) {
        const auto next = std::min(path.find('/', pos), path.size());
        at = path.substr(0, next);
        if (!f.nameExists(at)) f.createGroup(at);
        pos = next + 1;
    }
    return f.openGroup(path);
}

void write_bands(H5::H5File& f, const std::string& group, const std::vector<Band>& bands, int level) {
    for (const Band& b : bands) {
        H5::Group g = make_groups(f, group + "/" + b.name);
        set_attr(g, "units", b.units);
        set_attr(g, "description", b.description);
        auto put = [&](const char* name, const std::vector<double>& v, const std::string& what) {
            if (b.shape == SeriesWidth::one) detail::write_vector(g, name, v, b.units, what);
            else detail::write_matrix(g, name, v.data(), b.days, b.width, level, b.units, what);
        };
        for (std::size_t l = 0; l < band_levels.size(); ++l)
            put(band_names[l], b.q[l],
                "quantile " + std::to_string(band_levels[l]).substr(0, 4) +
                    " across replicates (linear interpolation) of: " + b.description);
        put("mean", b.mean, "mean across replicates of: " + b.description);
    }
}

void write_camps(H5::H5File& f, const std::string& group, const Scenario& s,
                 const std::vector<CampReplicates>& camps, std::size_t replicates) {
    H5::Group g = make_groups(f, group + "/camp_outcomes");
    std::vector<std::int32_t> region;
    std::vector<std::string> name;
    for (const CampReplicates& c : camps) {
        region.push_back(c.region);
        name.push_back(s.regions.at(c.region).name);
    }
    detail::write_vector(g, "region", region, "1", "index in /regions of each camp");
    detail::write_strings(g, "name", name, "1", "name of each camp");
    const std::size_t C = camps.size();
    auto column = [&](const char* ds, std::vector<double> CampReplicates::*field, const char* units, const char* what) {
        if (C > 0 && (camps[0].*field).empty()) return;  // not given for this section
        std::vector<double> m(replicates * C);
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t k = 0; k < replicates; ++k) m[k * C + c] = (camps[c].*field).at(k);
        detail::write_matrix(g, ds, m.data(), replicates, C, 0, units, what);
    };
    column("peak_population", &CampReplicates::peak_population, "people",
           "[replicate x camp] highest population of any day");
    column("peak_day", &CampReplicates::peak_day, "day", "[replicate x camp] first day of the peak");
    column("arrivals", &CampReplicates::arrivals_people, "people",
           "[replicate x camp] arrivals over the whole run (agents x people_per_agent)");
    column("first_day_full", &CampReplicates::first_day_full, "day",
           "[replicate x camp] first day the camp is full (no room for the next mover, the single run's "
           "first_full_day); -1: never, or no capacity");
    column("days_full", &CampReplicates::days_full, "days", "[replicate x camp] days the camp is full");
    column("turned_away", &CampReplicates::turned_away, "people",
           "[replicate x camp] movers the camp refused, being full, summed over the days (a mover refused on "
           "several days counts each time)");
}

double median_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return quantile_sorted(v.data(), v.size(), 0.5);
}

// Each replicate's ARD under its section, and the observed counts once at /validation, whose
// attributes (what a single run stores there) are the median over the replicates of
// `summary_group` (the ensemble, or a comparison's baseline: the history observed).
void write_validation(H5::H5File& f, const Scenario& s, const std::vector<EnsembleSection>& sections,
                      std::size_t days) {
    const EnsembleSection* summary = nullptr;
    for (const EnsembleSection& sec : sections) {
        if (sec.ards.rescaled.empty()) continue;
        H5::Group g = make_groups(f, sec.group + "/validation");
        detail::write_vector(g, "ard_rescaled", sec.ards.rescaled, "1",
                             "[replicate] averaged relative difference to the observed counts, simulated rescaled "
                             "to the observed total (docs/FLEE.md)");
        detail::write_vector(g, "ard_unrescaled", sec.ards.unrescaled, "1",
                             "[replicate] the same without rescaling");
        if (!summary || sec.group.ends_with("/baseline")) summary = &sec;
    }
    if (!summary) return;
    const Observations& obs = s.observed;
    const std::size_t K = obs.region.size();
    H5::Group g = make_groups(f, "/validation");
    std::vector<std::string> names;
    for (RegionIndex r : obs.region) names.push_back(s.regions.at(r).name);
    auto about = [](const char* name) -> const DatasetSpec& { return static_dataset("validation", name); };
    detail::write_vector(g, "region", obs.region, about("region").units, about("region").description);
    detail::write_strings(g, "name", names, about("name").units, about("name").description);
    std::vector<double> m(days * K, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t t = 0; t < std::min(days, obs.count[k].size()); ++t) m[t * K + k] = obs.count[k][t];
    detail::write_matrix(g, "observed", m.data(), days, K, 0, about("observed").units, about("observed").description);
    set_attr(g, "ard_rescaled", median_of(summary->ards.rescaled));
    set_attr(g, "ard_unrescaled", median_of(summary->ards.unrescaled));
    set_attr(g, "ard_statistic", "median over the replicates of " + summary->group + "/validation/ard_*");
}

}  // namespace

void write_ensemble_file(const std::string& path, const World& w, const EnsembleFileSpec& spec) {
    const Scenario& s = *spec.scenario;
    std::vector<std::string> inputs = s.input_files;
    if (spec.baseline) inputs.insert(inputs.end(), spec.baseline->input_files.begin(), spec.baseline->input_files.end());
    detail::SealedFile out(path);
    out.create(inputs);
    const int level = std::clamp(s.output.compression, 0, 9);
    H5::Exception::dontPrint();
    // The system's reason for a failed write ("No space left on device") is on HDF5's error
    // stack only until the next HDF5 call: the objects this block closes while the
    // exception leaves it clear the stack, and errno is all that is left of the reason.
    errno = 0;
    try {
        {
            H5::H5File& f = out.file();
            detail::write_run_attributes(f, s, spec.seeds.empty() ? s.seed : spec.seeds.front(), spec.threads,
                                         MIGFLOW_VERSION);
            H5::Group root = f.openGroup("/");
            set_attr(root, "replicates", static_cast<std::int64_t>(spec.seeds.size()));
            set_attr(root, "ranks", 1);
            if (spec.baseline) {
                set_attr(root, "baseline_scenario_name", spec.baseline->name);
                set_attr(root, "baseline_scenario_file", spec.baseline->source_file);
                set_attr(root, "baseline_scenario_text", spec.baseline->source_text);
            }
            detail::write_time_and_network(f, s, w);
            detail::write_events(f, s, "/events");
            if (spec.baseline) detail::write_events(f, *spec.baseline, "/baseline_events");
            if (spec.drivers) {
                H5::Group d = f.createGroup("/drivers");
                for (const SeriesView& v : spec.drivers->series()) {
                    if (v.group != "drivers") continue;
                    std::vector<double> m(v.days * v.width);
                    for (std::size_t t = 0; t < v.days; ++t) v.row(t, m.data() + t * v.width);
                    detail::write_matrix(d, v.name, m.data(), v.days, v.width, level, v.units, v.description);
                }
            }
            H5::Group sg = make_groups(f, spec.seeds_group);
            set_attr(sg, "replicates", static_cast<std::int64_t>(spec.seeds.size()));
            set_attr(sg, "seed_rule", "replicate k runs with seed + k (k = 0 .. replicates-1)");
            set_attr(sg, "quantiles", "linear interpolation between order statistics (numpy's default)");
            detail::write_vector(sg, "seeds", spec.seeds, "1", "seed of each replicate, in replicate order");
            for (const EnsembleSection& sec : spec.sections) {
                write_bands(f, sec.group, sec.bands, level);
                write_camps(f, sec.group, s, sec.camps, spec.seeds.size());
            }
            // The observed data are the scenario's (a comparison's baseline holds the same regions and days).
            write_validation(f, spec.baseline && !spec.baseline->observed.region.empty() ? *spec.baseline : s,
                             spec.sections, static_cast<std::size_t>(s.days));
            set_attr(root, "wall_seconds", spec.wall_seconds);
            set_attr(root, "agent_steps", spec.agent_steps);
            set_attr(root, "complete", 1);  // last: readers trust nothing without it
        }
        if (auto failed = out.close()) throw std::runtime_error("cannot write output file " + out.partial() + ": " + *failed);
    } catch (const H5::Exception& e) {
        const int write_errno = errno;
        throw std::runtime_error("cannot write output file " + out.partial() + ": " + detail::hdf5_failure(e, write_errno));
    }
    out.publish();
}

}  // namespace migflow
