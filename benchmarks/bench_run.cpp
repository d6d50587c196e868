// bench_run: one synthetic run (issues #2, #4), timed, with its memory per agent.
//
//   bench_run --agents N --regions R --days D --threads T [--ruleset native|flee]
//             [--output path.h5 | --no-output] [--seed S] [--driver-every K] [--progress]
//             [--repeat N] [--json FILE]
//
// Runs the configuration N times (default 3), each a fresh Simulation on the same
// scenario. Prints key=value lines (what run_benchmarks.sh parses) for the repetition of
// median wall time, and with --json appends one JSON line to FILE holding every
// repetition, their median/min/max, the build, host, CPU and binding (the schema:
// benchmarks/README.md). In a MIGFLOW_MPI build, `mpirun -np P bench_run ...`
// runs one simulation across P ranks (--agents is the total); rank 0 prints, adding the
// per-day compute and communication times (benchmarks/run_mpi_benchmarks.sh). Without --output or --no-output the HDF5 file goes to
// a temporary path that is removed after its size is taken.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "migflow/output/recorder.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/engine/team.hpp"
#include "bench_record.hpp"
#include "synthetic.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A recorder that keeps nothing: the engine alone, without output cost.
class NullRecorder final : public migflow::Recorder {
public:
    void begin(const migflow::Scenario&, const migflow::World&, const migflow::RunInfo&) override {}
    void record(const migflow::DayRecord&) override {}
    void finish(const migflow::RunSummary&) override {}
};

// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::size_t n = std::strlen(field);
    while (std::getline(in, line))
        if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
            return std::atol(line.c_str() + n + 1);
    return -1;
}

// CPU seconds (user + system) of the whole process so far: with a shared machine,
// agent-steps per CPU-second says what the engine costs even when wall time is
// inflated by other work.
double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that the peak measured after the
// run is the run's own and not a transient of building the scenario.
void reset_peak_rss() {
    if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
        std::fputs("5", f);
        std::fclose(f);
    }
}

struct Args {
    migflow::bench::SyntheticSpec spec;
    int threads = 0;
    std::string output;  // empty: temporary file
    bool no_output = false;
    bool progress = false;
    int repeat = 3;
    std::string json;  // empty: no JSON record
};

// One repetition's figures.
struct Measured {
    migflow::RunSummary summary;
    double wall_s = 0, cpu_s = 0, setup_s = 0, h5_mb = 0;
    long rss_before_kb = 0, peak_kb = 0;
    int threads_used = 0;
    migflow::StageTimes stages;
    std::vector<double> compute, comm, exchange;  // per rank, seconds
};

double max_of(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

double mean_of(const std::vector<double>& v) {
    double t = 0;
    for (double x : v) t += x;
    return t / double(v.size());
}

[[noreturn]] void usage(const std::string& why) {
    std::cerr
        << "bench_run: " << why << "\n"
        << "usage: bench_run --agents N --regions R --days D --threads T [--ruleset native|flee]\n"
        << "                 [--output path.h5 | --no-output] [--seed S] [--driver-every K] "
           "[--progress]\n"
        << "                 [--repeat N] [--json FILE]\n";
    std::exit(2);
}

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value after " + k);
            return argv[++i];
        };
        auto integer = [&]() -> long long {
            const std::string v = value();
            char* end = nullptr;
            const double d = std::strtod(v.c_str(), &end);  // accepts 1e7
            if (end == v.c_str() || *end != '\0' || d < 0 ||
                d != static_cast<double>(static_cast<long long>(d)))
                usage("got `" + v + "` for " + k + ", expected a whole number >= 0");
            return static_cast<long long>(d);
        };
        if (k == "--agents")
            a.spec.agents = integer();
        else if (k == "--regions")
            a.spec.regions = static_cast<int>(integer());
        else if (k == "--days")
            a.spec.days = static_cast<int>(integer());
        else if (k == "--threads")
            a.threads = static_cast<int>(integer());
        else if (k == "--seed")
            a.spec.seed = static_cast<std::uint64_t>(integer());
        else if (k == "--driver-every")
            a.spec.driver_every = static_cast<int>(integer());
        else if (k == "--ruleset")
            a.spec.ruleset = value();
        else if (k == "--output")
            a.output = value();
        else if (k == "--no-output")
            a.no_output = true;
        else if (k == "--progress")
            a.progress = true;
        else if (k == "--repeat")
            a.repeat = static_cast<int>(integer());
        else if (k == "--json")
            a.json = value();
        else if (k == "--help" || k == "-h")
            usage("help");
        else
            usage("unknown option " + k);
    }
    if (a.no_output && !a.output.empty()) usage("--output and --no-output exclude each other");
    if (a.repeat < 1) usage("--repeat must be at least 1");
    return a;
}

