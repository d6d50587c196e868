// Faults and hostile inputs (docs/RELIABILITY.md): two runs on one output, outputs that
// name inputs, symbolic links, huge numbers in Flee inputs, a full disk, damaged result
// files, unbounded inputs, messages without a place, sweep --resume after changes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "migflow/core/csv.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/core/files.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/output/result_check.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using migflow::test::run_shell;
using migflow::test::shell_quote;
using migflow::test::slurp;
using migflow::test::TempDir;

namespace {

const std::string bin = MIGFLOW_BINARY;
const std::string flee_cases = MIGFLOW_FLEE_CASES;

// Runs `migflow ARGS` with stderr to a file; returns the exit status (-1: killed by a signal).
int run_migflow(const std::string& args, std::string* err = nullptr, const std::string& prefix = "") {
    TempDir d("rel_err");
    const std::string e = (d.path / "err").string();
    const int rc = run_shell(prefix + shell_quote(bin) + " " + args + " > /dev/null 2> " + shell_quote(e));
    if (err) *err = slurp(e);
    return rc;
}

// A copy of test::scenarios_dir/tiny.yaml and its CSV in `dir`.
std::string copy_tiny(const fs::path& dir) {
    fs::copy_file(test::scenarios_dir + "/tiny.yaml", dir / "tiny.yaml");
    fs::copy_file(test::scenarios_dir + "/tiny_climate.csv", dir / "tiny_climate.csv");
    return (dir / "tiny.yaml").string();
}

fs::path copy_case(const std::string& name, const fs::path& dir) {
    const fs::path to = dir / name;
    fs::copy(fs::path(flee_cases) / name, to, fs::copy_options::recursive);
    // The shared cases may be read-only: the copy must be writable (and removable).
    fs::permissions(to, fs::perms::owner_all, fs::perm_options::add);
    for (const auto& e : fs::recursive_directory_iterator(to))
        fs::permissions(e.path(), e.is_directory() ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write,
                        fs::perm_options::add);
    return to;
}


// Forwards to an HDF5 recorder; on day 0 a second recorder tries the same output.
struct SecondWriterOnDayZero final : Recorder {
    Recorder& inner;
    std::string path;
    const Scenario* s = nullptr;
    const World* w = nullptr;
    std::string refusal;
    SecondWriterOnDayZero(Recorder& r, std::string p) : inner(r), path(std::move(p)) {}
    void begin(const Scenario& sc, const World& wo, const RunInfo& info) override {
        s = &sc, w = &wo;
        inner.begin(sc, wo, info);
    }
    void record(const DayRecord& day) override {
        if (day.day == 0) {
            auto second = make_hdf5_recorder(path);
            RunInfo other;
            other.seed = 99;
            try {
                second->begin(*s, *w, other);
            } catch (const std::exception& e) {
                refusal = e.what();
            }
        }
        inner.record(day);
    }
    void finish(const RunSummary& sum) override { inner.finish(sum); }
};

}  // namespace

TEST_CASE("a second run on the same output is refused and the first publishes its own data",
          "[reliability][output]") {
    TempDir dir("rel_two");
    const std::string out = (dir.path / "out.h5").string();
    Scenario s = load_scenario(test::scenarios_dir + "/tiny.yaml");
    RunOptions opt;
    opt.seed = 11;
    opt.threads = 1;
    Simulation sim(s, opt);
    auto hdf5 = make_hdf5_recorder(out);
    SecondWriterOnDayZero rec(*hdf5, out);
    sim.run(rec);
    hdf5.reset();
    CHECK_THAT(rec.refusal, Contains("another migflow run is writing " + out + ".partial"));
    CHECK(check_result_file(out).status == ResultCheck::Status::sealed);
    CHECK(!fs::exists(out + ".partial"));

    // The command line: a .partial held by a live process (its lock) is left alone.
    const std::string out2 = (dir.path / "held.h5").string();
    FileHandle held = claim_partial_file(out2 + ".partial");
    REQUIRE(::write(held.get(), "theirs", 6) == 6);
    std::string err;
    CHECK(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(out2), &err) == 1);
    CHECK_THAT(err, Contains("another migflow run is writing " + out2 + ".partial now"));
    CHECK(slurp(out2 + ".partial") == "theirs");
    CHECK(!fs::exists(out2));
}

