// /events (docs/OUTPUT.md "Policy events"): closures and shocks as the run applied them,
// so the report reads them instead of parsing the scenario again.
#include <H5Cpp.h>

#include <catch2/catch.hpp>
#include <regex>

#include "hdf5_datasets.hpp"
#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> strings_of(H5::H5File& f, const std::string& path) {
    H5::DataSet ds = f.openDataSet(path);
    const H5::StrType t = ds.getStrType();
    hsize_t n = 0;
    ds.getSpace().getSimpleExtentDims(&n);
    std::vector<char> buf(n * t.getSize());
    if (n > 0) ds.read(buf.data(), t);
    std::vector<std::string> out;
    for (hsize_t i = 0; i < n; ++i) out.emplace_back(buf.data() + i * t.getSize(), strnlen(buf.data() + i * t.getSize(), t.getSize()));
    return out;
}

}  // namespace

TEST_CASE("result files record closures and shocks as applied: clipped, one-way closures one-way", "[output][events]") {
    TempDir dir("events");
    // tiny.yaml (30 days from 2024-01-01: its Beta-Camp route closed days 9-13 and its
    // shock) with an entry-only border closure that starts before the run and has no
    // end, and a road closure.
    std::string text = slurp(std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/tiny.yaml");
    text = std::regex_replace(text, std::regex("  - \\{border: \\[Aland, Bland\\], from: 2024-01-20, to: 2024-01-25\\}"),
                              "  - {border: [Aland, Bland], direction: entry, from: 2023-12-01}\n"
                              "  - {route: [Alpha, Hub], from: 2024-01-10, to: 2024-01-15}");
    fs::copy_file(std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/tiny_climate.csv", dir.path / "tiny_climate.csv");
    const std::string yaml = dir.write("events.yaml", text), out = (dir.path / "run.h5").string();
    REQUIRE(run_migflow_logged("run " + yaml + " --quiet -o " + out, dir.path / "log") == 0);
    INFO(slurp(dir.path / "log"));
    H5::H5File f(out, H5F_ACC_RDONLY);
    CHECK(strings_of(f, "/events/closures/kind") == std::vector<std::string>{"route", "border", "route"});
    CHECK(strings_of(f, "/events/closures/direction") == std::vector<std::string>{"both", "entry", "both"});
    CHECK(strings_of(f, "/events/closures/label") ==
          std::vector<std::string>{"road Beta–Camp closed", "Bland closed to arrivals from Aland (Aland → Bland)",
                                   "road Alpha–Hub closed"});
    CHECK(read_dataset(out, "/events/closures/start_day") == std::vector<double>{9, 0, 9});   // clipped to the run
    CHECK(read_dataset(out, "/events/closures/end_day") == std::vector<double>{14, 30, 14});  // open-ended: to the end
    CHECK(read_dataset(out, "/events/closures/region_a") == std::vector<double>{2, -1, 0});
    // The route's own `closed:` closes that route only; a `route:` closure every Alpha-Hub route.
    CHECK(read_dataset(out, "/events/closures/route") == std::vector<double>{3, -1, -1});
    CHECK(strings_of(f, "/events/shocks/label") == std::vector<std::string>{"climate shock in Gamma (max 0.7)"});
    CHECK(read_dataset(out, "/events/shocks/start_day") == std::vector<double>{11});
    CHECK(read_dataset(out, "/events/shocks/end_day") == std::vector<double>{17});
    CHECK(read_dataset(out, "/events/shocks/severity") == std::vector<double>{0.7});
}

TEST_CASE("a comparison file records the baseline's events apart", "[output][events]") {
    TempDir dir("events_cmp");
    const std::string s = std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/";
    const std::string out = (dir.path / "cmp.h5").string();
    REQUIRE(run_migflow_logged("compare " + s + "border_open.yaml " + s + "border_closure_3months.yaml --replicates 2 "
                               "--set days=100 -o " + out, dir.path / "log") == 0);
    H5::H5File f(out, H5F_ACC_RDONLY);
    CHECK(strings_of(f, "/baseline_events/closures/kind").empty());
    CHECK(strings_of(f, "/events/closures/kind") == std::vector<std::string>{"border"});
}
