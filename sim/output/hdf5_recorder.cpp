// HDF5 result file, layout in docs/OUTPUT.md (schema_version 1).
//
// Memory stays bounded for big runs: the [T x R] series are written in blocks of
// `block_days_` rows, and the block height is also the chunk height along time, so
// every flush writes whole chunks (no read-modify-write of compressed chunks).
#include <H5Cpp.h>

#include <cerrno>
#include <algorithm>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "output/dimension_scales.hpp"
#include "output/events_writer.hpp"
#include "output/hdf5_util.hpp"
#include "output/measures_writer.hpp"
#include "output/result_header.hpp"
#include "output/sealed_file.hpp"
#include "migflow/core/date.hpp"
#include "migflow/core/files.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/measures/ard.hpp"

namespace migflow {
namespace {

using detail::describe;
using detail::set_attr;
using detail::write_strings;
using detail::write_vector;

constexpr std::size_t max_block_days = 32;
constexpr std::size_t max_chunk_cols = 8192;
constexpr std::size_t buffer_budget_bytes = 64u << 20;  // all block buffers together

// One [T x width] dataset and the rows of the current block.
template <class T>
struct SeriesBlock {
    H5::DataSet ds;
    std::size_t width = 0;
    std::vector<T> rows;  // block_days x width, row-major

    void create(H5::Group& g, const std::string& name, std::size_t days, std::size_t w,
                std::size_t block_days, int compression, const std::string& units,
                const std::string& description) {
        width = w;
        rows.assign(block_days * w, T{});
        hsize_t dims[2] = {days, w};
        H5::DataSpace space(2, dims);
        H5::DSetCreatPropList plist;
        if (days > 0 && w > 0) {  // chunk dimensions must be positive
            hsize_t chunk[2] = {std::min(days, block_days), std::min(w, max_chunk_cols)};
            plist.setChunk(2, chunk);
            if (compression > 0) {
                plist.setShuffle();  // groups the bytes of counts: gzip then does far better
                plist.setDeflate(static_cast<unsigned>(compression));
            }
        }
        ds = detail::create_dataset(g, name, detail::h5_type<T>(), space, plist);
        describe(ds, units, description);
    }

    T* row(std::size_t i) { return rows.data() + i * width; }

    void put(std::size_t i, const T* src) { std::copy(src, src + width, row(i)); }

    // Writes rows [0, n) of the block at file rows [t0, t0 + n).
    void flush(std::size_t t0, std::size_t n) {
        if (n == 0 || width == 0) return;
        H5::DataSpace file_space = ds.getSpace();
        hsize_t start[2] = {t0, 0};
        hsize_t count[2] = {n, width};
        file_space.selectHyperslab(H5S_SELECT_SET, count, start);
        H5::DataSpace mem_space(2, count);
        ds.write(rows.data(), detail::h5_type<T>(), mem_space, file_space);
    }
};

class Hdf5Recorder final : public Recorder {
public:
    explicit Hdf5Recorder(std::string path) : out_(std::move(path)) {}

    ~Hdf5Recorder() override {
        if (out_.published() || !out_.created()) return;
        // Unfinished (an exception during the run): the datasets first, then out_ removes the file.
        try {
            close_all();
        } catch (...) {
        }
    }

    void begin(const Scenario& s, const World& w, const RunInfo& info) override;
    void record(const DayRecord& day) override;
    void finish(const RunSummary& summary) override;

private:
    void create_series(const Scenario& s);
    void flush_block();
    void write_validation(H5::Group& root);
    void label_dimensions();
    void write_snapshot(std::size_t t, const AgentStore& agents);
    void close_all();

    detail::SealedFile out_;
    const std::string& partial_ = out_.partial();  // named in messages

    const Scenario* scenario_ = nullptr;
    std::size_t days_ = 0, regions_ = 0, routes_ = 0;
    std::size_t block_days_ = 1;
    std::size_t block_start_ = 0;  // first day of the current block
    std::size_t recorded_ = 0;     // days recorded so far (they arrive in order)

