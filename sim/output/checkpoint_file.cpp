// Checkpoint files: see include/migflow/output/checkpoint_file.hpp; layout in
// docs/OUTPUT.md "Checkpoint files".
#include "migflow/output/checkpoint_file.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "migflow/engine/agents.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_file.hpp"
#include "output/result_header.hpp"
#include "output/sealed_file.hpp"

namespace migflow {

namespace {

using detail::describe;
using detail::set_attr;

constexpr int ckpt_format_version = 1;

// A [rows x cols] dataset written whole (rows = days of the history).
template <class T>
void ckpt_write_rows(H5::Group& g, const std::string& name, const std::vector<T>& v, std::size_t rows, std::size_t cols,
                const std::string& units, const std::string& description) {
    if (v.size() != rows * cols) throw std::logic_error("checkpoint: " + name + " has the wrong size");
    hsize_t dims[2] = {rows, cols};
    H5::DSetCreatPropList plist;
    if (rows > 0 && cols > 0) {
        hsize_t chunk[2] = {std::min<hsize_t>(rows, std::max<hsize_t>(1, (1 << 16) / cols)), cols};
        plist.setChunk(2, chunk);
        plist.setShuffle();
        plist.setDeflate(1);  // mostly zeros: a day's tally touches few regions
    }
    H5::DataSet ds = detail::create_dataset(g, name, detail::h5_type<T>(), H5::DataSpace(2, dims), plist);
    if (!v.empty()) ds.write(v.data(), detail::h5_type<T>());
    describe(ds, units, description);
}

void ckpt_write_column(H5::Group& g, const StateColumn& c, const std::string& about) {
    std::visit([&](const auto& v) { detail::write_vector(g, c.name, v, "1", about); }, c.values);
}

}  // namespace

std::uintmax_t write_checkpoint_file(const std::string& path, const Scenario& s, std::uint64_t seed,
                                     const std::string& output, const Checkpoint& c) {
    detail::SealedFile out(path);
    out.create(s.input_files);
    try {
        H5::H5File& f = out.file();
        detail::write_run_attributes(f, s, seed, 0, MIGFLOW_VERSION);
        H5::Group root = f.openGroup("/");
        set_attr(root, "kind", "checkpoint");
        set_attr(root, "checkpoint_format", ckpt_format_version);
        set_attr(root, "days_done", static_cast<std::int64_t>(c.days_done));
        set_attr(root, "agent_steps", c.agent_steps);
        set_attr(root, "agents", static_cast<std::int64_t>(c.agents()));
        set_attr(root, "output_file", output);

        f.createGroup("/checkpoint").close();
        H5::Group a = f.createGroup("/checkpoint/agents");
        if (c.first_id != 0 || c.region.size() != c.total_agents)
            throw std::logic_error("checkpoint: writing a share of the agents, not all of them");
        detail::write_vector(a, "region", c.region, "1", "per agent (index = agent id): region it stands in, or travels to");
        detail::write_vector(a, "from", c.from, "1", "per agent: region its journey started from");
        detail::write_vector(a, "km_left", c.km_left, "km", "per agent: distance still to travel; 0 = standing");
        detail::write_vector(a, "group", c.group, "1", "per agent: demographic group (index into the scenario's groups)");
        detail::write_vector(a, "origin", c.origin, "1", "per agent: region it was created in");
        for (const StateColumn& col : c.ruleset.agents) ckpt_write_column(a, col, "per agent: the ruleset's own state");

        H5::Group r = f.createGroup("/checkpoint/regions");
        detail::write_vector(r, "agents_at", c.agents_at, "agents", "agents standing in the region before the day");
        detail::write_vector(r, "inbound", c.inbound, "agents", "agents travelling toward the region before the day");
        detail::write_vector(r, "residents", c.residents, "people", "people no agent represents");
        H5::Group rs = f.createGroup("/checkpoint/ruleset");
        for (const StateColumn& col : c.ruleset.regions)
            ckpt_write_column(rs, col, "the ruleset's state carried from day to day (per region, or a scalar)");

        const RunHistory& h = c.history;
        const auto T = std::size_t(h.days), R = h.regions, E = h.routes;
        H5::Group hg = f.createGroup("/checkpoint/history");
        set_attr(hg, "days", static_cast<std::int64_t>(h.days));
        ckpt_write_rows(hg, "population", h.population, T, R, "people", "people per region after each day's moves");
        ckpt_write_rows(hg, "agents_at", h.agents_at, T, R, "agents", "agents standing per region after each day");
        ckpt_write_rows(hg, "inbound", h.inbound, T, R, "agents", "agents travelling toward each region after each day");
        H5::Group tg = f.createGroup("/checkpoint/history/tally");
        const auto& names = tally_column_names();
        for (std::size_t k = 0; k < names.size(); ++k) {
            const bool routes = names[k].starts_with("flow_");
            ckpt_write_rows(tg, names[k], h.tally.at(k), T, routes ? E : R, "agents", "the day's tally column");
        }
        detail::write_vector(hg, "total_agents", h.total_agents, "agents", "all agents after each day");
        H5::Group sg = f.createGroup("/checkpoint/history/snapshots");
        for (const RunHistory::Snapshot& snap : h.snapshots) {
            char name[32];
            std::snprintf(name, sizeof name, "day_%05d", int(snap.day));
            H5::Group d = sg.createGroup(name);
            set_attr(d, "day", static_cast<std::int64_t>(snap.day));
            detail::write_vector(d, "region", snap.region, "1", "agent snapshot: region");
            detail::write_vector(d, "km_left", snap.km_left, "km", "agent snapshot: distance still to travel");
        }
        set_attr(root, "complete", 1);  // last
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot write checkpoint " + out.partial() + ": " + detail::hdf5_failure(e));
    }
    if (auto failed = out.close())
        throw std::runtime_error("cannot write checkpoint " + out.partial() + ": " + *failed);
    out.publish();
    std::error_code ec;
    return std::filesystem::file_size(path, ec);
}

namespace {

// A ruleset column of whatever type the file holds (those StateColumn can hold).
StateColumn ckpt_read_column(const H5::DataSet& ds, const std::string& name, const std::string& where) {
    const H5::DataType type = ds.getDataType();
    const auto cls = type.getClass();
    const auto size = type.getSize();
    StateColumn c{name, {}};
    if (cls == H5T_INTEGER && size == 1) c.values = detail::read_vector<std::uint8_t>(ds);
    else if (cls == H5T_INTEGER && size == 8) c.values = detail::read_vector<std::int64_t>(ds);
    else if (cls == H5T_FLOAT && size == 4) c.values = detail::read_vector<float>(ds);
    else if (cls == H5T_FLOAT && size == 8) c.values = detail::read_vector<double>(ds);
    else throw std::runtime_error(where + ": unexpected type");
    return c;
}

// Entries [first, first + n) of a 1-D dataset.
template <class T>
std::vector<T> ckpt_read_slice(const H5::DataSet& ds, hsize_t first, hsize_t n) {
    std::vector<T> out(static_cast<std::size_t>(n));
    if (n == 0) return out;
    H5::DataSpace file_space = ds.getSpace();
    file_space.selectHyperslab(H5S_SELECT_SET, &n, &first);
    H5::DataSpace mem_space(1, &n);
    ds.read(out.data(), detail::h5_type<T>(), mem_space, file_space);
    return out;
}

// A ruleset's per-agent column, entries [first, first + n), of whatever type it holds.
StateColumn ckpt_read_agent_slice(const H5::DataSet& ds, const std::string& name, const std::string& where,
                                  hsize_t first, hsize_t n) {
    const H5::DataType type = ds.getDataType();
    const auto cls = type.getClass();
    const auto size = type.getSize();
    StateColumn c{name, {}};
    if (cls == H5T_INTEGER && size == 1) c.values = ckpt_read_slice<std::uint8_t>(ds, first, n);
    else if (cls == H5T_INTEGER && size == 8) c.values = ckpt_read_slice<std::int64_t>(ds, first, n);
    else if (cls == H5T_FLOAT && size == 4) c.values = ckpt_read_slice<float>(ds, first, n);
    else if (cls == H5T_FLOAT && size == 8) c.values = ckpt_read_slice<double>(ds, first, n);
    else throw std::runtime_error(where + ": unexpected type");
    return c;
}

std::vector<std::string> ckpt_names_in(const H5::Group& g) {
    std::vector<std::string> out;
    for (hsize_t k = 0; k < g.getNumObjs(); ++k) out.push_back(g.getObjnameByIdx(k));
    return out;
}

}  // namespace

CheckpointFile read_checkpoint_file(const std::string& path, int part, int parts) {
    using namespace detail;
    H5::Exception::dontPrint();
    CheckpointFile out;
    try {
        const ResultFile file(path);
        if (file.kind() != ResultKind::checkpoint)
            throw std::runtime_error(path + ": not a checkpoint (a " + std::string(kind_name(file.kind())) +
                                     " result file); --restart takes the file `migflow run --checkpoint` wrote");
        if (file.integer("checkpoint_format") != ckpt_format_version)
            throw std::runtime_error(path + ": checkpoint format " + std::to_string(file.integer("checkpoint_format")) +
                                     ", this migflow reads format " + std::to_string(ckpt_format_version));
        Checkpoint& c = out.state;
        c.days_done = static_cast<Day>(file.integer("days_done"));
        c.agent_steps = file.integer("agent_steps");
        const auto N = static_cast<hsize_t>(file.integer("agents"));
        out.output = file.text("output_file");
        // This process's share, as a restarted run deals all the agents as one batch.
        AgentStore share;
        share.part = part;
        share.parts = parts;
        const AgentStore::IdRange mine = share.add_batch(N);
        share = AgentStore{};
        const hsize_t first = mine.begin, n = mine.end - mine.begin;
        c.total_agents = N;
        c.first_id = first;
        c.region = ckpt_read_slice<RegionIndex>(file.shaped("/checkpoint/agents/region", {N}), first, n);
        c.from = ckpt_read_slice<RegionIndex>(file.shaped("/checkpoint/agents/from", {N}), first, n);
        c.km_left = ckpt_read_slice<float>(file.shaped("/checkpoint/agents/km_left", {N}), first, n);
        c.group = ckpt_read_slice<std::uint8_t>(file.shaped("/checkpoint/agents/group", {N}), first, n);
        c.origin = ckpt_read_slice<RegionIndex>(file.shaped("/checkpoint/agents/origin", {N}), first, n);
        const H5::Group agents = file.h5().openGroup("/checkpoint/agents");
        for (const std::string& name : ckpt_names_in(agents)) {
            if (name == "region" || name == "from" || name == "km_left" || name == "group" || name == "origin") continue;
            c.ruleset.agents.push_back(ckpt_read_agent_slice(file.shaped("/checkpoint/agents/" + name, {N}), name,
                                                             path + ": /checkpoint/agents/" + name, first, n));
        }
        const auto R = file.length("/checkpoint/regions/agents_at");
        c.agents_at = read_vector<std::int64_t>(file.shaped("/checkpoint/regions/agents_at", {R}));
        c.inbound = read_vector<std::int64_t>(file.shaped("/checkpoint/regions/inbound", {R}));
        c.residents = read_vector<double>(file.shaped("/checkpoint/regions/residents", {R}));
        const H5::Group rs = file.h5().openGroup("/checkpoint/ruleset");
        for (const std::string& name : ckpt_names_in(rs))
            c.ruleset.regions.push_back(ckpt_read_column(file.h5().openDataSet("/checkpoint/ruleset/" + name), name,
                                                          path + ": /checkpoint/ruleset/" + name));

        RunHistory& h = c.history;
        const H5::Group hg = file.h5().openGroup("/checkpoint/history");
        h.days = static_cast<Day>(read_int_attr(hg, "days"));
        if (h.days != c.days_done) throw std::runtime_error(path + ": its history does not end where its state begins");
        const auto T = static_cast<hsize_t>(h.days);
        h.regions = R;
        h.routes = static_cast<std::size_t>(dims_of(file.h5().openDataSet("/checkpoint/history/tally/flow_forward")).at(1));
        const hsize_t E = h.routes;
        h.population = read_vector<double>(file.shaped("/checkpoint/history/population", {T, R}));
        h.agents_at = read_vector<std::int64_t>(file.shaped("/checkpoint/history/agents_at", {T, R}));
        h.inbound = read_vector<std::int64_t>(file.shaped("/checkpoint/history/inbound", {T, R}));
        for (const std::string& name : tally_column_names())
            h.tally.push_back(read_vector<std::int64_t>(
                file.shaped("/checkpoint/history/tally/" + name, {T, name.starts_with("flow_") ? E : R})));
        h.total_agents = read_vector<std::int64_t>(file.shaped("/checkpoint/history/total_agents", {T}));
        const H5::Group sg = file.h5().openGroup("/checkpoint/history/snapshots");
        for (const std::string& name : ckpt_names_in(sg)) {
            const std::string at = "/checkpoint/history/snapshots/" + name;
            RunHistory::Snapshot snap;
            snap.day = static_cast<Day>(read_int_attr(sg.openGroup(name), "day"));
            const auto n = file.length(at + "/region");
            snap.region = read_vector<RegionIndex>(file.shaped(at + "/region", {n}));
            snap.km_left = read_vector<float>(file.shaped(at + "/km_left", {n}));
            h.snapshots.push_back(std::move(snap));
        }
    } catch (const ResultFileError& e) {
        throw std::runtime_error(e.what());
    } catch (const H5::Exception& e) {
        throw std::runtime_error(path + ": not a readable migflow checkpoint (" + e.getDetailMsg() + ")");
    }
    out.run = read_recorded_run(path);
    const Scenario& s = out.run.scenario;
    const Checkpoint& c = out.state;
    if (c.agents_at.size() != s.regions.size() || c.history.routes != s.routes.size() || c.days_done < 0 ||
        c.days_done >= s.days)
        throw std::runtime_error(path + ": the checkpoint does not fit the scenario it holds (" +
                                 std::to_string(c.agents_at.size()) + " regions, day " + std::to_string(c.days_done) +
                                 "; the scenario has " + std::to_string(s.regions.size()) + " regions and " +
                                 std::to_string(s.days) + " days)");
    return out;
}

}  // namespace migflow
