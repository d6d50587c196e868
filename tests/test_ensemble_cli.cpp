// `migflow run --replicates`, `migflow compare` and `migflow rerun` as a user runs them:
// files identical for any thread count, N = 1 equal to the single run, paired
// differences of identical (scenarios_dir + "/") exactly 0, reruns from the result file alone.
#include <H5Cpp.h>
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "../sim/output/result_seal.hpp"
#include "migflow/core/build_info.hpp"
#include "hdf5_datasets.hpp"
#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {


bool schema_ok(const std::string& file) {
    return run_shell("/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/analysis/check_schema.py " + file + " > /dev/null") == 0;
}

std::string root_attr(const std::string& file, const std::string& name) {
    H5::H5File f(file, H5F_ACC_RDONLY);
    H5::Attribute a = f.openGroup("/").openAttribute(name);
    std::string v;
    a.read(a.getStrType(), v);
    return v;
}

const std::vector<std::string> banded = {"population", "agents", "arrivals", "departures", "spawned",
                                          "turned_away_full", "blocked_by_closure", "refused_full",
                                          "route_flow_forward", "route_flow_backward", "in_transit",
                                          "total_agents"};
const std::vector<std::string> levels = {"p05", "p25", "p50", "p75", "p95", "mean"};

// Every dataset of `b` equals `a`'s, and both have the same datasets.
void check_identical_datasets(const std::string& a, const std::string& b) {
    const auto da = all_datasets(a), db = all_datasets(b);
    REQUIRE(da.size() > 10);
    CHECK(da.size() == db.size());
    for (const auto& [name, bytes] : da) {
        INFO(name);
        REQUIRE(db.count(name) == 1);
        CHECK(db.at(name) == bytes);
    }
}

}  // namespace