TEST_CASE("the .partial of a killed run is replaced by the next run", "[reliability][output]") {
    TempDir dir("rel_killed");
    const std::string out = (dir.path / "out.h5").string();
    // A process holding the .partial, killed with SIGKILL: its lock goes with it.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        FileHandle h = claim_partial_file(out + ".partial");
        (void)::write(h.get(), "half a file", 11);
        ::pause();
        ::_exit(0);
    }
    for (int i = 0; i < 500 && !fs::exists(out + ".partial"); ++i) ::usleep(10000);
    ::usleep(50000);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(fs::exists(out + ".partial"));  // kill -9 leaves it: nothing can remove it then
    CHECK(!fs::exists(out));                // but nothing looks complete

    std::string err;
    CHECK(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(out), &err) == 0);
    CHECK(err.empty());
    CHECK(check_result_file(out).status == ResultCheck::Status::sealed);
    CHECK(!fs::exists(out + ".partial"));
}

TEST_CASE("an output naming an input of the run, or a link, is refused and nothing is written",
          "[reliability][output]") {
    TempDir dir("rel_inputs");
    const std::string yaml = copy_tiny(dir.path);
    const std::string yaml_text = slurp(yaml), csv_text = slurp(dir.path / "tiny_climate.csv");
    std::string err;
    CHECK(run_migflow("run " + shell_quote(yaml) + " --quiet -o " + shell_quote(yaml), &err) == 1);
    CHECK_THAT(err, Contains("the output file " + yaml + " is an input of this run"));
    // output.file naming the scenario's own CSV (resolved against the working directory).
    const std::string csv = (dir.path / "tiny_climate.csv").string();
    CHECK(run_migflow("run " + shell_quote(yaml) + " --quiet --set output.file=" + shell_quote(csv), &err) == 1);
    CHECK_THAT(err, Contains("is an input of this run (" + csv + ")"));
    CHECK(slurp(yaml) == yaml_text);
    CHECK(slurp(csv) == csv_text);

    // A Flee case's own file.
    const fs::path flee = copy_case("burundi", dir.path);
    const std::string locations = (flee / "input_csv" / "locations.csv").string();
    const std::string loc_text = slurp(locations);
    CHECK(run_migflow("run " + shell_quote(flee.string()) + " --quiet -o " + shell_quote(locations), &err) == 1);
    CHECK_THAT(err, Contains("is an input of this run"));
    CHECK(slurp(locations) == loc_text);
    CHECK(run_migflow("import-flee " + shell_quote(flee.string()) + " -o " + shell_quote(locations), &err) == 1);
    CHECK_THAT(err, Contains(locations + ": is a file of the Flee case being imported; write elsewhere"));
    CHECK(slurp(locations) == loc_text);

    // A symbolic link at OUT.h5.partial is never followed.
    const std::string victim = dir.write("victim.txt", "precious");
    const std::string out = (dir.path / "out.h5").string();
    fs::create_symlink(victim, out + ".partial");
    CHECK(run_migflow("run " + shell_quote(yaml) + " --quiet -o " + shell_quote(out), &err) == 1);
    CHECK_THAT(err, Contains("cannot create " + out + ".partial: it is a symbolic link"));
    CHECK(slurp(victim) == "precious");
    CHECK(!fs::exists(out));
}

TEST_CASE("ensemble and comparison files are sealed, never over an input or through a link",
          "[reliability][output]") {
    TempDir dir("rel_ensemble");
    const std::string yaml = copy_tiny(dir.path);
    const std::string yaml_text = slurp(yaml);
    std::string err;
    const std::string ens = (dir.path / "ens.h5").string();
    REQUIRE(run_migflow("run " + shell_quote(yaml) + " --quiet --replicates 3 -o " + shell_quote(ens), &err) == 0);
    CHECK(check_result_file(ens).status == ResultCheck::Status::sealed);
    CHECK(!fs::exists(ens + ".partial"));

    CHECK(run_migflow("run " + shell_quote(yaml) + " --quiet --replicates 2 -o " + shell_quote(yaml), &err) == 1);
    CHECK_THAT(err, Contains("the output file " + yaml + " is an input of this run"));
    CHECK(slurp(yaml) == yaml_text);
    // The baseline's files are inputs of a comparison too.
    const std::string other = dir.write("other.yaml", yaml_text);
    CHECK(run_migflow("compare " + shell_quote(other) + " " + shell_quote(yaml) + " --quiet --replicates 2 -o " +
                          shell_quote(yaml), &err) == 1);
    CHECK_THAT(err, Contains("is an input of this run"));
    CHECK(slurp(yaml) == yaml_text);

    const std::string victim = dir.write("victim.txt", "precious");
    const std::string cmp = (dir.path / "cmp.h5").string();
    fs::create_symlink(victim, cmp + ".partial");
    CHECK(run_migflow("compare " + shell_quote(other) + " " + shell_quote(yaml) + " --quiet --replicates 2 -o " +
                          shell_quote(cmp), &err) == 1);
    CHECK_THAT(err, Contains("cannot create " + cmp + ".partial: it is a symbolic link"));
    CHECK(slurp(victim) == "precious");
    CHECK(!fs::exists(cmp));
    fs::remove(cmp + ".partial");
    REQUIRE(run_migflow("compare " + shell_quote(other) + " " + shell_quote(yaml) + " --quiet --replicates 2 -o " +
                            shell_quote(cmp), &err) == 0);
    CHECK(check_result_file(cmp).status == ResultCheck::Status::sealed);
}

