// The loader's fast paths for big files (issue #4) must give what the plain paths gave:
// the short-decimal parser the same doubles as std::from_chars, the region guesses the
// same regions as the name map, the one-pass driver series the same series and the
// same "given twice" problems as a sort of every region.
#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include "../sim/scenario/loader_internal.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
using migflow::test::TempDir;

namespace {

// parse_double as it was before the fast path: from_chars, all consumed, finite.
std::optional<double> reference_parse(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || !std::isfinite(v)) return std::nullopt;
    return v;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::vector<std::string> problems_of(const std::string& yaml) {
    try {
        load_scenario(yaml);
    } catch (const InputError& e) {
        std::vector<std::string> out;
        for (const Problem& p : e.problems()) {
            const std::string file = std::filesystem::path(p.file).filename().string();
            out.push_back(file + ":" + std::to_string(p.line) + ": " + p.key + ": " + p.message);
        }
        return out;
    }
    return {};
}

const std::string head = R"(name: fast
start_date: 2024-01-01
days: 10
regions:
  - {name: A, lat: 1, lon: 1, population: 10}
  - {name: B, lat: 2, lon: 2, population: 10}
  - {name: C, lat: 3, lon: 3, population: 10}
routes: routes.csv
)";

}  // namespace

TEST_CASE("fast paths: short decimals parse to the same doubles as from_chars", "[loader][csv]") {
    std::vector<std::string> texts = {"0",   "-0",   "+3",     "007",   "0.1",  "1.",   ".5",    "-.5",
                                      "1e3", "1.5e-3", "-",    "",      "1..2", "1-2",  "0.30000000000000004",
                                      "123456789012345", "1234567890123456", "9007199254740993", "0.000000000000001",
                                      "99999999999999.9", "nan", "inf", "1,5", " 1", "-0.0"};
    std::mt19937_64 gen(7);
    for (int i = 0; i < 20000; ++i) {
        std::string t = gen() % 4 == 0 ? "-" : "";
        const int digits = 1 + static_cast<int>(gen() % 17);
        const int dot = static_cast<int>(gen() % (digits + 1));
        for (int d = 0; d < digits; ++d) {
            if (d == dot && d > 0) t += '.';
            t += static_cast<char>('0' + gen() % 10);
        }
        texts.push_back(t);
    }
    for (const std::string& t : texts) {
        INFO(t);
        const auto got = detail::parse_double(t);
        const auto want = reference_parse(t);
        REQUIRE(got.has_value() == want.has_value());
        if (got) CHECK(same_bits(*got, *want));
    }
}

TEST_CASE("fast paths: regions found in any order in route, long and wide files", "[loader][csv]") {
    TempDir dir("fast");
    // From grouped then not; to in every order the guesses meet (same, next, other).
    dir.write("routes.csv", "from,to,km\nA,B,1\nA,C,2\nB,C,3\nC,A,4\nB,A,5\nC,B,6\n");
    // Long: dates out of order, regions jumping about, a point also given in YAML.
    dir.write("long.csv", "date,region,value\n2024-01-03,C,0.3\n2024-01-01,C,0.1\n2024-01-02,A,0.2\n"
                          "2024-01-01,B,0.5\n2024-01-05,A,0.6\n");
    // Wide: header out of the scenario's order, and one region left out.
    dir.write("wide.csv", "date,C,A\n2024-01-04,2,3\n2024-01-02,4,\n");
    const std::string yaml = dir.write("s.yaml", head + R"(drivers:
  conflict:
    file: long.csv
    values: {B: [[2024-01-05, 0.9]]}
  economy: {file: wide.csv}
)");
    const Scenario s = load_scenario(yaml);
    REQUIRE(s.routes.size() == 6);
    const std::vector<std::pair<RegionIndex, RegionIndex>> ends = {{0, 1}, {0, 2}, {1, 2}, {2, 0}, {1, 0}, {2, 1}};
    for (std::size_t i = 0; i < ends.size(); ++i) {
        CHECK(s.routes[i].from == ends[i].first);
        CHECK(s.routes[i].to == ends[i].second);
        CHECK(s.routes[i].km == double(i + 1));
    }
    const DriverSpec& c = s.driver(DriverKind::conflict);
    CHECK(c.series[0].day == std::vector<Day>{1, 4});
    CHECK(c.series[0].value == std::vector<double>{0.2, 0.6});
    CHECK(c.series[1].day == std::vector<Day>{0, 4});  // the YAML point and the file's, by day
    CHECK(c.series[1].value == std::vector<double>{0.5, 0.9});
    CHECK(c.series[2].day == std::vector<Day>{0, 2});
    CHECK(c.series[2].value == std::vector<double>{0.1, 0.3});
    const DriverSpec& e = s.driver(DriverKind::economy);
    CHECK(e.series[0].day == std::vector<Day>{3});
    CHECK(e.series[0].value == std::vector<double>{3});
    CHECK(e.series[1].day.empty());
    CHECK(e.series[2].day == std::vector<Day>{1, 3});
    CHECK(e.series[2].value == std::vector<double>{4, 2});
}

TEST_CASE("fast paths: dates given twice are reported at the later line", "[loader][csv]") {
    TempDir dir("fast_twice");
    dir.write("routes.csv", "from,to,km\nA,B,1\nB,Q,2\n");
    dir.write("long.csv", "date,region,value\n2024-01-03,C,0.3\n2024-01-01,C,0.1\n2024-01-03,C,0.4\n"
                          "2024-01-02,A,0.2\n2024-01-02,A,0.2\n2024-01-02,Q,0.1\n");
    const std::string yaml = dir.write("s.yaml", head + R"(drivers:
  conflict:
    file: long.csv
    values: {B: [[2024-01-05, 0.9], [2024-01-05, 0.8]]}
)");
    CHECK(problems_of(yaml) == std::vector<std::string>{
                                   "routes.csv:3: to: unknown region `Q`",
                                   "long.csv:4: date: date 2024-01-03 given twice for region `C`",
                                   "long.csv:6: date: date 2024-01-02 given twice for region `A`",
                                   "long.csv:7: region: unknown region `Q`",
                                   "s.yaml:12: drivers.conflict.values.B: date 2024-01-05 given twice for region `B`",
                               });
}
