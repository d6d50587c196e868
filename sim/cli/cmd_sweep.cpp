// `migflow sweep SWEEP.yaml`: every run of a sweep (docs/SWEEP.md), one after another,
// each written exactly as `migflow run` writes it, with index.csv kept truthful after
// every run so that a crash or a kill leaves an index of what really finished.
#include <H5Cpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "output/hdf5_util.hpp"
#include "cli/commands.hpp"
#include "migflow/core/csv.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/core/files.hpp"
#include "migflow/sweep/plan.hpp"
#include "migflow/sweep/resume.hpp"
#include "cli/scenario_source.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct SweepArgs {
    std::string file;
    bool dry_run = false;
    bool resume = false;
    bool overwrite = false;
    int threads = 0;
};

// What index.csv says about one run.
struct RunResult {
    std::string status = "pending";  // pending, done, failed
    double wall_s = 0.0;
    long long final_agents = 0;
    std::optional<double> ard_rescaled, ard_unrescaled;
};

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string number(double v, const char* fmt = "%.6g") {
    char buf[40];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

// Writes index.csv through a temporary file and a rename: readers never see half a file.
void write_index(const std::string& path, const SweepSpec& spec, const std::vector<SweepRun>& runs,
                 const std::vector<RunResult>& results, bool with_ard) {
    const auto keys = swept_keys(spec);
    std::ostringstream out;
    out << "run,point,seed";
    for (const auto& k : keys) out << ',' << csv_cell(k);
    out << ",file,status,wall_s,final_agents";
    if (with_ard) out << ",ard_rescaled,ard_unrescaled";
    out << '\n';
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const SweepRun& run = runs[i];
        const RunResult& res = results[i];
        out << run.index << ',' << run.point << ',' << run.seed;
        // Swept values are the last overrides of a run (after the fixed `set:` ones).
        const std::size_t first = run.overrides.size() - keys.size();
        for (std::size_t k = 0; k < keys.size(); ++k) out << ',' << csv_cell(run.overrides[first + k].second);
        out << ',' << csv_cell(fs::path(run.output).filename().string()) << ',' << res.status;
        const bool done = res.status == "done";
        out << ',' << (done ? number(res.wall_s, "%.3f") : "") << ',' << (done ? std::to_string(res.final_agents) : "");
        if (with_ard) {
            out << ',' << (done && res.ard_rescaled ? number(*res.ard_rescaled, "%.8g") : "");
            out << ',' << (done && res.ard_unrescaled ? number(*res.ard_unrescaled, "%.8g") : "");
        }
        out << '\n';
    }
    write_file_atomically(path, out.str());
}

// The run's record as its file holds it; nullopt unless the file is a complete result
// of this seed (what --resume may reuse).
std::optional<RunResult> read_result(const std::string& file, std::uint64_t seed) {
    using namespace migflow::detail;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec) || !run_file_verified(file)) return std::nullopt;
    try {
        H5::Exception::dontPrint();
        H5::H5File f(file, H5F_ACC_RDONLY);
        const H5::Group root = f.openGroup("/");
        if (!has_attr(root, "complete") || read_int_attr(root, "complete") != 1) return std::nullopt;
        if (read_uint_attr(root, "seed") != seed) return std::nullopt;
        RunResult r;
        r.status = "done";
        r.wall_s = read_double_attr(root, "wall_seconds");
        r.final_agents = static_cast<long long>(read_int_attr(root, "final_agents"));
        if (has_attr(root, "ard_rescaled")) r.ard_rescaled = read_double_attr(root, "ard_rescaled");
        if (has_attr(root, "ard_unrescaled")) r.ard_unrescaled = read_double_attr(root, "ard_unrescaled");
        return r;
    } catch (const H5::Exception&) {
        return std::nullopt;
    }
}

std::string describe_run(const SweepRun& run, const SweepSpec& spec) {
    std::string out = "seed " + std::to_string(run.seed);
    const std::size_t first = run.overrides.size() - swept_keys(spec).size();
    for (std::size_t i = first; i < run.overrides.size(); ++i)
        out += ", " + run.overrides[i].first + "=" + run.overrides[i].second;
    return out;
}

void print_plan(const SweepSpec& spec, const std::vector<SweepRun>& runs) {
    std::printf("sweep %s: scenario %s, %zu run(s) into %s\n", spec.file.c_str(), spec.scenario.c_str(),
                runs.size(), spec.output_dir.c_str());
    for (const auto& [k, v] : spec.fixed) std::printf("  every run: %s=%s\n", k.c_str(), v.c_str());
    for (const SweepRun& run : runs)
        std::printf("  run %d (point %d): %s -> %s\n", run.index, run.point, describe_run(run, spec).c_str(),
                    run.output.c_str());
}