TEST_CASE("export and rerun check the seal; export never writes through a link", "[reliability][output]") {
    TempDir dir("rel_readers");
    const std::string good = (dir.path / "good.h5").string();
    REQUIRE(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(good)) == 0);
    std::string bytes = slurp(good);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    const std::string bad = dir.write("bad.h5", bytes);
    std::string err;
    CHECK(run_migflow("export " + shell_quote(bad) + " --format csv -o " + shell_quote((dir.path / "csv").string()), &err) == 1);
    CHECK_THAT(err, Contains(bad + ": damaged result file"));
    CHECK(!fs::exists(dir.path / "csv"));
    CHECK(run_migflow("rerun " + shell_quote(bad) + " --quiet -o " + shell_quote((dir.path / "again.h5").string()), &err) == 1);
    CHECK_THAT(err, Contains(bad + ": damaged result file"));

    const std::string victim = dir.write("victim.txt", "precious");
    fs::create_directories(dir.path / "csv2");
    fs::create_symlink(victim, dir.path / "csv2" / "regions.csv.partial");
    CHECK(run_migflow("export " + shell_quote(good) + " --format csv -o " + shell_quote((dir.path / "csv2").string()), &err) == 1);
    CHECK_THAT(err, Contains("regions.csv.partial: it is a symbolic link"));
    CHECK(slurp(victim) == "precious");
    CHECK(!fs::exists(dir.path / "csv2" / "regions.csv"));
    fs::remove(dir.path / "csv2" / "regions.csv.partial");
    CHECK(run_migflow("export " + shell_quote(good) + " --format csv -o " + shell_quote((dir.path / "csv2").string()), &err) == 0);
    CHECK(fs::file_size(dir.path / "csv2" / "regions.csv") > 100);
}

TEST_CASE("report checks the seal and never writes over a result it reads", "[reliability][output]") {
    TempDir dir("rel_report");
    const std::string good = (dir.path / "good.h5").string();
    REQUIRE(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(good)) == 0);
    const std::string before = slurp(good);
    std::string err;
    CHECK(run_migflow("report " + shell_quote(good) + " -o " + shell_quote(good), &err) == 1);
    CHECK_THAT(err, Contains("the output file " + good + " is an input the report reads"));
    CHECK(slurp(good) == before);
    CHECK(run_migflow("report " + shell_quote(good) + " --baseline " + shell_quote(good) + " -o " +
                          shell_quote((dir.path / "r.html.partial").string()), &err) == 1);
    CHECK_THAT(err, Contains("ends in .partial"));
    // A damaged result would be reported with wrong numbers: refused before Python reads it.
    std::string bytes = before;
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    const std::string bad = dir.write("bad.h5", bytes);
    CHECK(run_migflow("report " + shell_quote(bad) + " -o " + shell_quote((dir.path / "bad.html").string()), &err) == 1);
    CHECK_THAT(err, Contains(bad + ": damaged result file"));
    CHECK(!fs::exists(dir.path / "bad.html"));
}

TEST_CASE("report writes its page through the one way out: no link followed and nothing left on failure",
          "[reliability][output]") {
    TempDir dir("rel_report_out");
    const std::string good = (dir.path / "good.h5").string();
    REQUIRE(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(good)) == 0);
    std::string err;
    // A link planted at the page's .partial is never written through.
    const std::string victim = dir.write("victim.txt", "precious");
    const fs::path page = dir.path / "r.html";
    fs::create_symlink(victim, dir.path / "r.html.partial");
    CHECK(run_migflow("report " + shell_quote(good) + " -o " + shell_quote(page.string()), &err) == 1);
    CHECK_THAT(err, Contains("r.html.partial: it is a symbolic link"));
    CHECK(slurp(victim) == "precious");
    CHECK(!fs::exists(page));
    fs::remove(dir.path / "r.html.partial");
    // A write that fails half-way (a file-size limit, as a full disk would) leaves nothing.
    CHECK(run_migflow("report " + shell_quote(good) + " -o " + shell_quote(page.string()), &err,
                      "trap '' XFSZ; ulimit -f 8; ") == 1);
    CHECK_THAT(err, Contains("cannot write the report"));
    CHECK(!fs::exists(page));
    CHECK(!fs::exists(dir.path / "r.html.partial"));
    // And a whole page is published under its name, with nothing beside it.
    CHECK(run_migflow("report " + shell_quote(good) + " -o " + shell_quote(page.string()), &err) == 0);
    CHECK_THAT(slurp(page), Contains("</html>"));
    CHECK(!fs::exists(dir.path / "r.html.partial"));
}

