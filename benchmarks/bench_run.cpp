// bench_run: one synthetic run (issues #2, #4), timed, with its memory per agent.
//
//   bench_run --agents N --regions R --days D --threads T [--ruleset native|flee]
//             [--output path.h5 | --no-output] [--seed S] [--driver-every K] [--progress]
//
// Prints one machine-readable line of key=value pairs (what run_benchmarks.sh parses)
// and one line of stage times. In a MIGFLOW_MPI build, `mpirun -np P bench_run ...`
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
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr
        << "bench_run: " << why << "\n"
        << "usage: bench_run --agents N --regions R --days D --threads T [--ruleset native|flee]\n"
        << "                 [--output path.h5 | --no-output] [--seed S] [--driver-every K] "
           "[--progress]\n";
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
        else if (k == "--help" || k == "-h")
            usage("help");
        else
            usage("unknown option " + k);
    }
    if (a.no_output && !a.output.empty()) usage("--output and --no-output exclude each other");
    return a;
}

// Per-rank seconds, gathered on every rank (a sum of one slot per rank), in µs.
std::vector<double> per_rank(migflow::Team& team, double seconds) {
    std::vector<std::int64_t> v(std::size_t(team.size()), 0);
    v[std::size_t(team.rank())] = std::llround(seconds * 1e6);
    team.sum(v);
    std::vector<double> out;
    for (auto x : v) out.push_back(double(x) * 1e-6);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const auto team = migflow::join_team(argc, argv);
    const Args args = parse_args(argc, argv);
    const bool lead = team->rank() == 0;
    try {
        auto t0 = Clock::now();
        const migflow::Scenario scenario = migflow::bench::make_synthetic(args.spec);
        const double build_s = seconds_since(t0);

        t0 = Clock::now();
        migflow::Simulation sim(scenario, migflow::RunOptions{args.spec.seed, args.threads, team.get()});
        const double setup_s = seconds_since(t0);

        std::string path = args.output;
        const bool temporary = !args.no_output && path.empty();
        if (temporary)
            path = (std::filesystem::temp_directory_path() /
                    ("bench_run_" + std::to_string(::getpid()) + ".h5"))
                       .string();
        std::unique_ptr<migflow::Recorder> recorder;
        if (args.no_output || !lead)
            recorder = std::make_unique<NullRecorder>();
        else
            recorder = migflow::make_hdf5_recorder(path);

        // Agents are created inside run(): what RSS grows by from here is theirs
        // (plus the per-day tables and output buffers, which do not grow with N).
        reset_peak_rss();
        const long rss_before_kb = status_kb("VmRSS");
        std::function<void(const migflow::Progress&)> progress;
        if (args.progress && lead)
            progress = [](const migflow::Progress& p) {
                std::fprintf(stderr, "\rday %d/%d  agents %lld  %.3g agent-steps/s   ", p.day + 1,
                             p.days, static_cast<long long>(p.agents), p.agent_steps_per_second);
            };
        const double cpu0 = cpu_seconds();
        t0 = Clock::now();
        const migflow::RunSummary summary = sim.run(*recorder, progress);
        recorder.reset();  // closes the file
        const double wall_s = seconds_since(t0);
        const double cpu_s = cpu_seconds() - cpu0;
        if (args.progress) std::fputc('\n', stderr);
        const long peak_kb = status_kb("VmHWM");

        double h5_mb = 0.0;
        if (!args.no_output && lead) {
            std::error_code ec;
            const auto bytes = std::filesystem::file_size(path, ec);
            if (!ec) h5_mb = double(bytes) / (1024.0 * 1024.0);
            if (temporary) std::filesystem::remove(path, ec);
        }
        const double n = double(std::max<std::int64_t>(1, args.spec.agents));
        const double bytes_per_agent = double(peak_kb - rss_before_kb) * 1024.0 / n;
        const int threads = args.threads > 0 ? args.threads : -1;
        const auto& st = sim.stage_times();
        // Compute: a rank's run time outside collectives and output; communication: its
        // time inside collectives (waiting for slower ranks included).
        const auto compute = per_rank(*team, wall_s - st.communication - st.record);
        const auto comm = per_rank(*team, st.communication);
        const auto exchange = per_rank(*team, st.exchange);
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
        if (!lead) return 0;
        const double days = std::max(1, args.spec.days);
        const auto max_of = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
        const auto mean_of = [](const std::vector<double>& v) {
            double t = 0;
            for (double x : v) t += x;
            return t / double(v.size());
        };

        std::printf(
            "agents=%lld regions=%d routes=%zu days=%d threads=%d ruleset=%s wall_s=%.3f "
            "agent_steps_per_s=%.4g bytes_per_agent=%.2f peak_rss_mb=%.1f base_rss_mb=%.1f "
            "h5_mb=%.3f cpu_s=%.3f agent_steps_per_cpu_s=%.4g final_agents=%lld build_s=%.3f "
            "setup_s=%.3f output=%s\n",
            static_cast<long long>(args.spec.agents), args.spec.regions, scenario.routes.size(),
            args.spec.days, threads, args.spec.ruleset.c_str(), wall_s,
            double(summary.agent_steps) / wall_s, bytes_per_agent, peak_kb / 1024.0,
            rss_before_kb / 1024.0, h5_mb, cpu_s, double(summary.agent_steps) / cpu_s,
            static_cast<long long>(summary.final_agents), build_s, setup_s,
            args.no_output ? "none" : "hdf5");
        std::printf("ranks=%d compute_ms_per_day_max=%.3f compute_ms_per_day_mean=%.3f "
                    "comm_ms_per_day_mean=%.3f comm_ms_per_day_max=%.3f exchange_ms_per_day_mean=%.3f "
                    "record_ms_per_day=%.3f allreduce_alone_ms=%.4f message_bytes=%zu\n",
                    team->size(), 1e3 * max_of(compute) / days, 1e3 * mean_of(compute) / days,
                    1e3 * mean_of(comm) / days, 1e3 * max_of(comm) / days,
                    1e3 * mean_of(exchange) / days, 1e3 * st.record / days, 1e3 * max_of(pure_ms),
                    words * sizeof(std::int64_t));
        std::printf("stages drivers_s=%.3f spawn_s=%.3f prepare_s=%.3f move_s=%.3f tally_s=%.3f record_s=%.3f\n",
                    st.drivers, st.spawn, st.prepare, st.move, st.tally, st.record);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_run: %s\n", e.what());
        if (team->size() > 1) team->abort_all(1);
        return 1;
    }
}
