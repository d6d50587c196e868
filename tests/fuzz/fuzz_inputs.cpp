// Deterministic mutation fuzzer for the four readers of outside data (docs/RELIABILITY.md):
// the YAML scenario loader, the CSV reader, the Flee importer and the result-file check.
// Seeds: scenarios/*.yaml (+ CSVs), the Flee cases, a real result file. Each execution
// mutates one seed (bit flips, byte runs, cut and repeated spans, hostile numbers) and
// feeds it to its reader. Expected outcomes: success or InputError (the result check: a
// verdict). Anything else - another exception, a crash, a sanitizer report, a hang
// (ctest's timeout) - is a finding. Built with the sanitizers in CI's sanitizer stage.
//
//   migflow_fuzz --runs N [--seed S] [--source DIR] [--cases DIR] [--result FILE]
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "migflow/core/csv.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/output/result_check.hpp"
#include "migflow/scenario/loader.hpp"

namespace fs = std::filesystem;
using namespace migflow;

namespace {

struct Rng {  // splitmix64: the whole run is a function of --seed
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary | std::ios::trunc) << text; }

// Numbers that break conversions and sizes, and bytes that break parsers.
const char* const hostile[] = {"9223372036854775807", "1e308", "-1e308", "nan", "inf", "-1", "0", "3000000000",
                               "18446744073709551616", "1e-320", "\"", "\n", "#", ",", ":", "{", "[", "- ", "&a", "*a",
                               "\xEF\xBB\xBF", "\r\n", "\t", "2015-02-30", "9999-99-99", "\0"};

std::string mutate(std::string s, Rng& r) {
    const int steps = 1 + static_cast<int>(r.below(4));
    for (int k = 0; k < steps; ++k) {
        const std::size_t at = r.below(s.size() + 1);
        switch (r.below(7)) {
            case 0:  // flip a bit
                if (!s.empty()) s[at % s.size()] = static_cast<char>(s[at % s.size()] ^ (1 << r.below(8)));
                break;
            case 1: {  // replace a number-like run by a hostile value
                std::size_t b = at, e = at;
                while (b > 0 && std::strchr("0123456789.-e+", s[b - 1])) --b;
                while (e < s.size() && std::strchr("0123456789.-e+", s[e])) ++e;
                const std::string h = hostile[r.below(std::size(hostile))];
                s.replace(b, e - b, h.empty() ? std::string(1, '\0') : h);
                break;
            }
            case 2:  // insert a hostile token
                s.insert(at, hostile[r.below(std::size(hostile))]);
                break;
            case 3:  // delete a span
                s.erase(at, r.below(64));
                break;
            case 4: {  // repeat a span (duplicated keys and rows)
                const std::string span = s.substr(at, r.below(200));
                const std::size_t times = 1 + r.below(50);
                std::string rep;
                for (std::size_t i = 0; i < times; ++i) rep += span;
                s.insert(at, rep);
                break;
            }
            case 5:  // random byte
                s.insert(at, 1, static_cast<char>(r.below(256)));
                break;
            default:  // cut the end
                s.resize(at);
                break;
        }
    }
    return s;
}

struct Seeds {
    std::vector<std::pair<fs::path, std::string>> yaml;  // scenario, text
    std::vector<std::string> csv;
    std::vector<fs::path> cases;
    std::string result;
};

std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

int findings = 0;

void finding(const std::string& reader, std::uint64_t run, const std::string& what) {
    ++findings;
    std::fprintf(stderr, "FINDING run %llu (%s): %s\n", static_cast<unsigned long long>(run), reader.c_str(),
                 what.c_str());
}