TEST_CASE("a result file that crashes the HDF5 library is reported as damaged with exit 1", "[reliability][result]") {
    const std::string file = std::string(MIGFLOW_TEST_DATA) + "/resealed_heap_damage.h5";
    TempDir dir("rel_heap");
    std::string err;
    for (const std::string& cmd : {"info " + shell_quote(file),
                                   "report " + shell_quote(file) + " -o " + shell_quote((dir.path / "r.html").string())}) {
        INFO(cmd);
        CHECK(run_migflow(cmd, &err) == 1);
        CHECK_THAT(err, Contains(file + ": damaged result file"));
    }
    CHECK(!fs::exists(dir.path / "r.html"));
    CHECK(!fs::exists(dir.path / "r.html.partial"));
}

TEST_CASE("run refuses a --set-file, any file of a Flee case or a .partial name as its output", "[reliability][output]") {
    TempDir dir("rel_outputs");
    const std::string tiny = copy_tiny(dir.path);
    const std::string best = dir.write("best.yaml", "behaviour:\n  lambda_base: 0.3\n");
    std::string err;
    CHECK(run_migflow("run " + shell_quote(tiny) + " --set-file " + shell_quote(best) + " --quiet -o " + shell_quote(best), &err) == 1);
    CHECK_THAT(err, Contains("the output file " + best + " is an input of this run"));
    CHECK(slurp(best) == "behaviour:\n  lambda_base: 0.3\n");
    // A file of the case that the run does not even read.
    const fs::path flood = copy_case("dflee_example", dir.path);
    const std::string unread = (flood / "source_data" / "default.csv").string(), text = slurp(unread);
    CHECK(run_migflow("run " + shell_quote(flood.string()) + " --quiet -o " + shell_quote(unread), &err) == 1);
    CHECK_THAT(err, Contains("is an input of this run (a file of the Flee case"));
    CHECK(slurp(unread) == text);
    CHECK(run_migflow("run " + shell_quote(tiny) + " --quiet -o " + shell_quote((dir.path / "x.h5.partial").string()), &err) == 1);
    CHECK_THAT(err, Contains("ends in .partial"));
    CHECK(!fs::exists(dir.path / "x.h5.partial"));
}