// The run files do not record a run's overrides, so --resume trusts index.csv to say
// which plan wrote them: a sweep file edited since then must not adopt the old files.
void check_same_plan(const std::string& index, const SweepSpec& spec, const std::vector<SweepRun>& runs) {
    if (!fs::exists(index)) return;
    const CsvTable t = read_csv(index);
    const auto keys = swept_keys(spec);
    std::vector<std::string> head = {"run", "point", "seed"};
    head.insert(head.end(), keys.begin(), keys.end());
    head.push_back("file");
    auto differs = [&](const std::string& what) {
        return std::runtime_error("--resume: " + index + " was written by another plan (" + what +
                                  "); use a new output_dir, or --overwrite");
    };
    if (t.rows.empty() || t.rows[0].cells.size() < head.size() ||
        !std::equal(head.begin(), head.end(), t.rows[0].cells.begin()))
        throw differs("its columns differ from run,point,seed,<swept keys>,file");
    if (t.rows.size() != runs.size() + 1)
        throw differs(std::to_string(t.rows.size() - 1) + " runs, this sweep has " + std::to_string(runs.size()));
    for (const SweepRun& run : runs) {
        std::vector<std::string> want = {std::to_string(run.index), std::to_string(run.point),
                                         std::to_string(run.seed)};
        for (std::size_t k = run.overrides.size() - keys.size(); k < run.overrides.size(); ++k)
            want.push_back(run.overrides[k].second);
        want.push_back(fs::path(run.output).filename().string());
        const auto& got = t.rows[static_cast<std::size_t>(run.index) + 1].cells;
        for (std::size_t c = 0; c < want.size(); ++c)
            if (c >= got.size() || got[c] != want[c])
                throw differs("run " + std::to_string(run.index) + ": " + head[c] + " was `" +
                              (c < got.size() ? got[c] : std::string()) + "`, now `" + want[c] + "`");
    }
}

// What every run shares and index.csv does not show: the scenario (its path and a
// hash of its text), the `set:` overrides and every file any run reads (a CRC-32 of
// each, so that a changed CSV is noticed). Kept beside the index for --resume.
std::string shared_settings(const SweepSpec& spec, const std::vector<std::string>& inputs) {
    std::ostringstream out;
    out << "scenario " << spec.scenario << '\n';
    if (fs::is_regular_file(spec.scenario)) {
        std::ifstream in(spec.scenario, std::ios::binary);
        std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: stable across builds and machines
        for (char c; in.get(c);) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
        char hex[20];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
        out << "scenario_fnv1a " << hex << '\n';
    }
    for (const auto& [k, v] : spec.fixed) out << "set " << k << '=' << v << '\n';
    out << input_fingerprint(inputs);
    return out.str();
}

void check_same_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs) {
    if (!fs::exists(path)) return;  // written by an older migflow: nothing to compare
    std::ifstream in(path, std::ios::binary);
    std::istringstream want(shared_settings(spec, inputs));
    std::string got_line, want_line;
    while (true) {
        const bool g = static_cast<bool>(std::getline(in, got_line));
        const bool w = static_cast<bool>(std::getline(want, want_line));
        if (!g && !w) return;
        if (g != w || got_line != want_line)
            throw std::runtime_error("--resume: " + path + " says `" + (g ? got_line : std::string("(nothing)")) +
                                     "`, this sweep `" + (w ? want_line : std::string("(nothing)")) +
                                     "`; use a new output_dir, or --overwrite");
    }
}

void write_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs) {
    write_file_atomically(path, shared_settings(spec, inputs));
}

// Without --resume or --overwrite an earlier sweep's results are never replaced.
void prepare_output_dir(const SweepSpec& spec, const std::vector<SweepRun>& runs, const SweepArgs& sa,
                        const std::vector<std::string>& inputs) {
    fs::create_directories(spec.output_dir);
    const std::string index = spec.output_dir + "/index.csv";
    const std::string settings = spec.output_dir + "/sweep_settings.txt";
    if (sa.resume) {
        check_same_plan(index, spec, runs);
        check_same_settings(settings, spec, inputs);
        return write_settings(settings, spec, inputs);
    }
    bool used = fs::exists(index);
    for (const SweepRun& run : runs) used = used || fs::exists(run.output);
    if (used && !sa.overwrite)
        throw std::runtime_error(spec.output_dir + " already holds sweep results; use --resume to finish "
                                 "that sweep, or --overwrite to replace it");
    if (sa.overwrite) {
        fs::remove(index);
        for (const SweepRun& run : runs) fs::remove(run.output);
    }
    write_settings(settings, spec, inputs);
}

