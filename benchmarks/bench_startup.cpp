// bench_startup: time to load a large scenario from YAML + CSV and set up a run (issue #4).
//
//   bench_startup [--regions 100000] [--routes 500000] [--days 365] [--driver-every 7]
//                 [--long-drivers | --long] [--dir DIR] [--keep] [--seed S] [--load DIR]
//                 [--repeat N] [--json FILE]
//
// Writes the synthetic scenario (benchmarks/synthetic.hpp) to DIR (default: a fresh
// temporary directory), then times load_scenario() and the Simulation constructor
// (world, route graph, ruleset tables). Writing the files is not part of the figure.
// --load DIR skips the writing and loads DIR/synthetic.yaml left by an earlier --keep
// run (for profiling the loader alone; the size options are then ignored).
// The load and set-up are repeated N times (default 3); the key=value line gives their
// medians, and --json appends one JSON line to FILE with every repetition and the
// build, host and CPU (benchmarks/README.md).
#include <algorithm>
#include <vector>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "migflow/scenario/loader.hpp"
#include "migflow/engine/simulation.hpp"
#include "bench_record.hpp"
#include "synthetic.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "bench_startup: " << why << "\n"
              << "usage: bench_startup [--regions N] [--routes M] [--days D] [--driver-every K]\n"
              << "                     [--long-drivers | --long] [--dir DIR] [--keep] [--seed S]\n"
              << "                     [--load DIR] [--repeat N] [--json FILE]\n";
    std::exit(2);
}

std::uintmax_t dir_bytes(const std::filesystem::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    migflow::bench::SyntheticSpec spec;
    spec.regions = 100'000;
    spec.agents = 1'000'000;  // populations only; no agent is created here
    long long routes = 500'000;
    std::string dir;
    bool keep = false;
    bool reuse = false;
    int repeat = 3;
    std::string json;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto number = [&]() -> long long {
            if (i + 1 >= argc) usage("missing value after " + k);
            char* end = nullptr;
            const double d = std::strtod(argv[++i], &end);
            if (*end != '\0' || d < 0) usage("bad value for " + k);
            return static_cast<long long>(d);
        };
        if (k == "--regions")
            spec.regions = static_cast<int>(number());
        else if (k == "--routes")
            routes = number();
        else if (k == "--days")
            spec.days = static_cast<int>(number());
        else if (k == "--driver-every")
            spec.driver_every = static_cast<int>(number());
        else if (k == "--seed")
            spec.seed = static_cast<std::uint64_t>(number());
        else if (k == "--long-drivers" || k == "--long")
            spec.wide_drivers = false;
        else if (k == "--dir") {
            if (i + 1 >= argc) usage("missing value after --dir");
            dir = argv[++i];
        } else if (k == "--load") {
            if (i + 1 >= argc) usage("missing value after --load");
            dir = argv[++i];
            reuse = keep = true;
        } else if (k == "--keep")
            keep = true;
        else if (k == "--repeat")
            repeat = static_cast<int>(number());
        else if (k == "--json") {
            if (i + 1 >= argc) usage("missing value after --json");
            json = argv[++i];
        }
        else
            usage("unknown option " + k);
    }
    if (spec.regions < 2) usage("--regions must be at least 2");
    if (repeat < 1) usage("--repeat must be at least 1");
    spec.mean_degree = 2.0 * double(routes) / double(spec.regions);
    const bool temporary = dir.empty();
    if (temporary)
        dir = (std::filesystem::temp_directory_path() /
               ("bench_startup_" + std::to_string(::getpid())))
                  .string();

    try {
        const auto load_before = migflow::bench::load_average();
        auto t0 = Clock::now();
        const std::string yaml = reuse ? (std::filesystem::path(dir) / "synthetic.yaml").string()
                                       : migflow::bench::write_synthetic_files(spec, dir);
        const double write_s = reuse ? 0.0 : seconds_since(t0);
        const double files_mb = double(dir_bytes(dir)) / (1024.0 * 1024.0);

        std::vector<double> loads, setups, totals;
        migflow::Scenario scenario;
        for (int r = 0; r < repeat; ++r) {
            t0 = Clock::now();
            scenario = migflow::load_scenario(yaml);
            loads.push_back(seconds_since(t0));

            t0 = Clock::now();
            migflow::Simulation sim(scenario, migflow::RunOptions{spec.seed, 1});
            setups.push_back(seconds_since(t0));
            totals.push_back(loads.back() + setups.back());
        }
        const double load_s = migflow::bench::spread_of(loads).median;
        const double setup_s = migflow::bench::spread_of(setups).median;
        const double total_s = migflow::bench::spread_of(totals).median;

        std::printf(
            "startup regions=%zu routes=%zu days=%d driver_points=%zu drivers=%s files_mb=%.1f "
            "load_s=%.3f setup_s=%.3f total_s=%.3f write_s=%.3f dir=%s repeats=%d\n",
            scenario.regions.size(), scenario.routes.size(), scenario.days,
            scenario.drivers[0].series.empty() ? std::size_t(0)
                                               : scenario.drivers[0].series[0].day.size(),
            reuse ? "reused" : spec.wide_drivers ? "wide" : "long", files_mb, load_s, setup_s, total_s,
            write_s, keep ? dir.c_str() : "(removed)", repeat);
        if (!json.empty()) {
            using migflow::bench::JsonObject;
            std::vector<std::string> runs;
            for (std::size_t r = 0; r < loads.size(); ++r)
                runs.push_back(JsonObject().number("load_s", loads[r]).number("setup_s", setups[r]).str());
            const std::string record =
                JsonObject()
                    .text("schema", "migflow-bench/1")
                    .text("benchmark", "bench_startup")
                    .raw("config", JsonObject()
                                       .integer("regions", static_cast<long long>(scenario.regions.size()))
                                       .integer("routes", static_cast<long long>(scenario.routes.size()))
                                       .integer("days", scenario.days)
                                       .text("drivers", reuse ? "reused" : spec.wide_drivers ? "wide" : "long")
                                       .number("files_mb", files_mb)
                                       .integer("threads", 1)
                                       .integer("ranks", 1)
                                       .str())
                    .integer("repeats", repeat)
                    .number("write_s", write_s)
                    .raw("summary", JsonObject()
                                        .raw("load_s", migflow::bench::spread_json(loads))
                                        .raw("setup_s", migflow::bench::spread_json(setups))
                                        .raw("total_s", migflow::bench::spread_json(totals))
                                        .str())
                    .raw("runs", migflow::bench::json_array(runs))
                    .raw("context", migflow::bench::context_json(load_before, argc, argv))
                    .str();
            migflow::bench::append_json_line(json, record);
        }
        if (!keep) std::filesystem::remove_all(dir);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_startup: %s\n", e.what());
        if (!keep) {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
        return 1;
    }
}