// A count per rank, gathered on every rank (a sum of one slot per rank); per_rank: seconds,
// summed in µs.
std::vector<std::int64_t> per_rank_count(migflow::Team& team, std::int64_t count) {
    std::vector<std::int64_t> v(std::size_t(team.size()), 0);
    v[std::size_t(team.rank())] = count;
    team.sum(v);
    return v;
}

std::vector<double> per_rank(migflow::Team& team, double seconds) {
    std::vector<double> out;
    for (auto x : per_rank_count(team, std::llround(seconds * 1e6))) out.push_back(double(x) * 1e-6);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const auto team = migflow::join_team(argc, argv);
    const Args args = parse_args(argc, argv);
    const bool lead = team->rank() == 0;
    try {
        const auto load_before = migflow::bench::load_average();
        auto t0 = Clock::now();
        const migflow::Scenario scenario = migflow::bench::make_synthetic(args.spec);
        const double build_s = seconds_since(t0);

        std::string path = args.output;
        const bool temporary = !args.no_output && path.empty();
        if (temporary)
            path = (std::filesystem::temp_directory_path() /
                    ("bench_run_" + std::to_string(::getpid()) + ".h5"))
                       .string();

        // Each repetition is a fresh Simulation on the same scenario: the same work, so
        // the spread of the figures is the machine's noise.
        std::vector<Measured> runs;
        for (int r = 0; r < args.repeat; ++r) {
            Measured m;
            t0 = Clock::now();
            migflow::Simulation sim(scenario, migflow::RunOptions{args.spec.seed, args.threads, team.get()});
            m.setup_s = seconds_since(t0);
            std::unique_ptr<migflow::Recorder> recorder;
            if (args.no_output || !lead)
                recorder = std::make_unique<NullRecorder>();
            else
                recorder = migflow::make_hdf5_recorder(path);

            // Agents are created inside run(): what RSS grows by from here is theirs
            // (plus the per-day tables and output buffers, which do not grow with N).
            reset_peak_rss();
            m.rss_before_kb = status_kb("VmRSS");
            std::function<void(const migflow::Progress&)> progress;
            if (args.progress && lead)
                progress = [](const migflow::Progress& p) {
                    std::fprintf(stderr, "\rday %d/%d  agents %lld  %.3g agent-steps/s   ", p.day + 1,
                                 p.days, static_cast<long long>(p.agents), p.agent_steps_per_second);
                };
            const double cpu0 = cpu_seconds();
            t0 = Clock::now();
            m.summary = sim.run(*recorder, progress);
            recorder.reset();  // closes the file
            m.wall_s = seconds_since(t0);
            m.cpu_s = cpu_seconds() - cpu0;
            if (args.progress && lead) std::fputc('\n', stderr);
            m.peak_kb = status_kb("VmHWM");
            m.threads_used = sim.threads_used();
            if (!args.no_output && lead) {
                std::error_code ec;
                const auto bytes = std::filesystem::file_size(path, ec);
                if (!ec) m.h5_mb = double(bytes) / (1024.0 * 1024.0);
                if (temporary) std::filesystem::remove(path, ec);
            }
            m.stages = sim.stage_times();
            // Compute: a rank's run time outside collectives and output; communication: its
            // time inside collectives (waiting for slower ranks included).
            m.compute = per_rank(*team, m.wall_s - m.stages.communication - m.stages.record);
            m.comm = per_rank(*team, m.stages.communication);
            m.exchange = per_rank(*team, m.stages.exchange);
            runs.push_back(std::move(m));
        }

        // The exchange alone: the day's message size (the tally's summed columns and the
        // failure flag), summed 20 times, each after a synchronising collective, so that no
        // waiting for slower ranks is counted: the pure cost of communication per day.
        std::size_t words = 1;
        migflow::DayTally probe;
        probe.resize(scenario.regions.size(), scenario.routes.size());
        migflow::for_each_column(probe, [&](auto& v, migflow::Extent, migflow::Across a) {
            if (a == migflow::Across::summed) words += v.size();
        });
        std::vector<std::int64_t> message(words, 1);
        std::vector<double> pure;
        for (int k = 0; k < 20; ++k) {
            team->first_failed(false);
            const auto p0 = Clock::now();
            team->sum(message);
            pure.push_back(seconds_since(p0));
        }
        // The fastest of the 20: on a shared machine the others measure the neighbours.
        const auto pure_ms = per_rank(*team, *std::min_element(pure.begin(), pure.end()));
        // Which CPUs each rank may use: a binding that leaves a rank one core shows here.
        const auto cpus_per_rank =
            per_rank_count(*team, migflow::bench::allowed_cpu_count());
        if (!lead) return 0;

        const double days = std::max(1, args.spec.days);
        const double n = double(std::max<std::int64_t>(1, args.spec.agents));
        // Against the RSS before the first repetition: the allocator keeps memory a run freed
        // (glibc raises its mmap threshold after large frees), so a later repetition's own
        // starting RSS already holds its predecessor's agents.
        const long first_rss_kb = runs.front().rss_before_kb;
        auto bytes_per_agent = [&](const Measured& m) { return double(m.peak_kb - first_rss_kb) * 1024.0 / n; };
        auto steps_per_s = [](const Measured& m) { return double(m.summary.agent_steps) / m.wall_s; };
        auto steps_per_cpu_s = [](const Measured& m) { return double(m.summary.agent_steps) / m.cpu_s; };

        // The human-readable lines show the repetition of median wall time (the lower
        // middle one for an even count), with the range of wall times beside it.
        std::vector<std::size_t> order(runs.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return runs[a].wall_s < runs[b].wall_s; });
        const Measured& mid = runs[order[(order.size() - 1) / 2]];
        const int threads = args.threads > 0 ? args.threads : -1;
        const auto& st = mid.stages;

        std::printf(
            "agents=%lld regions=%d routes=%zu days=%d threads=%d ruleset=%s wall_s=%.3f "
            "agent_steps_per_s=%.4g bytes_per_agent=%.2f peak_rss_mb=%.1f base_rss_mb=%.1f "
            "h5_mb=%.3f cpu_s=%.3f agent_steps_per_cpu_s=%.4g final_agents=%lld build_s=%.3f "
            "setup_s=%.3f output=%s repeats=%d wall_s_min=%.3f wall_s_max=%.3f\n",
            static_cast<long long>(args.spec.agents), args.spec.regions, scenario.routes.size(),
            args.spec.days, threads, args.spec.ruleset.c_str(), mid.wall_s, steps_per_s(mid),
            bytes_per_agent(mid), mid.peak_kb / 1024.0, mid.rss_before_kb / 1024.0, mid.h5_mb, mid.cpu_s,
            steps_per_cpu_s(mid), static_cast<long long>(mid.summary.final_agents), build_s, mid.setup_s,
            args.no_output ? "none" : "hdf5", args.repeat, runs[order.front()].wall_s,
            runs[order.back()].wall_s);
        std::printf("ranks=%d compute_ms_per_day_max=%.3f compute_ms_per_day_mean=%.3f "
                    "comm_ms_per_day_mean=%.3f comm_ms_per_day_max=%.3f exchange_ms_per_day_mean=%.3f "
                    "record_ms_per_day=%.3f allreduce_alone_ms=%.4f message_bytes=%zu\n",
                    team->size(), 1e3 * max_of(mid.compute) / days, 1e3 * mean_of(mid.compute) / days,
                    1e3 * mean_of(mid.comm) / days, 1e3 * max_of(mid.comm) / days,
                    1e3 * mean_of(mid.exchange) / days, 1e3 * st.record / days, 1e3 * max_of(pure_ms),
                    words * sizeof(std::int64_t));
        std::printf("stages drivers_s=%.3f spawn_s=%.3f prepare_s=%.3f move_s=%.3f tally_s=%.3f record_s=%.3f\n",
                    st.drivers, st.spawn, st.prepare, st.move, st.tally, st.record);

        if (!args.json.empty()) {
            using migflow::bench::JsonObject;
            std::vector<std::string> run_records;
            std::vector<double> wall, rate, cpu, cpu_rate, bpa, rss, h5;
            for (const Measured& m : runs) {
                wall.push_back(m.wall_s);
                rate.push_back(steps_per_s(m));
                cpu.push_back(m.cpu_s);
                cpu_rate.push_back(steps_per_cpu_s(m));
                bpa.push_back(bytes_per_agent(m));
                rss.push_back(m.peak_kb / 1024.0);
                h5.push_back(m.h5_mb);
                const auto& s = m.stages;
                run_records.push_back(
                    JsonObject()
                        .number("wall_s", m.wall_s)
                        .number("cpu_s", m.cpu_s)
                        .number("setup_s", m.setup_s)
                        .integer("agent_steps", m.summary.agent_steps)
                        .integer("final_agents", m.summary.final_agents)
                        .number("agent_steps_per_s", steps_per_s(m))
                        .number("agent_steps_per_cpu_s", steps_per_cpu_s(m))
                        .number("bytes_per_agent", bytes_per_agent(m))
                        .number("peak_rss_mb", m.peak_kb / 1024.0)
                        .number("base_rss_mb", m.rss_before_kb / 1024.0)
                        .number("h5_mb", m.h5_mb)
                        .integer("threads_used", m.threads_used)
                        .raw("stages_s", JsonObject()
                                             .number("drivers", s.drivers)
                                             .number("spawn", s.spawn)
                                             .number("prepare", s.prepare)
                                             .number("move", s.move)
                                             .number("exchange", s.exchange)
                                             .number("tally", s.tally)
                                             .number("record", s.record)
                                             .number("communication", s.communication)
                                             .str())
                        .number("compute_ms_per_day_max", 1e3 * max_of(m.compute) / days)
                        .number("compute_ms_per_day_mean", 1e3 * mean_of(m.compute) / days)
                        .number("comm_ms_per_day_mean", 1e3 * mean_of(m.comm) / days)
                        .number("comm_ms_per_day_max", 1e3 * max_of(m.comm) / days)
                        .number("exchange_ms_per_day_mean", 1e3 * mean_of(m.exchange) / days)
                        .str());
            }
            std::vector<std::string> cpus;
            for (const std::int64_t c : cpus_per_rank) cpus.push_back(std::to_string(c));
            const std::string record =
                JsonObject()
                    .text("schema", "migflow-bench/1")
                    .text("benchmark", "bench_run")
                    .raw("config", JsonObject()
                                       .integer("agents", args.spec.agents)
                                       .integer("regions", args.spec.regions)
                                       .integer("routes", static_cast<long long>(scenario.routes.size()))
                                       .integer("days", args.spec.days)
                                       .integer("threads", threads)
                                       .integer("ranks", team->size())
                                       .text("ruleset", args.spec.ruleset)
                                       .text("output", args.no_output ? "none" : "hdf5")
                                       .integer("seed", static_cast<long long>(args.spec.seed))
                                       .integer("driver_every", args.spec.driver_every)
                                       .str())
                    .integer("repeats", args.repeat)
                    .number("build_s", build_s)
                    .raw("summary", JsonObject()
                                        .raw("wall_s", migflow::bench::spread_json(wall))
                                        .raw("agent_steps_per_s", migflow::bench::spread_json(rate))
                                        .raw("cpu_s", migflow::bench::spread_json(cpu))
                                        .raw("agent_steps_per_cpu_s", migflow::bench::spread_json(cpu_rate))
                                        .raw("bytes_per_agent", migflow::bench::spread_json(bpa))
                                        .raw("peak_rss_mb", migflow::bench::spread_json(rss))
                                        .raw("h5_mb", migflow::bench::spread_json(h5))
                                        .str())
                    .raw("runs", migflow::bench::json_array(run_records))
                    .raw("mpi", JsonObject()
                                    .integer("ranks", team->size())
                                    .raw("cpus_allowed_per_rank", migflow::bench::json_array(cpus))
                                    .number("allreduce_alone_ms", 1e3 * max_of(pure_ms))
                                    .integer("message_bytes", static_cast<long long>(words * sizeof(std::int64_t)))
                                    .str())
                    .raw("context", migflow::bench::context_json(load_before, argc, argv))
                    .str();
            migflow::bench::append_json_line(args.json, record);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_run: %s\n", e.what());
        if (team->size() > 1) team->abort_all(1);
        return 1;
    }
}