TEST_CASE("an ensemble file is the same for 1 and 2 threads and passes the schema check", "[cli][ensemble][determinism]") {
    TempDir dir("ens_threads");
    const auto one = (dir.path / "one.h5").string(), two = (dir.path / "two.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --replicates 4 --threads 1 -o " + one, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --replicates 4 --threads 2 -o " + two, dir.path / "log") == 0);
    check_identical_datasets(one, two);
    CHECK(read_dataset(one, "/ensemble/seeds") == std::vector<double>{7, 8, 9, 10});  // tiny.yaml has seed 7
    CHECK(schema_ok(one));
    REQUIRE(run_migflow_logged("info " + one, dir.path / "info") == 0);
    CHECK(slurp(dir.path / "info").find("replicates:   4, seeds 7 .. 10\n") != std::string::npos);
    CHECK(slurp(dir.path / "info").find("camps, median [p05, p95] over replicates") != std::string::npos);
    // The bands really spread: somewhere p05 < p95.
    const auto lo = read_dataset(one, "/ensemble/arrivals/p05"), hi = read_dataset(one, "/ensemble/arrivals/p95");
    bool spread = false;
    for (std::size_t i = 0; i < lo.size(); ++i) spread = spread || lo[i] < hi[i];
    CHECK(spread);
}

TEST_CASE("an ensemble of one replicate holds the single run's series in every band", "[cli][ensemble]") {
    TempDir dir("ens_one");
    const auto single = (dir.path / "single.h5").string(), ens = (dir.path / "ens.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --seed 5 -o " + single, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --seed 5 --replicates 1 -o " + ens, dir.path / "log") == 0);
    for (const auto& s : banded)
        for (const auto& q : levels) {
            INFO(s << "/" << q);
            CHECK(read_dataset(ens, "/ensemble/" + s + "/" + q) == read_dataset(single, "/series/" + s));
        }
    for (const char* d : {"/drivers/conflict", "/drivers/economy", "/drivers/climate", "/regions/capacity"})
        CHECK(read_dataset(ens, d) == read_dataset(single, d));
}

TEST_CASE("compare: identical scenarios differ by exactly 0; a closure by a tight band", "[cli][ensemble]") {
    TempDir dir("ens_compare");
    const auto same = (dir.path / "same.h5").string();
    REQUIRE(run_migflow_logged("compare " + scenarios_dir + "/tiny.yaml " + scenarios_dir + "/tiny.yaml --replicates 3 -o " + same,
                    dir.path / "log") == 0);
    CHECK(schema_ok(same));
    for (const auto& s : banded)
        for (const auto& q : levels) {
            INFO(s << "/" << q);
            for (double v : read_dataset(same, "/comparison/difference/" + s + "/" + q)) REQUIRE(v == 0.0);
            CHECK(read_dataset(same, "/comparison/baseline/" + s + "/" + q) ==
                  read_dataset(same, "/comparison/scenario/" + s + "/" + q));
        }
    for (double v : read_dataset(same, "/comparison/difference/camp_outcomes/peak_population")) CHECK(v == 0.0);

    // Closing the Mali-Mauritania border keeps people out of Mbera in every replicate.
    const auto diff = (dir.path / "diff.h5").string();
    REQUIRE(run_migflow_logged("compare " + scenarios_dir + "/border_open.yaml " + scenarios_dir + "/border_closure.yaml --replicates 4 "
                    "--set days=60 -o " + diff, dir.path / "log") == 0);
    CHECK(schema_ok(diff));
    const std::string out = slurp(dir.path / "log");
    CHECK(out.find("4 replicates paired by seed (11 .. 14)") != std::string::npos);
    CHECK(out.find("Mbera") != std::string::npos);
    const auto peaks = read_dataset(diff, "/comparison/difference/camp_outcomes/peak_population");  // [4 x camps]
    H5::H5File f(diff, H5F_ACC_RDONLY);
    std::vector<std::string> names;
    {
        auto ds = f.openDataSet("/comparison/difference/camp_outcomes/name");
        const auto n = static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints());
        const std::size_t len = ds.getStrType().getSize();
        std::vector<char> buf(n * len);
        ds.read(buf.data(), ds.getStrType());
        for (std::size_t i = 0; i < n; ++i) names.emplace_back(buf.data() + i * len, strnlen(buf.data() + i * len, len));
    }
    const auto mbera = std::find(names.begin(), names.end(), "Mbera") - names.begin();
    REQUIRE(std::size_t(mbera) < names.size());
    for (std::size_t k = 0; k < 4; ++k) CHECK(peaks[k * names.size() + std::size_t(mbera)] < 0);

    // The plots read comparison files: bands and the per-camp difference figure.
    const auto plots = dir.path / "plots";
    REQUIRE(run_shell("/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/analysis/plot_run.py " + diff + " -o " +
                      plots.string() + " > /dev/null 2>&1") == 0);
    for (const char* png : {"population.png", "camps.png", "transit.png", "camps_difference.png"})
        CHECK(fs::file_size(plots / png) > 10000);
}

TEST_CASE("rerun repeats a run with --set overrides from the result file alone", "[cli][provenance]") {
    TempDir dir("rerun_yaml");
    // A copy of the scenario and its CSV file, deleted before the rerun.
    const fs::path src = dir.path / "src";
    fs::create_directories(src);
    fs::copy_file(scenarios_dir + "/tiny.yaml", src / "tiny.yaml");
    fs::copy_file(scenarios_dir + "/tiny_climate.csv", src / "tiny_climate.csv");
    const auto first = (dir.path / "first.h5").string(), again = (dir.path / "again.h5").string();
    REQUIRE(run_migflow_logged("run " + (src / "tiny.yaml").string() + " --seed 9 --set behaviour.lambda_conflict=0.45 "
                    "--set days=25 -o " + first, dir.path / "log") == 0);
    // The closure and shock of tiny.yaml still fit in 25 days: no notes.
    CHECK(slurp(dir.path / "log").find("note:") == std::string::npos);
    fs::remove_all(src);
    const std::string text = root_attr(first, "scenario_text");
    CHECK(text.find("lambda_conflict: 0.45") != std::string::npos);
    CHECK(text.find("days: 25") != std::string::npos);
    CHECK(root_attr(first, "overrides") == "behaviour.lambda_conflict=0.45\ndays=25\n");
    CHECK(root_attr(first, "scenario_base_text").find("lambda_conflict: 0.3") != std::string::npos);
    REQUIRE(run_migflow_logged("rerun " + first + " -o " + again, dir.path / "log") == 0);
    check_identical_datasets(first, again);
    CHECK(root_attr(again, "scenario_text") == text);
    CHECK(root_attr(again, "overrides") == root_attr(first, "overrides"));
    CHECK(read_dataset(again, "/time/day").size() == 25);
    CHECK(schema_ok(again));
}

TEST_CASE("rerun repeats an ensemble, and a run of a Flee directory, from the file alone", "[cli][provenance]") {
    TempDir dir("rerun_more");
    const auto ens = (dir.path / "ens.h5").string(), ens2 = (dir.path / "ens2.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --replicates 3 -o " + ens, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("rerun " + ens + " -o " + ens2 + " --threads 1", dir.path / "log") == 0);
    check_identical_datasets(ens, ens2);
    REQUIRE(run_shell("/usr/bin/python3 " MIGFLOW_SOURCE_DIR "/analysis/plot_run.py " + ens + " -o " +
                      (dir.path / "plots").string() + " > /dev/null 2>&1") == 0);
    CHECK(fs::file_size(dir.path / "plots" / "camps.png") > 10000);

    const fs::path flee_case = dir.path / "burundi";
    fs::copy(std::string(MIGFLOW_FLEE_CASES) + "/burundi", flee_case, fs::copy_options::recursive);
    const auto run = (dir.path / "flee.h5").string(), again = (dir.path / "flee2.h5").string();
    REQUIRE(run_migflow_logged("run " + flee_case.string() + " -o " + run, dir.path / "log") == 0);
    fs::remove_all(flee_case);
    REQUIRE(run_migflow_logged("rerun " + run + " -o " + again, dir.path / "log") == 0);
    check_identical_datasets(run, again);
    CHECK(root_attr(again, "scenario_file") == flee_case.string());
    CHECK(root_attr(again, "scenario_kind") == "flee_dir");
}

TEST_CASE("rerun and compare refuse what they cannot do", "[cli][provenance]") {
    TempDir dir("rerun_refuse");
    const auto log = dir.path / "log";
    CHECK(run_migflow_logged("rerun " + (dir.path / "nothere.h5").string() + " -o x.h5", log) == 1);
    CHECK(slurp(log).find("nothere.h5: no such file") != std::string::npos);
    const auto cmp = (dir.path / "cmp.h5").string();
    REQUIRE(run_migflow_logged("compare " + scenarios_dir + "/tiny.yaml " + scenarios_dir + "/tiny.yaml --replicates 1 -o " + cmp, log) == 0);
    CHECK(run_migflow_logged("rerun " + cmp + " -o " + (dir.path / "y.h5").string(), log) == 1);
    CHECK(slurp(log).find("a comparison file holds two scenarios") != std::string::npos);
    CHECK(run_migflow_logged("compare " + scenarios_dir + "/tiny.yaml " + scenarios_dir + "/sahel.yaml --replicates 2 -o " + cmp, log) == 1);
    CHECK(slurp(log).find("compare: tiny and sahel differ in") != std::string::npos);
    const auto bare = (dir.path / "bare.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --set output.keep_inputs=false -o " + bare, log) == 0);
    CHECK(all_datasets(bare).count("inputs/file_000") == 0);
    CHECK(run_migflow_logged("rerun " + bare + " -o " + (dir.path / "z.h5").string(), log) == 1);
    CHECK(slurp(log).find("its run had output.keep_inputs: false, so the file keeps no input files") !=
          std::string::npos);
    CHECK(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --replicates 0", log) == 2);
    CHECK(slurp(log).find("--replicates takes 1 to 100000") != std::string::npos);
}

TEST_CASE("events outside a shortened run are notes on stderr, and the run goes on", "[cli][policy]") {
    TempDir dir("notes");
    const auto out = (dir.path / "short.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --set days=15 -o " + out, dir.path / "log") == 0);
    const std::string log = slurp(dir.path / "log");
    CHECK(log.find("--set") == std::string::npos);  // the notes are located in the scenario file
    CHECK(log.find("tiny.yaml:24:5: closures[0]: note: from 2024-01-20 to 2024-01-25 lies wholly outside the run "
                   "(the run is 2024-01-01 to 2024-01-15): ignored") != std::string::npos);
    CHECK(log.find("tiny.yaml:43:60: shocks[0].to: note: date 2024-01-18 is after the run ends: clipped to 2024-01-16 "
                   "(the day after the last day)") != std::string::npos);
    CHECK(fs::exists(out));
}

