// index.csv, shard indexes and sweep_settings.txt (index_files.hpp).
#include "migflow/sweep/index_files.hpp"

#include <H5Cpp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "migflow/core/build_info.hpp"
#include "migflow/core/csv.hpp"
#include "migflow/core/files.hpp"
#include "migflow/sweep/resume.hpp"
#include "output/camp_totals.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_file.hpp"
#include "output/result_header.hpp"

namespace migflow {

namespace {

namespace fs = std::filesystem;

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

// The path an `input PATH ...` line of input_fingerprint() is about; empty for other lines.
std::string input_path_of(const std::string& line) {
    if (line.rfind("input ", 0) != 0) return {};
    const auto end = line.find(line.find(" crc32 ") != std::string::npos ? " crc32 " : " missing");
    return line.substr(6, end == std::string::npos ? std::string::npos : end - 6);
}

}  // namespace

void write_index(const std::string& path, const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                 const std::vector<RunResult>& results, bool with_ard) {
    const auto keys = swept_keys(spec);
    std::ostringstream out;
    out << "run,point,seed";
    for (const auto& k : keys) out << ',' << csv_cell(k);
    for (const auto& c : design_columns(spec)) out << ',' << c;
    out << ",file,status,wall_s,final_agents,camp_arrivals,peak_camp_population";
    if (with_ard) out << ",ard_rescaled,ard_unrescaled";
    out << ",build\n";
    for (const SweepEntry& run : runs) {
        const RunResult& res = results.at(static_cast<std::size_t>(run.index));
        out << run.index << ',' << run.point << ',' << run.seed;
        // Swept values are the last overrides of a run (after the fixed `set:` ones).
        const std::size_t first = run.overrides.size() - keys.size();
        for (std::size_t k = 0; k < keys.size(); ++k) out << ',' << csv_cell(run.overrides[first + k].second);
        for (const auto& c : run.design) out << ',' << csv_cell(c);
        out << ',' << csv_cell(fs::path(run.output).filename().string()) << ',' << res.status;
        const bool done = res.status == "done";
        out << ',' << (done ? number(res.wall_s, "%.3f") : "") << ',' << (done ? std::to_string(res.final_agents) : "");
        out << ',' << (done ? number(res.camp_arrivals, "%.10g") : "") << ','
            << (done ? number(res.peak_camp_population, "%.10g") : "");
        if (with_ard) {
            out << ',' << (done && res.ard_rescaled ? number(*res.ard_rescaled, "%.8g") : "");
            out << ',' << (done && res.ard_unrescaled ? number(*res.ard_unrescaled, "%.8g") : "");
        }
        out << ',' << (done ? csv_cell(res.build) : "") << '\n';
    }
    write_file_atomically(path, out.str());
}

// --resume adopts only a sealed file with its seal intact (result_check.hpp): an unsealed
// or damaged one is run again.
std::optional<RunResult> read_result(const std::string& file, std::uint64_t seed) {
    using namespace migflow::detail;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return std::nullopt;
    try {
        const ResultFile result(file);
        const H5::H5File& f = result.h5();
        const H5::Group root = result.root();
        if (!result.sealed() || result.kind() != ResultKind::run || result.unsigned_integer("seed") != seed) return std::nullopt;
        RunResult r;
        r.status = "done";
        r.wall_s = read_double_attr(root, "wall_seconds");
        r.final_agents = static_cast<long long>(read_int_attr(root, "final_agents"));
        const CampTotals camps = read_camp_totals(f);
        r.camp_arrivals = camps.arrivals;
        r.peak_camp_population = camps.peak_population;
        if (has_attr(root, "ard_rescaled")) r.ard_rescaled = read_double_attr(root, "ard_rescaled");
        if (has_attr(root, "ard_unrescaled")) r.ard_unrescaled = read_double_attr(root, "ard_unrescaled");
        const std::vector<BuildItem> build = result.build();
        r.build = build.empty() ? "not recorded" : build_summary(build);
        return r;
    } catch (const H5::Exception&) {
        return std::nullopt;
    } catch (const ResultFileError&) {
        return std::nullopt;
    }
}

void check_same_plan(const std::string& path, const SweepSpec& spec, const std::vector<SweepEntry>& runs,
                     const std::string& what) {
    if (!fs::exists(path)) return;
    const CsvTable t = read_csv(path);
    const auto keys = swept_keys(spec);
    std::vector<std::string> head = {"run", "point", "seed"};
    head.insert(head.end(), keys.begin(), keys.end());
    const auto design = design_columns(spec);
    head.insert(head.end(), design.begin(), design.end());
    head.push_back("file");
    auto differs = [&](const std::string& why) {
        return std::runtime_error(what + ": " + path + " was written by another plan (" + why +
                                  "); use a new output_dir, or --overwrite");
    };
    if (t.rows.empty() || t.rows[0].cells.size() < head.size() ||
        !std::equal(head.begin(), head.end(), t.rows[0].cells.begin()))
        throw differs("its columns differ from run,point,seed,<swept keys>,<design columns>,file");
    if (t.rows.size() != runs.size() + 1)
        throw differs(std::to_string(t.rows.size() - 1) + " runs, this sweep has " + std::to_string(runs.size()));
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const SweepEntry& run = runs[i];
        std::vector<std::string> want = {std::to_string(run.index), std::to_string(run.point),
                                         std::to_string(run.seed)};
        for (std::size_t k = run.overrides.size() - keys.size(); k < run.overrides.size(); ++k)
            want.push_back(run.overrides[k].second);
        want.insert(want.end(), run.design.begin(), run.design.end());
        want.push_back(fs::path(run.output).filename().string());
        const auto& got = t.rows[i + 1].cells;
        for (std::size_t c = 0; c < want.size(); ++c)
            if (c >= got.size() || got[c] != want[c])
                throw differs("run " + std::to_string(run.index) + ": " + head[c] + " was `" +
                              (c < got.size() ? got[c] : std::string()) + "`, now `" + want[c] + "`");
    }
}