TEST_CASE("a --set-file is read like a scenario: a FIFO or a device is refused before it is opened", "[reliability][input]") {
    TempDir dir("rel_set_file");
    const std::string tiny = copy_tiny(dir.path), fifo = (dir.path / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string err;
    // `timeout` ends a blocked run with 124: the run must end by itself, with an error,
    // even with a writer holding the FIFO open and writing nothing.
    const std::string writer = "(sleep 20 3<> " + shell_quote(fifo) + " > /dev/null 2>&1 &) ; ";
    CHECK(run_migflow("run " + shell_quote(tiny) + " --set-file " + shell_quote(fifo) + " --quiet -o " +
                          shell_quote((dir.path / "a.h5").string()), &err, writer + "timeout 20 ") == 1);
    CHECK_THAT(err, Contains(fifo + ": cannot read file: it is a FIFO (named pipe); migflow reads inputs only from regular files"));
    CHECK(run_migflow("run " + shell_quote(tiny) + " --set-file /dev/zero --quiet -o " +
                          shell_quote((dir.path / "b.h5").string()), &err, "timeout 60 ") == 1);
    CHECK_THAT(err, Contains("/dev/zero: cannot read file: it is a character device"));
    CHECK(run_migflow("run " + shell_quote(tiny) + " --set-file " + shell_quote(dir.path.string()) + " --quiet -o " +
                          shell_quote((dir.path / "c.h5").string()), &err) == 1);
    CHECK_THAT(err, Contains("it is a directory"));
    for (const char* out : {"a.h5", "b.h5", "c.h5"}) CHECK(!fs::exists(dir.path / out));
}

TEST_CASE("huge numbers in a Flee case are refused or mean what they say, never overflow",
          "[reliability][flee]") {
    TempDir dir("rel_flee");
    const fs::path c = copy_case("burundi", dir.path);
    const Scenario before = import_flee_case(c.string());

    // A closure starting beyond the run is no closure; one ending beyond it lasts to the end.
    std::ofstream(c / "input_csv" / "closures.csv", std::ios::app)
        << "location,Bujumbura,,9223372036854775807,9223372036854775808\n"
        << "location,Kabarore,,3,1e300\n";
    const Scenario s = import_flee_case(c.string());
    REQUIRE(s.closures.size() == before.closures.size() + 1);
    CHECK(s.closures.back().start == 3);
    CHECK(s.closures.back().end == never);

    REQUIRE(replace_in_file(c / "input_csv" / "conflicts.csv", "\n1, 1, 0", "\n1, 1e300, 0"));
    REQUIRE(replace_in_file(c / "source_data" / "rwa-mahama.csv", "\n2015-", "\n2015-05-02,1e308\n2015-"));
    auto problems = [&] {
        try {
            import_flee_case(c.string());
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    std::string what = problems();
    CHECK_THAT(what, Contains("conflicts.csv:3:2: Bujumbura: got `1e300`, expected a number in [0, 1e+06]"));
    CHECK_THAT(what, Contains("rwa-mahama.csv"));
    CHECK_THAT(what, Contains("count: got `1e308`, expected a number in [0, 1e+12]"));
    REQUIRE(replace_in_file(c / "input_csv" / "sim_period.csv", "Length,396", "Length,3000000000"));
    what = problems();
    CHECK_THAT(what, Contains("sim_period.csv:2:2: Length: got `3000000000`, expected a whole number of days in [1, 1000000]"));
    CHECK_THAT(what, !Contains("missing row"));
}

TEST_CASE("a full disk fails the run cleanly: a message, exit 1, no file left", "[reliability][output]") {
    // Injected write failure: RLIMIT_FSIZE (ulimit -f, SIGXFSZ ignored) makes HDF5's writes
    // fail with EFBIG at a chosen size, through the same paths as ENOSPC. Several sizes, so
    // the failure lands in creation, in the day blocks and in the final close.
    TempDir dir("rel_full");
    const std::string out = (dir.path / "out.h5").string();
    for (int kib : {1, 8, 24, 48, 64}) {
        // A batch system's file-size limit does not ignore SIGXFSZ: migflow does, so the
        // limit ends the run with its message too, not with the signal (exit 153).
        for (const char* trap : {"trap '' XFSZ; ", ""}) {
            CAPTURE(kib, trap);
            std::string err;
            const std::string limit = std::string(trap) + "ulimit -f " + std::to_string(kib) + "; ";
            const int rc = run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(out),
                                       &err, limit);
            CHECK(rc == 1);
            CHECK_THAT(err, Contains("migflow: error: cannot "));
            CHECK_THAT(err, Contains("File too large"));
            // One line: not HDF5's "DataSet::~DataSet - H5Dclose failed" per open object.
            CHECK_THAT(err, !Contains("::~"));
            CHECK(std::count(err.begin(), err.end(), '\n') == 1);
            CHECK(!fs::exists(out));
            CHECK(!fs::exists(out + ".partial"));
        }
    }

    // In a sweep the run is marked failed in index.csv and the sweep says why.
    const std::string yaml = copy_tiny(dir.path);
    dir.write("sweep.yaml", "scenario: tiny.yaml\nseeds: [1, 2]\noutput_dir: runs\n");
    std::string err;
    const int rc = run_migflow("sweep " + shell_quote((dir.path / "sweep.yaml").string()), &err,
                           "trap '' XFSZ; ulimit -f 48; ");
    CHECK(rc == 1);
    CHECK_THAT(err, Contains("sweep run 0 (seed 1) failed: cannot write output file"));
    const std::string index = slurp(dir.path / "runs" / "index.csv");
    CHECK_THAT(index, Contains(",failed,"));
}

TEST_CASE("damaged result files are reported, never crash or hang a reader", "[reliability][output]") {
    TempDir dir("rel_damage");
    const std::string good = (dir.path / "good.h5").string();
    REQUIRE(run_migflow("run " + shell_quote(flee_cases + "/burundi") + " --quiet --seed 3 -o " + shell_quote(good)) == 0);
    REQUIRE(check_result_file(good).status == ResultCheck::Status::sealed);
    const auto size = fs::file_size(good);
    const std::string bytes = slurp(good);
    // One byte changed at 200 offsets spread over the file, each file read by `migflow info`.
    int reported = 0, read = 0;
    std::string list;
    for (int k = 0; k < 200; ++k) {
        const std::size_t at = static_cast<std::size_t>(k) * (size - 1) / 199;
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        const std::string path = (dir.path / ("d" + std::to_string(k) + ".h5")).string();
        std::ofstream(path, std::ios::binary) << damaged;
        list += " " + shell_quote(path);
        std::string err;
        const int rc = run_migflow("info " + shell_quote(path), &err, "timeout 20 ");
        CAPTURE(at, err);
        REQUIRE((rc == 0 || rc == 1));
        (rc == 1 ? reported : read) += 1;
        if (rc == 1 && at >= 512) CHECK_THAT(err, Contains("damaged result file"));
    }
    CHECK(reported >= 190);  // only bytes of the seal's padding may change unnoticed
    // The Python reader (analysis/mfresult.py) on the same files, in one interpreter.
    const std::string py = "timeout 120 /usr/bin/python3 -c " +
                           shell_quote("import sys; sys.path.insert(0, '" MIGFLOW_SOURCE_DIR "/analysis')\n"
                                       "import mfresult\n"
                                       "bad = 0\n"
                                       "for p in sys.argv[1:]:\n"
                                       "    try: mfresult.load(p)\n"
                                       "    except mfresult.ResultError: bad += 1\n"
                                       "print(bad)\n") +
                           " " + list;
    CHECK(run_shell(py + " > " + shell_quote((dir.path / "py.txt").string())) == 0);
    CHECK(std::stoi(slurp(dir.path / "py.txt")) == reported);
}

TEST_CASE("inputs that never end, repeated keys and rows are bounded", "[reliability][input]") {
    TempDir dir("rel_bounds");
    const std::string yaml = copy_tiny(dir.path);
    // A driver CSV naming /dev/zero: refused before it is opened.
    REQUIRE(replace_in_file(yaml, "file: tiny_climate.csv", "file: /dev/zero"));
    std::string err;
    CHECK(run_migflow("check " + shell_quote(yaml), &err, "timeout 20 ") == 1);
    CHECK_THAT(err, Contains("cannot read CSV file `/dev/zero`"));
    // A FIFO: no wait, even with a writer that never writes.
    const std::string fifo = (dir.path / "fifo.csv").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE(replace_in_file(yaml, "file: /dev/zero", "file: fifo.csv"));
    CHECK(run_migflow("check " + shell_quote(yaml), &err, "(sleep 20 3<> " + shell_quote(fifo) + " > /dev/null 2>&1 &) ; timeout 20 ") == 1);
    CHECK_THAT(err, Contains("fifo.csv"));
    try {
        read_text_file("/dev/zero");
        FAIL("read /dev/zero");
    } catch (const InputError& e) {
        CHECK_THAT(e.what(), Contains("/dev/zero: cannot read file: it is a character device"));
    }
    // A regular file past the input limit: refused by its size, before a byte is read.
    const std::string big_csv = (dir.path / "big.csv").string();
    { std::ofstream(big_csv) << std::string(5000, 'x'); }
    ::setenv("MIGFLOW_MAX_INPUT_BYTES", "4096", 1);
    try {
        read_text_file(big_csv);
        FAIL("read a file past the limit");
    } catch (const InputError& e) {
        CHECK_THAT(e.what(), Contains("it is 5000 bytes, more than the 4096 an input file may have"));
    }
    ::unsetenv("MIGFLOW_MAX_INPUT_BYTES");

    // A Flee settings key repeated 20,000 times: one pass, at most 50 messages + a count.
    const fs::path c = copy_case("burundi", dir.path);
    std::string settings = "move_rules:\n";
    for (int i = 0; i < 20000; ++i) settings += "  max_move_speed: 200\n";
    std::ofstream(c / "simsetting.yml", std::ios::trunc) << settings;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Problem> problems;
    try {
        import_flee_case(c.string());
    } catch (const InputError& e) {
        problems = e.problems();
    }
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 10);
    REQUIRE(problems.size() == Diagnostics::max_per_file + 1);
    CHECK_THAT(problems[0].str(), Contains("simsetting.yml:3:3: move_rules.max_move_speed: given more than once"));
    CHECK(problems.back().str() == (c / "simsetting.yml").string() + ": 19949 more problem(s) in this file not shown");
    fs::remove(c / "simsetting.yml");

    // A data_layout row repeated 20,000 times: Flee uses the first row's data (so do we),
    // each repeat is a warning, and the command line prints 50 of them and a count.
    const Scenario once = import_flee_case(c.string());
    {
        std::ofstream layout(c / "source_data" / "data_layout.csv", std::ios::app);
        for (int i = 0; i < 20000; ++i) layout << "Mahama,rwa-mahama.csv\n";
    }
    const Scenario repeated = import_flee_case(c.string());
    REQUIRE(repeated.observed.count.size() == once.observed.count.size());
    for (std::size_t k = 0; k < once.observed.count.size(); ++k) CHECK(repeated.observed.count[k] == once.observed.count[k]);
    REQUIRE(repeated.warnings.size() >= 20000);
    CHECK_THAT(repeated.warnings[0].str(), Contains("data_layout.csv:7:1: camp: `Mahama` is given again: Flee uses the data of its first row"));
    std::string warned;
    CHECK(run_migflow("check " + shell_quote(c.string()), &warned, "timeout 60 ") == 0);
    CHECK_THAT(warned, Contains("data_layout.csv: 199") && Contains("more warnings not shown"));
    CHECK(std::count(warned.begin(), warned.end(), '\n') < 60);

    // A scenario YAML beyond the YAML limit is refused before parsing.
    std::string err2;
    CHECK(run_migflow("check " + shell_quote(test::scenarios_dir + "/tiny.yaml"), &err2, "MIGFLOW_MAX_YAML_BYTES=100 ") == 1);
    CHECK_THAT(err2, Contains("a YAML file may have (put bulk data in CSV files; MIGFLOW_MAX_YAML_BYTES raises the limit)"));
    // A 5 MB flow list on one line (1.2 GB and 40 s in yaml-cpp): refused by default.
    std::string flow = "name: x\nlist: [";
    for (int i = 0; i < 2500000; ++i) flow += "1,";
    const std::string big = dir.write("big.yaml", flow + "1]\n");
    CHECK(run_migflow("check " + shell_quote(big), &err2, "timeout 20 ") == 1);
    CHECK_THAT(err2, Contains(big + ": the scenario file is 5000018 bytes, more than the 4194304 a YAML file may have"));
}

TEST_CASE("every message has a place or a reason", "[reliability][errors]") {
    TempDir dir("rel_msgs");
    const fs::path c = copy_case("burundi", dir.path);
    std::ofstream(c / "input_csv" / "sim_period.csv", std::ios::trunc) << "StartDate,2015-05-01\n";
    std::string what;
    try {
        import_flee_case(c.string());
    } catch (const InputError& e) {
        what = e.what();
    }
    CHECK_THAT(what, Contains("sim_period.csv:2:1: Length: missing row `Length,<days>`"));

    const std::string list = dir.write("list.yaml", "# a list\n- a\n- b\n");
    std::string err;
    CHECK(run_migflow("check " + shell_quote(list), &err) == 1);
    CHECK_THAT(err, Contains(list + ":2:1: got a list, expected a map of"));

    const std::string long_name = (dir.path / (std::string(300, 'x') + ".yaml")).string();
    CHECK(run_migflow("check " + shell_quote(long_name), &err) == 1);
    CHECK_THAT(err, Contains("File name too long"));
    CHECK(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o " + shell_quote(long_name), &err) == 1);
    CHECK_THAT(err, Contains(".partial: the file name is longer than the file system allows"));
    CHECK(run_migflow("run " + shell_quote(test::scenarios_dir + "/tiny.yaml") + " --quiet -o /nonexistent/dir/out.h5", &err) == 1);
    CHECK_THAT(err, Contains("cannot create /nonexistent/dir/out.h5.partial: the directory `/nonexistent/dir` does not exist"));
}

TEST_CASE("sweep --resume notices a changed input CSV and reruns a damaged run file", "[reliability][sweep]") {
    TempDir dir("rel_resume");
    copy_tiny(dir.path);
    const std::string sweep = dir.write("sweep.yaml", "scenario: tiny.yaml\nseeds: [1, 2]\noutput_dir: runs\n");
    REQUIRE(run_migflow("sweep " + shell_quote(sweep)) == 0);
    const fs::path run0 = dir.path / "runs" / "run_000.h5";
    REQUIRE(fs::exists(run0));

    // A byte of a complete run changed: --resume runs it again instead of adopting it.
    std::string bytes = slurp(run0);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
    std::ofstream(run0, std::ios::binary | std::ios::trunc) << bytes;
    std::string err;
    CHECK(run_migflow("sweep --resume " + shell_quote(sweep), &err) == 0);
    CHECK_THAT(err, Contains("[1/2] run_000.h5 (seed 1) ..."));
    CHECK_THAT(err, Contains("[2/2] run_001.h5 (seed 2): complete already, kept"));
    CHECK(check_result_file(run0.string()).status == ResultCheck::Status::sealed);

    // The scenario's climate CSV changed: the old runs are not this sweep's any more.
    std::ofstream(dir.path / "tiny_climate.csv", std::ios::app) << "\n";
    CHECK(run_migflow("sweep --resume " + shell_quote(sweep), &err) == 1);
    CHECK_THAT(err, Contains("--resume: "));
    CHECK_THAT(err, Contains("tiny_climate.csv crc32"));
}

TEST_CASE("shards check the input fingerprint on --resume; --merge keeps only intact runs", "[reliability][sweep]") {
    TempDir dir("rel_shards");
    copy_tiny(dir.path);
    const std::string sweep = dir.write("sweep.yaml", "scenario: tiny.yaml\nseeds: [1, 2, 3, 4]\noutput_dir: runs\n");
    REQUIRE(run_migflow("sweep " + shell_quote(sweep) + " --shard 0/2") == 0);
    REQUIRE(run_migflow("sweep " + shell_quote(sweep) + " --shard 1/2") == 0);
    std::string err;
    CHECK(run_migflow("sweep " + shell_quote(sweep) + " --merge", &err) == 0);

    // A damaged run of shard 1: --merge does not count it, its shard's --resume reruns it.
    const fs::path run1 = dir.path / "runs" / "run_001.h5";
    std::string bytes = slurp(run1);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
    std::ofstream(run1, std::ios::binary | std::ios::trunc) << bytes;
    CHECK(run_migflow("sweep " + shell_quote(sweep) + " --merge", &err) == 1);
    CHECK_THAT(err, Contains("1 of 4 run(s) not done (run 1 pending)"));
    CHECK(run_migflow("sweep " + shell_quote(sweep) + " --shard 1/2 --resume", &err) == 0);
    CHECK(check_result_file(run1.string()).status == ResultCheck::Status::sealed);
    CHECK(run_migflow("sweep " + shell_quote(sweep) + " --merge", &err) == 0);

    // A changed input CSV: the other shard's --resume refuses too.
    std::ofstream(dir.path / "tiny_climate.csv", std::ios::app) << "\n";
    CHECK(run_migflow("sweep " + shell_quote(sweep) + " --shard 0/2 --resume", &err) == 1);
    CHECK_THAT(err, Contains("--resume: "));
    CHECK_THAT(err, Contains("tiny_climate.csv crc32"));
}

TEST_CASE("a sweep never writes through links in its output directory", "[reliability][sweep]") {
    TempDir dir("rel_links");
    copy_tiny(dir.path);
    const std::string sweep = dir.write("sweep.yaml", "scenario: tiny.yaml\nseeds: [1]\noutput_dir: runs\n");
    const std::string a = dir.write("a.txt", "keep a"), b = dir.write("b.txt", "keep b");
    fs::create_directories(dir.path / "runs");
    fs::create_symlink(a, dir.path / "runs" / "index.csv.tmp");
    fs::create_symlink(b, dir.path / "runs" / "sweep_settings.txt");
    std::string err;
    CHECK(run_migflow("sweep " + shell_quote(sweep), &err) == 0);
    CHECK(slurp(a) == "keep a");
    CHECK(slurp(b) == "keep b");
    CHECK(fs::is_regular_file(fs::symlink_status(dir.path / "runs" / "sweep_settings.txt")));
    CHECK_THAT(slurp(dir.path / "runs" / "sweep_settings.txt"), Contains("tiny_climate.csv crc32"));
    CHECK_THAT(slurp(dir.path / "runs" / "index.csv"), Contains(",done,"));
}

TEST_CASE("a result file with a link to another file is refused by every reader", "[reliability][output]") {
    // Following an external link could read any file, or hang on a FIFO (ResultFile).
    TempDir dir("external_link");
    const std::string path = (dir.path / "linked.h5").string();
    {
        H5::H5File f(path, H5F_ACC_TRUNC);
        H5::Group root = f.openGroup("/");
        const H5::DataSpace scalar;
        const int schema_version = 3, complete = 1;
        root.createAttribute("schema_version", H5::PredType::NATIVE_INT, scalar).write(H5::PredType::NATIVE_INT, &schema_version);
        root.createAttribute("complete", H5::PredType::NATIVE_INT, scalar).write(H5::PredType::NATIVE_INT, &complete);
        f.createGroup("/series");
        REQUIRE(H5Lcreate_external("/etc/hostname", "/x", f.getId(), "series/population", H5P_DEFAULT, H5P_DEFAULT) >= 0);
    }
    const auto log = dir.path / "log";
    for (const std::string cmd : {"info " + path, "export " + path + " -o " + (dir.path / "t").string(),
                                  "rerun " + path + " -o " + (dir.path / "again.h5").string(),
                                  "report " + path + " -o " + (dir.path / "r.html").string()}) {
        INFO("migflow " << cmd);
        CHECK(run_migflow_logged(cmd, log) == 1);
        CHECK(slurp(log).find(path + ": /series/population links to another file") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(dir.path / "t"));
    CHECK_FALSE(std::filesystem::exists(dir.path / "r.html"));
}
