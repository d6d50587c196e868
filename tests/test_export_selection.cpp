// `migflow export --variables --regions`: a sweep's tables cut to the rows asked for,
// equal to the matching rows of the whole export; an unknown name writes nothing.
#include <catch2/catch.hpp>
#include <set>

#include "test_support.hpp"

using namespace migflow::test;
namespace fs = std::filesystem;

TEST_CASE("export of a sweep keeps only the chosen variables and regions", "[export][sweep]") {
    TempDir dir("export_sel");
    const std::string sweep = dir.write("s.yaml", "scenario: " + tiny_yaml + "\noutput_dir: out\nseeds: [1, 2]\n"
                                                  "grid: {behaviour.beta_camp: [0.5, 1.5]}\n");
    REQUIRE(run_migflow_logged("sweep " + shell_quote(sweep) + " --threads 1", dir.path / "sweep.log") == 0);
    const std::string out = shell_quote((dir.path / "out").string());
    REQUIRE(run_migflow_logged("export " + out + " -o " + shell_quote((dir.path / "all").string()), dir.path / "a.log") == 0);
    REQUIRE(run_migflow_logged("export " + out + " -o " + shell_quote((dir.path / "sel").string()) +
                                   " --variables population,route_flow_forward --regions Camp",
                               dir.path / "s.log") == 0);
    const auto all = csv_rows(dir.path / "all" / "regions.csv");
    const auto sel = csv_rows(dir.path / "sel" / "regions.csv");
    REQUIRE(sel.at(0) == all.at(0));
    // run,point,seed,behaviour.beta_camp,date,region,variable,value,unit
    std::vector<std::vector<std::string>> expect = {all[0]};
    for (std::size_t i = 1; i < all.size(); ++i)
        if (all[i][6] == "population" && all[i][5] == "Camp") expect.push_back(all[i]);
    CHECK(expect.size() == 1 + 4 * 30u);  // 4 runs x 30 days
    CHECK(sel == expect);
    // Routes: those with an end at Camp (Beta-Camp and Gamma-Camp), route_flow only.
    std::set<std::string> ends, variables;
    for (const auto& r : csv_rows(dir.path / "sel" / "routes.csv")) ends.insert(r.at(6) + "-" + r.at(7)), variables.insert(r.at(8));
    CHECK(ends == std::set<std::string>{"from-to", "Beta-Camp", "Gamma-Camp"});
    CHECK(variables == std::set<std::string>{"variable", "route_flow_forward"});

    CHECK(run_migflow_logged("export " + out + " -o " + shell_quote((dir.path / "bad").string()) + " --regions Kamp",
                             dir.path / "bad.log") == 1);
    CHECK(slurp(dir.path / "bad.log") ==
          "migflow: error: " + (dir.path / "out").string() + "/run_000.h5: --regions: no region `Kamp` in this result\n");
    CHECK_FALSE(fs::exists(dir.path / "bad" / "regions.csv"));
}