namespace {

// Makes `file` say it was made by another build: `edit` changes its root attributes,
// then the file is sealed again, as a file written by that build would be.
void rewrite_build_attributes(const std::string& file, const std::function<void(H5::Group&)>& edit) {
    {
        H5::H5File f(file, H5F_ACC_RDWR);
        H5::Group root = f.openGroup("/");
        edit(root);
    }
    const int fd = ::open(file.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    migflow::detail::seal_result_file(fd, file);
    ::close(fd);
}

void set_string_attr(H5::Group& g, const std::string& name, const std::string& value) {
    if (g.attrExists(name)) g.removeAttr(name);
    H5::StrType t(H5::PredType::C_S1, value.size());
    g.createAttribute(name, t, H5::DataSpace(H5S_SCALAR)).write(t, value);
}

std::string git_head() {
    TempDir tmp("git_head");
    if (run_shell("git -C " MIGFLOW_SOURCE_DIR " rev-parse HEAD > " + (tmp.path / "head").string() + " 2>/dev/null") != 0)
        return "unknown";
    std::string head = slurp(tmp.path / "head");
    while (!head.empty() && head.back() == '\n') head.pop_back();
    return head;
}

}  // namespace

TEST_CASE("a result file names the build that made it, and --version and info show it", "[cli][provenance]") {
    TempDir dir("build_info");
    const auto run = (dir.path / "run.h5").string(), ens = (dir.path / "ens.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --quiet -o " + run, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --replicates 2 --quiet -o " + ens, dir.path / "log") == 0);
    // The commit is the source tree's (stamped at every build), "unknown" outside git.
    const std::string commit = root_attr(run, "build_commit");
    CHECK(commit == git_head());
    CHECK((root_attr(run, "build_modified") == "yes" || root_attr(run, "build_modified") == "no"));
    // As this build says (Release for the README's build, RelWithDebInfo for the sanitizers').
    std::string type;
    for (const migflow::BuildItem& b : migflow::build_info())
        if (b.name == "type") type = b.value;
    CHECK(!type.empty());
    CHECK(root_attr(run, "build_type") == type);
    CHECK(root_attr(run, "build_compiler").find_first_of("0123456789") != std::string::npos);
    CHECK(root_attr(run, "build_hdf5").find('.') != std::string::npos);
    CHECK(root_attr(run, "build_tbb").find('.') != std::string::npos);
    for (const char* a : {"build_commit", "build_modified", "build_compiler", "build_hdf5", "build_tbb", "build_mpi"})
        CHECK(root_attr(ens, a) == root_attr(run, a));

    REQUIRE(run_migflow_logged("--version", dir.path / "version") == 0);
    const std::string version = slurp(dir.path / "version");
    CHECK(version.rfind("migflow " MIGFLOW_VERSION "\n", 0) == 0);
    CHECK(version.find("\n  commit: " + commit + "\n") != std::string::npos);
    CHECK(version.find("\n  hdf5: " + root_attr(run, "build_hdf5") + "\n") != std::string::npos);
    for (const auto& file : {run, ens}) {
        REQUIRE(run_migflow_logged("info " + file, dir.path / "info") == 0);
        CHECK(slurp(dir.path / "info").find("build:        commit " + commit.substr(0, 12)) != std::string::npos);
    }
    // An ensemble's camps: turned away per replicate and in how many runs each fills.
    const std::string info = slurp(dir.path / "info");
    CHECK(info.find("; people turned away (summed over days)\n") != std::string::npos);
    CHECK(info.find("; 0 [0, 0]; full in 0/2 runs\n") != std::string::npos);
}

TEST_CASE("rerun says when this binary is not the build that made the file, and still reruns", "[cli][provenance]") {
    TempDir dir("build_rerun");
    const auto first = (dir.path / "first.h5").string(), again = (dir.path / "again.h5").string();
    REQUIRE(run_migflow_logged("run " + scenarios_dir + "/tiny.yaml --quiet -o " + first, dir.path / "log") == 0);
    REQUIRE(run_migflow_logged("rerun " + first + " --quiet -o " + again, dir.path / "log") == 0);
    const bool modified = root_attr(first, "build_modified") == "yes";
    // The same build says nothing, unless its tree had uncommitted changes (then it
    // cannot know that the code is the same).
    CHECK((slurp(dir.path / "log").find("note:") == std::string::npos) == !modified);

    rewrite_build_attributes(first, [](H5::Group& root) {
        set_string_attr(root, "build_commit", std::string(40, '0'));
        set_string_attr(root, "build_compiler", "GNU 4.8.5");
    });
    fs::remove(again);
    REQUIRE(run_migflow_logged("rerun " + first + " --quiet -o " + again, dir.path / "log") == 0);
    const std::string log = slurp(dir.path / "log");
    INFO(log);
    CHECK(log.find("differs from the build that made " + first + " (commit 000000000000") != std::string::npos);
    CHECK(log.find("GNU 4.8.5") != std::string::npos);
    CHECK(log.find("in: commit, compiler") != std::string::npos);
    check_identical_datasets(first, again);

    rewrite_build_attributes(first, [](H5::Group& root) {
        for (const char* a : {"build_commit", "build_modified", "build_type", "build_compiler", "build_flags", "build_hdf5",
                              "build_tbb", "build_mpi", "build_features", "build_nlopt", "build_eigen", "build_yaml_cpp"})
            if (root.attrExists(a)) root.removeAttr(a);
    });
    fs::remove(again);
    REQUIRE(run_migflow_logged("rerun " + first + " --quiet -o " + again, dir.path / "log") == 0);
    CHECK(slurp(dir.path / "log").find("does not record the build that made it") != std::string::npos);
    REQUIRE(run_migflow_logged("info " + first, dir.path / "info") == 0);
    CHECK(slurp(dir.path / "info").find("build:        not recorded") != std::string::npos);
}
