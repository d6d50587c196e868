// The command line's contract, through the real binary: every subcommand's options, the
// messages of command-line mistakes (exit 2, with the subcommand's usage), help (exit 0).
#include <catch2/catch.hpp>

#include <string>

#include "test_support.hpp"

using namespace migflow;  // for test:: (test_support.hpp), whatever precedes this file in its unity batch

using namespace migflow::test;

namespace {

struct CliOutcome {
    int code = -1;
    std::string out, err;
};

CliOutcome run_cli(const std::string& args) {
    TempDir dir("cli_options");
    const auto out = dir.path / "out", err = dir.path / "err";
    CliOutcome o;
    o.code = run_shell(std::string(MIGFLOW_BINARY) + " " + args + " > " + shell_quote(out.string()) + " 2> " +
                       shell_quote(err.string()) + " < /dev/null");
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
}


}  // namespace

TEST_CASE("command-line mistakes exit 2, name the subcommand and the mistake, and show its usage", "[cli]") {
    struct Case {
        std::string args, message, usage;
    };
    const Case cases[] = {
        {"run", "migflow run: no scenario given", "Usage: migflow run"},
        {"run --seed x " + test::tiny_yaml, "migflow run: --seed needs a whole number >= 0, got 'x'", "Usage: migflow run"},
        {"run --seed -3 " + test::tiny_yaml, "migflow run: --seed needs a whole number >= 0, got '-3'", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --seed", "migflow run: --seed needs a value", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --threads 5000", "migflow run: --threads takes 0 (all cores) to 1024", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --threads 1.5", "migflow run: --threads needs a whole number >= 0, got '1.5'",
         "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --set days", "migflow run: --set needs key=value, got 'days'", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --set =3", "migflow run: --set needs key=value, got '=3'", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --bogus", "migflow run: unknown option '--bogus'", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " other.yaml", "migflow run: The following argument was not expected: other.yaml",
         "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --progress --quiet", "migflow run: --progress and --quiet exclude each other",
         "Usage: migflow run"},
        {"run " + test::tiny_yaml + " -o", "migflow run: --output needs a value", "Usage: migflow run"},
        {"check", "migflow check: which scenario?", "Usage: migflow check"},
        {"check a.yaml b.yaml", "migflow check: The following argument was not expected: b.yaml",
         "Usage: migflow check"},
        {"info", "migflow info: which result file?", "Usage: migflow info"},
        {"import-flee", "migflow import-flee: no Flee directory given", "Usage: migflow import-flee"},
        {"import-flee somewhere", "migflow import-flee: no output given (-o SCENARIO.yaml)",
         "Usage: migflow import-flee"},
        {"params --bogus", "migflow params: unknown option '--bogus'", "Usage: migflow params"},
        {"run " + test::tiny_yaml + " --replicates 0", "migflow run: --replicates takes 1 to 100000", "Usage: migflow run"},
        {"run " + test::tiny_yaml + " --replicates x", "migflow run: --replicates needs a whole number >= 0, got 'x'",
         "Usage: migflow run"},
        {"compare " + test::tiny_yaml, "migflow compare: compare needs a baseline and a scenario", "Usage: migflow compare"},
        {"compare " + test::tiny_yaml + " " + test::tiny_yaml + " -o x.h5", "migflow compare: compare needs --replicates N",
         "Usage: migflow compare"},
        {"compare " + test::tiny_yaml + " " + test::tiny_yaml + " --replicates 2", "migflow compare: compare needs -o OUT.h5",
         "Usage: migflow compare"},
        {"rerun", "migflow rerun: no result file given", "Usage: migflow rerun"},
        {"rerun x.h5", "migflow rerun: rerun needs -o AGAIN.h5", "Usage: migflow rerun"},
        {"sweep", "migflow sweep: no sweep file given", "Usage: migflow sweep"},
        {"sweep x.yaml --resume --overwrite", "migflow sweep: --resume and --overwrite exclude each other",
         "Usage: migflow sweep"},
        {"sweep --threads -1 x.yaml", "migflow sweep: --threads needs a whole number >= 0, got '-1'",
         "Usage: migflow sweep"},
        {"sweep x.yaml --shard 4/4",
         "migflow sweep: --shard 4/4: K must be in 0..3 (shards are numbered from 0, as `--array=0-3` numbers them)",
         "Usage: migflow sweep"},
        {"sweep x.yaml --shard 2", "migflow sweep: --shard needs K/N (shard K of N, K from 0), got '2'",
         "Usage: migflow sweep"},
        {"sweep x.yaml --merge --resume",
         "migflow sweep: --merge takes no other option: it only joins the shards' indexes", "Usage: migflow sweep"},
        {"export", "migflow export: no result file or sweep directory given", "Usage: migflow export"},
        {"export x.h5", "migflow export: -o DIR is required", "Usage: migflow export"},
        {"export x.h5 --format xlsx -o d", "migflow export: --format: xlsx not in {csv}", "Usage: migflow export"},
        {"report", "migflow report: which result file?", "Usage: migflow report"},
        {"report out.h5", "migflow report: no output given (-o report.html)", "Usage: migflow report"},
        {"report out.h5 -o r.html --bogus", "migflow report: unknown option '--bogus'", "Usage: migflow report"},
        {"calibrate", "migflow calibrate: no calibration file given", "Usage: migflow calibrate"},
        {"calibrate x.yaml --resume --overwrite", "migflow calibrate: --resume and --overwrite exclude each other",
         "Usage: migflow calibrate"},
        {"calibrate x.yaml --budget 0", "migflow calibrate: --budget takes 1 to 1000000 evaluations",
         "Usage: migflow calibrate"},
        {"validate", "migflow validate: no calibration file given", "Usage: migflow validate"},
        {"validate x.yaml --resume --overwrite", "migflow validate: --resume and --overwrite exclude each other",
         "Usage: migflow validate"},
        {"build-case", "migflow build-case: no case file given", "Usage: migflow build-case"},
        {"build-case case.yaml", "migflow build-case: no output directory given (-o DIR)", "Usage: migflow build-case"},
        {"bogus", "migflow: unknown command 'bogus'", "Subcommands:"},
        {"", "migflow " MIGFLOW_VERSION " - agent-based migration-flow simulator", "Subcommands:"},
    };
    for (const Case& c : cases) {
        INFO("migflow " << c.args);
        const CliOutcome o = run_cli(c.args);
        CHECK(o.code == 2);
        CHECK(o.err.starts_with(c.message + "\n"));
        CHECK(o.err.find(c.usage) != std::string::npos);
        CHECK(o.out.empty());
    }
}

