// A run's memory and output size from its scenario, and the machine's memory
// (include/migflow/engine/resource_estimate.hpp).
#include "migflow/engine/resource_estimate.hpp"

#include <tbb/info.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "migflow/engine/agents.hpp"
#include "migflow/engine/ruleset.hpp"
#include "migflow/engine/world.hpp"
#include "migflow/output/recorder.hpp"

namespace migflow {

namespace {

// Per region and per route, what the engine keeps besides the agents: the region graph
// (names, fields, two links per route), drivers and day state, the ruleset's tables,
// the day's tally; per thread a tally of its own. Counted from the structures'
// columns, rounded up (docs/RELIABILITY.md "Resources": estimate against measured peaks).
constexpr double bytes_per_region = 480;
constexpr double bytes_per_route = 224;
constexpr double tally_bytes_per_region = 8 * 8;  // DayTally's 8 region columns
constexpr double tally_bytes_per_route = 2 * 8;   // and its 2 route columns
// The program itself: code, TBB, HDF5 and its caches, measured on tiny.yaml.
constexpr double program_bytes = 24.0 * (1 << 20);
// The HDF5 recorder's day blocks (hdf5_recorder.cpp) and the background writer's queue.
constexpr double block_budget_bytes = 64.0 * (1 << 20);
constexpr double max_block_days = 32, queued_days = 8;
// A result file's HDF5 metadata, attributes, tables and measures besides its series:
// 233 KiB for tiny.yaml's 30 days of 5 regions.
constexpr double file_metadata_bytes = 256.0 * 1024;

double read_number(const char* path) {
    std::ifstream in(path);
    std::string word;
    if (!(in >> word) || word == "max") return 0;
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    return end && *end == '\0' && v > 0 ? v : 0;
}

// MemAvailable in bytes, or 0.
double mem_available() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    double kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return 0;
}

// Room left under the cgroup's memory limit, or 0 when there is none.
double cgroup_room() {
    double limit = read_number("/sys/fs/cgroup/memory.max");
    double used = read_number("/sys/fs/cgroup/memory.current");
    if (limit <= 0) {
        limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
        if (limit >= 1e18) limit = 0;  // v1 writes "no limit" as a huge number
    }
    return limit > 0 ? std::max(limit - used, 1.0) : 0;
}

}  // namespace

RunEstimate estimate_run(const Scenario& s, int processes, int threads) {
    const World w = build_world(s);
    RunOptions o;
    o.seed = s.seed;
    const auto rules = make_ruleset(s, w, o);
    const double P = std::max(processes, 1);
    const double T = threads > 0 ? threads : tbb::info::default_concurrency();
    const double R = double(w.regions.size()), E = double(w.routes.size());
    const double days = std::max<double>(s.days, 0);
    const double per_day = double(MemoryRecorder::values_per_day(w.regions.size(), w.routes.size())) * 8;

    RunEstimate e;
    e.agents = rules->agents_estimate();
    e.bytes_per_agent = double(AgentStore::bytes_per_agent + rules->extra_bytes_per_agent());
    // Where each agent came from: runs of ids, at most one per region and spawning day.
    const double origin_runs = std::min(R * std::max(days, 1.0), e.agents) * 12;
    e.agent_bytes = e.agents / P * e.bytes_per_agent * agent_capacity_slack + origin_runs;
    e.region_bytes = R * (bytes_per_region + T * tally_bytes_per_region) +
                     E * (bytes_per_route + T * tally_bytes_per_route);
    const double block_days = std::clamp(std::floor(block_budget_bytes / std::max(per_day, 1.0)), 1.0, max_block_days);
    e.output_buffer_bytes = per_day * (block_days + (T > 1 ? queued_days : 0) + 1);
    e.memory_bytes = program_bytes + e.agent_bytes + e.region_bytes + e.output_buffer_bytes;
    // Every series for every day, the snapshots (region and km_left per agent), the
    // region and route tables, the copies of the inputs (for rerun) and the metadata;
    // gzip makes the series smaller, never larger.
    const double snapshots = s.output.snapshot_every > 0 ? std::floor(days / s.output.snapshot_every) + 1 : 0;
    double inputs = double(s.source_text.size() + s.base_text.size());
    if (s.output.keep_inputs)
        for (const InputFile& f : s.inputs) inputs += double(f.text.size());
    e.output_file_bytes = days * per_day + snapshots * e.agents * 8 + R * bytes_per_region + E * bytes_per_route +
                          inputs + file_metadata_bytes;
    return e;
}

MachineMemory machine_memory() {
    if (const char* v = std::getenv("MIGFLOW_MEMORY_LIMIT"); v && *v) {
        char* end = nullptr;
        const double b = std::strtod(v, &end);
        if (end && *end == '\0' && b > 0) return {b, "MIGFLOW_MEMORY_LIMIT"};
    }
    MachineMemory m;
    if (const double avail = mem_available(); avail > 0) m = {avail, "available on this machine (MemAvailable)"};
    else if (const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGE_SIZE); pages > 0 && page > 0)
        m = {double(pages) * double(page), "free on this machine"};
    if (const double room = cgroup_room(); room > 0 && (m.bytes <= 0 || room < m.bytes))
        m = {room, "left under this process's cgroup memory limit"};
    return m;
}

std::string memory_text(double bytes) {
    char buf[48];
    const double kib = 1024, mib = kib * 1024, gib = mib * 1024, tib = gib * 1024;
    if (bytes >= tib) std::snprintf(buf, sizeof buf, "%.3g TiB", bytes / tib);
    else if (bytes >= gib) std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / gib);
    else if (bytes >= mib) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / mib);
    else if (bytes >= kib) std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / kib);
    else std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    return buf;
}

void check_memory_fits(double need, const std::string& what, const MachineMemory& memory,
                       const std::string& proceed) {
    if (memory.bytes <= 0 || need <= memory.bytes) return;
    throw std::runtime_error(what + " needs about " + memory_text(need) + " of memory, but " +
                             memory_text(memory.bytes) + " is " + memory.source +
                             "; make the scenario smaller (fewer people per agent, regions or days) or use " +
                             proceed + " to start anyway");
}

std::string estimate_text(const RunEstimate& e) {
    char agents[32];
    std::snprintf(agents, sizeof agents, "%.4g", e.agents);
    return "estimate: about " + std::string(agents) + " agents, " + memory_text(e.memory_bytes) + " of memory (" +
           memory_text(e.agent_bytes) + " agents at " + std::to_string(int(e.bytes_per_agent)) + " B each, " +
           memory_text(e.region_bytes) + " regions and routes, " + memory_text(e.output_buffer_bytes) +
           " output buffers), a result file of at most " + memory_text(e.output_file_bytes) + " before compression";
}

}  // namespace migflow