template <class F>
void expect_clean(const std::string& reader, std::uint64_t run, F&& f) {
    try {
        f();
    } catch (const InputError&) {
    } catch (const std::exception& e) {
        finding(reader, run, std::string("unexpected exception: ") + e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t runs = 1000, seed = 1;
    std::string source = MIGFLOW_SOURCE_DIR, cases = MIGFLOW_FLEE_CASES, result;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--runs") runs = std::stoull(v);
        else if (a == "--seed") seed = std::stoull(v);
        else if (a == "--source") source = v;
        else if (a == "--cases") cases = v;
        else if (a == "--result") result = v;
        else {
            std::fprintf(stderr, "usage: migflow_fuzz --runs N [--seed S] [--source DIR] [--cases DIR] [--result FILE]\n");
            return 2;
        }
    }
    Seeds seeds;
    for (const auto& p : files_under(fs::path(source) / "scenarios")) {
        if (p.extension() == ".yaml" && p.filename().string().find("sweep") == std::string::npos)
            seeds.yaml.emplace_back(p, slurp(p));
        if (p.extension() == ".csv") seeds.csv.push_back(slurp(p));
    }
    for (const auto& e : fs::directory_iterator(cases))
        if (e.is_directory() && is_flee_case_dir(e.path().string())) seeds.cases.push_back(e.path());
    std::sort(seeds.cases.begin(), seeds.cases.end());
    for (const auto& c : seeds.cases)
        for (const auto& p : files_under(c))
            if (p.extension() == ".csv") seeds.csv.push_back(slurp(p));
    if (!result.empty()) seeds.result = slurp(result);

    const fs::path work = fs::temp_directory_path() / ("migflow_fuzz_" + std::to_string(::getpid()));
    fs::remove_all(work);
    fs::create_directories(work);
    Rng r{seed};
    std::uint64_t counts[4] = {};
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t run = 0; run < runs; ++run) {
        const std::size_t which = r.below(seeds.result.empty() ? 3 : 4);
        ++counts[which];
        if (which == 0) {  // YAML scenario, loaded from text beside its own CSVs
            const auto& [path, text] = seeds.yaml[r.below(seeds.yaml.size())];
            const std::string m = mutate(text, r);
            expect_clean("yaml", run, [&] { load_scenario_text(m, path.string(), path.parent_path().string()); });
        } else if (which == 1) {  // CSV reader
            const std::string m = mutate(seeds.csv[r.below(seeds.csv.size())], r);
            expect_clean("csv", run, [&] {
                const CsvTable t = parse_csv(m, "fuzz.csv");
                (void)t;
            });
        } else if (which == 2) {  // Flee importer: a copy of a case with one file mutated
            const fs::path& c = seeds.cases[r.below(seeds.cases.size())];
            const fs::path dir = work / "case";
            fs::remove_all(dir);
            fs::copy(c, dir, fs::copy_options::recursive);
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add);  // the cases may be read-only
            for (const auto& e : fs::recursive_directory_iterator(dir))
                fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add);
            const auto files = files_under(dir);
            const fs::path victim = files[r.below(files.size())];
            spit(victim, mutate(slurp(victim), r));
            expect_clean("flee", run, [&] { import_flee_case(dir.string()); });
        } else {  // result file: the seal must catch every change
            const fs::path p = work / "result.h5";
            std::string m = seeds.result;
            const std::size_t at = r.below(m.size());
            m[at] = static_cast<char>(m[at] ^ static_cast<char>(1 + r.below(255)));
            spit(p, m);
            const ResultCheck check = check_result_file(p.string());
            if (check.usable() && at >= 512)
                finding("result", run, "a byte changed at offset " + std::to_string(at) + " was not noticed");
        }
    }
    fs::remove_all(work);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("migflow_fuzz: %llu executions (yaml %llu, csv %llu, flee %llu, result %llu) in %.1f s, seed %llu: "
                "%d finding(s)\n",
                static_cast<unsigned long long>(runs), static_cast<unsigned long long>(counts[0]),
                static_cast<unsigned long long>(counts[1]), static_cast<unsigned long long>(counts[2]),
                static_cast<unsigned long long>(counts[3]), secs, static_cast<unsigned long long>(seed), findings);
    return findings == 0 ? 0 : 1;
}
