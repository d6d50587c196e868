// `migflow report`: the HTML report of a run (self-contained, with and without a
// baseline) and the messages for files it cannot report on. The page in a browser is
// tested by tests/report_in_browser.py (ctest report_in_browser).
#include <H5Cpp.h>
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "test_support.hpp"

using namespace migflow;
using namespace migflow::test;

namespace {

struct ReportOutcome {
    int code = -1;
    std::string out, err;
};

ReportOutcome run_migflow_in(const TempDir& dir, const std::string& args, const std::string& env = "") {
    const auto out = dir.path / "stdout", err = dir.path / "stderr";
    ReportOutcome o;
    o.code = run_shell(env + " " + std::string(MIGFLOW_BINARY) + " " + args + " > " + shell_quote(out.string()) +
                       " 2> " + shell_quote(err.string()) + " < /dev/null");
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
}


std::string run_tiny(const TempDir& dir, const std::string& name, const std::string& extra = "") {
    const std::string path = (dir.path / name).string();
    const ReportOutcome o = run_migflow_in(dir, "run " + test::tiny_yaml + " -o " + shell_quote(path) + " --quiet " + extra);
    REQUIRE(o.code == 0);
    return path;
}

}  // namespace

TEST_CASE("migflow report writes one HTML file with figures, tables and the event windows", "[cli][report]") {
    TempDir dir("report");
    const std::string run = run_tiny(dir, "run.h5");
    const std::string base = run_tiny(dir, "base.h5", "--set behaviour.lambda_conflict=0.05");
    const std::string html = (dir.path / "r.html").string();

    const ReportOutcome o = run_migflow_in(dir, "report " + shell_quote(run) + " --baseline " + shell_quote(base) + " -o " +
                                       shell_quote(html));
    INFO(o.err);
    REQUIRE(o.code == 0);
    CHECK(o.out == html + "\n");
    const std::string page = slurp(html);
    CHECK(page.starts_with("<!DOCTYPE html>"));
    CHECK(page.find("http:") == std::string::npos);
    CHECK(page.find("https:") == std::string::npos);
    const std::regex figure("<figure");
    const auto figures = std::distance(std::sregex_iterator(page.begin(), page.end(), figure), std::sregex_iterator());
    CHECK(figures == 5);  // map, countries, camps, movement, difference
    // test::tiny_yaml.yaml's Beta-Camp route closure, Aland-Bland border closure and Gamma climate shock
    CHECK(page.find("road Beta–Camp closed: 10 Jan 2024 to 14 Jan 2024 (5 days)") != std::string::npos);
    CHECK(page.find("Aland–Bland border closed: 20 Jan 2024 to 24 Jan 2024 (5 days)") != std::string::npos);
    CHECK(page.find("climate shock in Gamma (max 0.7): 12 Jan 2024 to 17 Jan 2024 (6 days)") !=
          std::string::npos);
    CHECK(page.find("What changed against the baseline") != std::string::npos);
    CHECK(!std::filesystem::exists(html + ".partial"));

    // Without a baseline: no comparison section.
    const ReportOutcome alone = run_migflow_in(dir, "report " + shell_quote(run) + " -o " + shell_quote(html));
    REQUIRE(alone.code == 0);
    CHECK(slurp(html).find("What changed against the baseline") == std::string::npos);
}

TEST_CASE("migflow report refuses what it cannot report on, in one line, exit 1", "[cli][report]") {
    TempDir dir("report_bad");
    const std::string html = (dir.path / "r.html").string();
    const std::string missing = (dir.path / "none.h5").string();
    const std::string text = dir.write("text.h5", "not hdf5\n");
    const std::string other = (dir.path / "other.h5").string();
    { H5::H5File f(other, H5F_ACC_TRUNC); f.createGroup("/something"); }
    const std::string run = run_tiny(dir, "run.h5");
    // A real run of other regions (flood.yaml: C1..C3, F1..F3, T1..T3) as a wrong baseline.
    const std::string flood = (dir.path / "flood.h5").string();
    REQUIRE(run_migflow_in(dir, "run " + test::scenarios_dir + "/flood.yaml -o " + shell_quote(flood) + " --quiet").code == 0);

    struct Case {
        std::string args, message;
    };
    const Case cases[] = {
        {missing + " -o " + html, "migflow report: " + missing + ": no such file\n"},
        {text + " -o " + html,
         "migflow report: " + text + ": not a migflow result file: neither a sealed migflow result nor an HDF5 file\n"},
        {other + " -o " + html,
         "migflow report: " + other + ": not a migflow result file (no schema_version or /series)\n"},
        {run + " --baseline " + missing + " -o " + html, "migflow report: " + missing + ": no such file\n"},
        {run + " --baseline " + flood + " -o " + html,
         "migflow report: " + flood + ": the baseline has different regions (only in " + run +
             ": Alpha, Hub, Beta, Gamma, Camp; only in " + flood +
             ": C1, C2, C3, F1, F2 ...); a baseline must be a run of the same regions\n"},
    };
    for (const Case& c : cases) {
        INFO("migflow report " << c.args);
        const ReportOutcome o = run_migflow_in(dir, "report " + c.args);
        CHECK(o.code == 1);
        CHECK(o.err == c.message);
        CHECK(o.out.empty());
        CHECK(!std::filesystem::exists(html));
    }

    SECTION("a script folder without report.py is named, with the variable that fixes it") {
        const ReportOutcome o = run_migflow_in(dir, "report " + run + " -o " + html, "MIGFLOW_ANALYSIS_DIR=" + dir.path.string());
        CHECK(o.code == 1);
        CHECK(o.err == "migflow: error: cannot find report.py in '" + dir.path.string() +
                           "'; set MIGFLOW_ANALYSIS_DIR to migflow's analysis/ folder\n");
    }
}