    // One per catalogue series (catalogue.hpp), in its order: [T x width] series are
    // written a block at a time, [T] ones (`one`) kept whole and written at the end.
    struct Column {
        const SeriesSpec* spec = nullptr;
        std::size_t width = 0;
        SeriesBlock<double> f64;
        SeriesBlock<std::int64_t> i64;
        std::vector<std::int64_t> whole;
    };
    std::vector<Column> columns_;
    std::vector<SeriesRow> rows_;  // the day's rows of columns_, checked before any is kept
    const World* world_ = nullptr;
    CampTracker camps_;
    CountryTracker countries_;
    // From the last day's record; it lives in the Simulation until after finish().
    const OriginDestination* origins_ = nullptr;
    std::vector<std::vector<double>> observed_sim_;       // [k][day] for validation
};

void Hdf5Recorder::begin(const Scenario& s, const World& w, const RunInfo& info) {
    if (out_.created()) throw std::logic_error("HDF5 recorder: begin() called twice");
    out_.create(s.input_files);
    scenario_ = &s;
    world_ = &w;
    camps_.begin(w, s.agents.people_per_agent, info.full);
    countries_.begin(w);
    days_ = static_cast<std::size_t>(std::max<Day>(s.days, 0));
    regions_ = w.region_count();
    routes_ = w.route_count();
    observed_sim_.assign(s.observed.region.size(), std::vector<double>(days_, 0.0));

    try {
        detail::write_run_attributes(out_.file(), s, info.seed, info.threads, info.version);
        { H5::Group root = out_.file().openGroup("/"); set_attr(root, "ranks", info.ranks); }
        detail::write_time_and_network(out_.file(), s, w);
        detail::write_events(out_.file(), s, "/events");
        create_series(s);
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write output file " + partial_ + ": " + detail::hdf5_failure(e));
    }
}

void Hdf5Recorder::create_series(const Scenario& s) {
    columns_.clear();
    std::size_t per_day = 0;  // bytes of one buffered day, all block buffers together
    for (const SeriesSpec& spec : series_catalogue()) {
        Column c;
        c.spec = &spec;
        c.width = spec.width == SeriesWidth::regions ? regions_ : spec.width == SeriesWidth::routes ? routes_ : 1;
        if (spec.width != SeriesWidth::one) per_day += 8 * c.width;
        columns_.push_back(std::move(c));
    }
    block_days_ = std::clamp<std::size_t>(buffer_budget_bytes / std::max<std::size_t>(per_day, 1),
                                          1, max_block_days);
    block_days_ = std::max<std::size_t>(1, std::min(block_days_, days_));
    const int level = std::clamp(s.output.compression, 0, 9);
    const std::size_t T = days_, B = block_days_;

    for (Column& c : columns_) {
        const SeriesSpec& spec = *c.spec;
        const std::string group = "/" + spec.group;
        if (!out_.file().nameExists(group)) out_.file().createGroup(group);
        H5::Group g = out_.file().openGroup(group);
        if (spec.width == SeriesWidth::one) c.whole.assign(T, 0);
        else if (spec.type == ValueType::float64)
            c.f64.create(g, spec.name, T, c.width, B, level, spec.units, spec.description);
        else c.i64.create(g, spec.name, T, c.width, B, level, spec.units, spec.description);
    }
}

void Hdf5Recorder::record(const DayRecord& rec) {
    if (!out_.created() || out_.published()) throw std::logic_error("HDF5 recorder: record() outside begin/finish");
    if (rec.day < 0 || static_cast<std::size_t>(rec.day) != recorded_ || recorded_ >= days_)
        throw std::logic_error("HDF5 recorder: expected day " + std::to_string(recorded_) + " of " +
                               std::to_string(days_) + ", got day " + std::to_string(rec.day));
    if (!rec.state || !rec.tally) throw std::logic_error("HDF5 recorder: day record without state");
    const DayState& st = *rec.state;
    const DayTally& tl = *rec.tally;
    auto check = [&](std::size_t got, std::size_t want, const char* what) {
        if (got != want)
            throw std::logic_error(std::string("HDF5 recorder: ") + what + " has " +
                                   std::to_string(got) + " entries, expected " + std::to_string(want));
    };
    rows_.clear();
    for (const Column& c : columns_) {
        rows_.push_back(c.spec->row(rec));
        check(rows_.back().size, c.width, c.spec->name.c_str());
    }
    check(rec.population.size(), regions_, "population");
    check(st.inbound.size(), regions_, "inbound");
    check(tl.refused_full.size(), regions_, "refused_full");

    const std::size_t t = recorded_;
    if (t >= block_start_ + block_days_) {
        flush_block();
        block_start_ = t;
    }
    const std::size_t i = t - block_start_;
    for (std::size_t k = 0; k < columns_.size(); ++k) {
        Column& c = columns_[k];
        if (c.spec->width == SeriesWidth::one) c.whole[t] = *rows_[k].i64;
        else if (c.spec->type == ValueType::float64) c.f64.put(i, rows_[k].f64);
        else c.i64.put(i, rows_[k].i64);
    }
    const auto& obs_regions = scenario_->observed.region;
    for (std::size_t k = 0; k < obs_regions.size(); ++k)
        observed_sim_[k][t] = rec.population.at(static_cast<std::size_t>(obs_regions[k]));
    camps_.observe(rec.day, rec.population, st.inbound, tl.refused_full);
    countries_.observe(rec.population, tl);
    if (rec.origins) origins_ = rec.origins;
    if (rec.agents) write_snapshot(t, *rec.agents);
    ++recorded_;
}

// One agent column, chunked and compressed like the series.
template <class Column>
void write_agent_column(H5::Group& g, const std::string& name, const Column& v, int level,
                        const std::string& units, const std::string& description) {
    hsize_t dims[1] = {v.size()};
    H5::DataSpace space(1, dims);
    H5::DSetCreatPropList plist;
    if (!v.empty()) {
        hsize_t chunk[1] = {std::min<hsize_t>(v.size(), 1 << 20)};
        plist.setChunk(1, chunk);
        if (level > 0) {
            plist.setShuffle();
            plist.setDeflate(static_cast<unsigned>(level));
        }
    }
    using T = typename Column::value_type;
    H5::DataSet ds = detail::create_dataset(g, name, detail::h5_type<T>(), space, plist);
    if (!v.empty()) ds.write(v.data(), detail::h5_type<T>());
    describe(ds, units, description);
}

void Hdf5Recorder::write_snapshot(std::size_t t, const AgentStore& agents) {
    try {
        if (!out_.file().nameExists("/snapshots")) {
            H5::Group g = out_.file().createGroup("/snapshots");
            set_attr(g, "every", scenario_->output.snapshot_every);
        }
        char name[32];
        std::snprintf(name, sizeof name, "/snapshots/day_%05zu", t);
        H5::Group g = out_.file().createGroup(name);
        set_attr(g, "day", static_cast<std::int64_t>(t));
        set_attr(g, "date", format_date(scenario_->start_date + static_cast<DayNumber>(t)));
        const int level = std::clamp(scenario_->output.compression, 0, 9);
        write_agent_column(g, "region", agents.region, level, "1",
                           "per agent (index = agent id): region it stands in, or travels to");
        write_agent_column(g, "km_left", agents.km_left, level, "km",
                           "per agent: distance still to travel; 0 = standing in its region");
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write output file " + partial_ + ": " + detail::hdf5_failure(e));
    }
}

void Hdf5Recorder::flush_block() {
    const std::size_t n = std::min(block_days_, recorded_ - block_start_);
    try {
        for (Column& c : columns_) {
            c.f64.flush(block_start_, n);  // the unused block of a column has width 0: no-op
            c.i64.flush(block_start_, n);
        }
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write output file " + partial_ + ": " + detail::hdf5_failure(e));
    }
}

void Hdf5Recorder::write_validation(H5::Group& root) {
    const Observations& obs = scenario_->observed;
    const std::size_t K = obs.region.size();
    if (K == 0) return;
    // compute_ard wants equal lengths: compare the days both sides have.
    std::size_t n = days_;
    for (const auto& c : obs.count) n = std::min(n, c.size());
    std::vector<std::vector<double>> sim(K), ob(K);
    for (std::size_t k = 0; k < K; ++k) {
        sim[k].assign(observed_sim_[k].begin(), observed_sim_[k].begin() + n);
        ob[k].assign(obs.count[k].begin(), obs.count[k].begin() + n);
    }
    const Validation v = compute_ard(sim, ob);

    H5::Group g = out_.file().createGroup("/validation");
    std::vector<std::string> names;
    for (RegionIndex r : obs.region) names.push_back(scenario_->regions.at(r).name);
    auto about = [](const char* name) -> const DatasetSpec& { return static_dataset("validation", name); };
    write_vector(g, "region", obs.region, about("region").units, about("region").description);
    write_strings(g, "name", names, about("name").units, about("name").description);
    // [T x K], like the series; days without an observation hold NaN.
    auto write_tk = [&](const char* name, const std::vector<std::vector<double>>& src) {
        std::vector<double> buf(days_ * K, std::numeric_limits<double>::quiet_NaN());
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t t = 0; t < std::min(days_, src[k].size()); ++t) buf[t * K + k] = src[k][t];
        hsize_t dims[2] = {days_, K};
        H5::DSetCreatPropList plist;
        if (days_ > 0) {
            hsize_t chunk[2] = {std::min<hsize_t>(days_, 4096), K};
            plist.setChunk(2, chunk);
        }
        H5::DataSet ds = detail::create_dataset(g, name, H5::PredType::NATIVE_DOUBLE, H5::DataSpace(2, dims), plist);
        if (!buf.empty()) ds.write(buf.data(), H5::PredType::NATIVE_DOUBLE);
        describe(ds, about(name).units, about(name).description);
    };
    write_tk("observed", obs.count);
    write_tk("simulated", observed_sim_);
    write_vector(g, "error_rescaled", v.error_rescaled, about("error_rescaled").units,
                 about("error_rescaled").description);
    write_vector(g, "error_unrescaled", v.error_unrescaled, about("error_unrescaled").units,
                 about("error_unrescaled").description);
    set_attr(g, "ard_rescaled", v.ard_rescaled);
    set_attr(g, "ard_unrescaled", v.ard_unrescaled);
    set_attr(root, "ard_rescaled", v.ard_rescaled);
    set_attr(root, "ard_unrescaled", v.ard_unrescaled);
}

// Every /series and /drivers dataset gets its dimensions named (docs/OUTPUT.md).
void Hdf5Recorder::label_dimensions() {
    detail::DimensionLabels labels;
    labels.start_date = format_date(scenario_->start_date);
    labels.days = days_;
    for (const Region& r : scenario_->regions) labels.region.push_back(r.name);
    labels.routes = routes_;
    for (const char* path : {"/series", "/drivers"}) {
        H5::Group g = out_.file().openGroup(path);
        detail::attach_dimension_scales(g, labels);
    }
}

void Hdf5Recorder::finish(const RunSummary& summary) {
    if (!out_.created() || out_.published()) throw std::logic_error("HDF5 recorder: finish() outside a run");
    if (recorded_ != days_)
        throw std::logic_error("HDF5 recorder: finish() after " + std::to_string(recorded_) +
                               " of " + std::to_string(days_) + " days");
    flush_block();
    try {
        H5::Group root = out_.file().openGroup("/");
        for (const Column& c : columns_) {
            if (c.spec->width != SeriesWidth::one) continue;
            H5::Group g = out_.file().openGroup("/" + c.spec->group);
            write_vector(g, c.spec->name, c.whole, c.spec->units, c.spec->description);
        }
        write_validation(root);
        detail::write_camp_measures(out_.file(), *scenario_, *world_, camps_);
        detail::write_country_measures(out_.file(), *world_, countries_,
                                       std::clamp(scenario_->output.compression, 0, 9));
        if (origins_) detail::write_origin_measures(out_.file(), *world_, *origins_);
        label_dimensions();
        set_attr(root, "wall_seconds", summary.wall_seconds);
        set_attr(root, "agent_steps", summary.agent_steps);
        set_attr(root, "final_agents", summary.final_agents);
        set_attr(root, "complete", 1);  // last: readers trust nothing without it
        root.close();
        close_all();  // every handle closed, so the file is really closed before the rename
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write output file " + partial_ + ": " + detail::hdf5_failure(e));
    }
    out_.publish();
}

// Closes every handle even when one fails (a full disk fails the flush inside a close),
// then reports the first failure. A file HDF5 failed to close stays half-closed inside
// the library, whose exit handler would then crash: hdf5_close_failed() tells main.
void Hdf5Recorder::close_all() {
    std::optional<std::string> first;
    auto attempt = [&](auto&& close) {
        try {
            close();
        } catch (const H5::Exception& e) {
            if (!first) first = detail::hdf5_failure(e);
        }
    };
    for (Column& c : columns_) {
        attempt([&] { c.f64.ds.close(); });
        attempt([&] { c.i64.ds.close(); });
        c.f64.rows = {};
        c.i64.rows = {};
    }
    if (auto failed = out_.close(); failed && !first) first = std::move(failed);
    if (first) throw std::runtime_error("cannot write output file " + partial_ + ": " + *first);
}

}  // namespace

bool hdf5_close_failed() { return detail::hdf5_close_failed_flag(); }

std::unique_ptr<Recorder> make_hdf5_recorder(const std::string& path) {
    return std::make_unique<Hdf5Recorder>(path);
}

}  // namespace migflow