TEST_CASE("--help of every subcommand exits 0 on stdout and lists every option", "[cli]") {
    const std::pair<std::string, std::vector<std::string>> expected[] = {
        {"run", {"SCENARIO", "-o,--output", "--seed", "--threads", "--set", "--set-file", "--progress", "--quiet", "--checkpoint",
                 "--checkpoint-every", "--checkpoint-every-minutes", "--restart", "--stop-after-days"}},
        {"check", {"SCENARIO", "--set", "--set-file"}},
        {"info", {"OUT.h5"}},
        {"import-flee", {"FLEE_DIR", "-o,--output", "--native"}},
        {"params", {"--markdown"}},
        {"schema", {"--json"}},
        {"sweep", {"SWEEP.yaml", "--dry-run", "--threads", "--resume", "--overwrite", "--shard", "--merge"}},
        {"export", {"INPUT", "--format", "-o,--output", "--overwrite"}},
        {"report", {"OUT.h5", "--baseline", "-o,--output", "MIGFLOW_ANALYSIS_DIR", "MIGFLOW_PYTHON"}},
        {"calibrate", {"CALIBRATION.yaml", "-o,--output-dir", "--budget", "--threads", "--resume", "--overwrite", "--quiet"}},
        {"validate", {"CALIBRATION.yaml", "-o,--output-dir", "--budget", "--threads", "--resume", "--overwrite", "--quiet"}},
        {"build-case", {"CASE.yaml", "-o,--output", "-q,--quiet"}},
    };
    for (const auto& [sub, options] : expected) {
        for (const std::string flag : {"--help", "-h"}) {
            INFO("migflow " << sub << " " << flag);
            const CliOutcome o = run_cli(sub + " " + flag);
            CHECK(o.code == 0);
            CHECK(o.err.empty());
            CHECK(o.out.find("Usage: migflow " + sub + " [OPTIONS]") != std::string::npos);
            for (const auto& opt : options) CHECK(o.out.find(opt) != std::string::npos);
        }
    }
    const CliOutcome top = run_cli("--help");
    CHECK(top.code == 0);
    for (const char* sub : {"run", "check", "info", "import-flee", "params", "schema", "sweep", "export", "report", "calibrate", "validate",
                            "build-case", "compare-files"})
        CHECK(top.out.find(std::string("\n  ") + sub + " ") != std::string::npos);
    const CliOutcome version = run_cli("--version");
    CHECK(version.code == 0);
    CHECK(version.out.rfind("migflow " MIGFLOW_VERSION "\n  commit: ", 0) == 0);
    CHECK(version.out.find("\n  features: ") != std::string::npos);  // what is built in: mpi, python, osm, ...
}

TEST_CASE("options are read in any order and --set repeats and takes the = form", "[cli]") {
    TempDir dir("cli_order");
    const auto out = (dir.path / "t.h5").string();
    // --set before the scenario must not swallow it; each --set takes exactly one value.
    const CliOutcome o = run_cli("run --set days=40 --set=behaviour.lambda_base=0.001 --quiet " + test::tiny_yaml +
                              " --seed 5 -o " + out + " --threads 1");
    REQUIRE(o.code == 0);
    CHECK(o.out.find("tiny: 40 days") != std::string::npos);
    CHECK(o.out.find("seed 5") != std::string::npos);
    // Bad input is exit 1 (not a usage mistake), with the problem located in the file.
    const CliOutcome bad = run_cli("run " + test::tiny_yaml + " --set days=0 -o " + out + " --quiet");
    CHECK(bad.code == 1);
    CHECK(bad.err.find("days") != std::string::npos);
    CHECK(bad.err.find("problem(s) in the input") != std::string::npos);
}