IndexStatuses read_index_statuses(const std::string& path) {
    IndexStatuses out;
    if (!fs::exists(path)) return out;
    const CsvTable t = read_csv(path);
    if (t.rows.empty()) return out;
    const auto& head = t.rows[0].cells;
    const auto status_col = std::find(head.begin(), head.end(), "status") - head.begin();
    const auto file_col = static_cast<std::size_t>(std::find(head.begin(), head.end(), "file") - head.begin());
    out.with_ard = std::find(head.begin(), head.end(), "ard_rescaled") != head.end();
    for (std::size_t i = 1; i < t.rows.size(); ++i) {
        const auto& cells = t.rows[i].cells;
        if (file_col < cells.size()) out.files.insert(cells[file_col]);
        if (static_cast<std::size_t>(status_col) >= cells.size()) continue;
        try {
            out.status[std::stoi(cells[0])] = cells[static_cast<std::size_t>(status_col)];
        } catch (const std::exception&) {
        }
    }
    return out;
}

void write_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs) {
    write_file_atomically(path, shared_settings(spec, inputs));
}

void check_same_settings(const std::string& path, const SweepSpec& spec, const std::vector<std::string>& inputs,
                         const std::string& what) {
    if (!fs::exists(path)) return;  // written by an older migflow: nothing to compare
    auto differs = [&](const std::string& got, const std::string& want) {
        return std::runtime_error(what + ": " + path + " says `" + got + "`, this sweep `" + want +
                                  "`; use a new output_dir, or --overwrite");
    };
    std::istringstream in(read_text_file(path));
    std::vector<std::string> got, want, got_inputs;
    std::map<std::string, std::string> want_inputs;  // path -> its line
    for (std::string line; std::getline(in, line);)
        (input_path_of(line).empty() ? got : got_inputs).push_back(line);
    std::istringstream w(shared_settings(spec, inputs));
    for (std::string line; std::getline(w, line);)
        if (const std::string p = input_path_of(line); p.empty()) want.push_back(line);
        else want_inputs[p] = line;
    for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i)
        if (i >= got.size() || i >= want.size() || got[i] != want[i])
            throw differs(i < got.size() ? got[i] : "(nothing)", i < want.size() ? want[i] : "(nothing)");
    // An input both know must be unchanged. Inputs only one side reads are let be: a
    // shard (or --merge) fingerprints the files of its own points only.
    for (const std::string& line : got_inputs)
        if (auto it = want_inputs.find(input_path_of(line)); it != want_inputs.end() && it->second != line)
            throw differs(line, it->second);
}

}  // namespace migflow