RunResult run_one(const SweepSpec& spec, const SweepRun& run, int threads) {
    Scenario s = load_scenario_source(spec.scenario, run.overrides);
    RunOptions opt;
    opt.seed = run.seed;
    opt.threads = threads;
    s.seed = run.seed;
    Simulation sim(s, opt);
    auto recorder = make_hdf5_recorder(run.output);
    sim.run(*recorder);
    recorder.reset();  // closes the file
    auto r = read_result(run.output, run.seed);
    if (!r) throw std::runtime_error(run.output + ": the run finished but its file is not complete");
    return *r;
}

int sweep(const SweepArgs& sa) {
    if (sa.file.empty()) throw UsageError("no sweep file given");
    if (sa.resume && sa.overwrite) throw UsageError("--resume and --overwrite exclude each other");
    const SweepSpec spec = load_sweep(sa.file);
    const std::vector<SweepRun> runs = plan_sweep(spec);

    // Every point's scenario is checked before the first run, so a bad value in the
    // last grid cell fails now, not hours later.
    bool with_ard = false;
    std::vector<std::string> inputs;  // every file any run reads (points may name other CSVs)
    validate_sweep(spec, runs, [&](const Overrides& o) {
        const Scenario s = load_scenario_source(spec.scenario, o);
        with_ard = with_ard || !s.observed.region.empty();
        inputs.insert(inputs.end(), s.input_files.begin(), s.input_files.end());
    });
    if (sa.dry_run) {
        print_plan(spec, runs);
        return 0;
    }
    prepare_output_dir(spec, runs, sa, inputs);
    const std::string index = spec.output_dir + "/index.csv";
    std::vector<RunResult> results(runs.size());
    int reused = 0;
    if (sa.resume)  // complete files of the same seed are kept; the index says so at once
        for (const SweepRun& run : runs)
            if (auto r = read_result(run.output, run.seed)) results[run.index] = *r, ++reused;
    write_index(index, spec, runs, results, with_ard);

    const auto start = std::chrono::steady_clock::now();
    for (const SweepRun& run : runs) {
        const std::string head = "[" + std::to_string(run.index + 1) + "/" + std::to_string(runs.size()) + "] " +
                                 fs::path(run.output).filename().string() + " (" + describe_run(run, spec) + ")";
        if (results[run.index].status == "done") {
            std::fprintf(stderr, "%s: complete already, kept\n", head.c_str());
            continue;
        }
        std::fprintf(stderr, "%s ...", head.c_str());
        std::fflush(stderr);
        try {
            results[run.index] = run_one(spec, run, sa.threads);
        } catch (const std::exception& e) {
            std::fputs(" failed\n", stderr);
            results[run.index].status = "failed";
            write_index(index, spec, runs, results, with_ard);
            throw std::runtime_error("sweep run " + std::to_string(run.index) + " (" + describe_run(run, spec) +
                                     ") failed: " + e.what() + "\n(index: " + index + ")");
        }
        const RunResult& r = results[run.index];
        std::fprintf(stderr, " %.2f s, %lld agents", r.wall_s, r.final_agents);
        if (r.ard_rescaled) std::fprintf(stderr, ", ARD %.4g", *r.ard_rescaled);
        std::fputc('\n', stderr);
        write_index(index, spec, runs, results, with_ard);
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sweep: %zu run(s) (%zu ran, %d kept from before) in %.1f s\nindex: %s\n", runs.size(),
                runs.size() - static_cast<std::size_t>(reused), reused, wall, index.c_str());
    return 0;
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
    auto* sub = app.add_subcommand("sweep", "run a sweep: parameter grids or samples x seeds, many runs");
    auto a = std::make_shared<SweepArgs>();
    sub->add_option("SWEEP.yaml", a->file, "sweep YAML (docs/SWEEP.md)")->type_name("");
    sub->add_flag("--dry-run", a->dry_run, "print the plan of runs, run nothing");
    add_threads_option(*sub, a->threads);
    sub->add_flag("--resume", a->resume, "keep the complete runs of an earlier sweep, run the rest");
    sub->add_flag("--overwrite", a->overwrite, "replace the results of an earlier sweep");
    return {sub, [a] { return sweep(*a); }};
}

}  // namespace migflow::cli
