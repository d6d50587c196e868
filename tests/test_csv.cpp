// CSV quirks users bring (Flee inputs, spreadsheets): exact cells asserted.
#include <catch2/catch.hpp>

#include "migflow/core/csv.hpp"
#include "migflow/core/date.hpp"
#include "migflow/core/errors.hpp"

using namespace migflow;

namespace {
using Cells = std::vector<std::string>;
}

TEST_CASE("csv: quirks table", "[csv]") {
    struct Case {
        const char* what;
        std::string text;
        std::vector<int> lines;
        std::vector<bool> comments;
        std::vector<Cells> rows;
    };
    const std::vector<Case> cases = {
        {"plain", "a,b,c\n1,2,3\n", {1, 2}, {false, false}, {{"a", "b", "c"}, {"1", "2", "3"}}},
        {"quoted header as in Flee", "\"#name\",\"region\",\"lat\"\nA,R,1.5\n", {1, 2}, {true, false},
         {{"#name", "region", "lat"}, {"A", "R", "1.5"}}},
        {"hash comment header with trailing comma", "#Day, A, B,\n0, 1, 2,\n", {1, 2}, {true, false},
         {{"#Day", "A", "B", ""}, {"0", "1", "2", ""}}},
        {"blank cells", "a,,c\n,,\n", {1, 2}, {false, false}, {{"a", "", "c"}, {"", "", ""}}},
        {"CRLF and blank lines", "a,b\r\n\r\n1,2\r\n   \r\n3,4", {1, 3, 5}, {false, false, false},
         {{"a", "b"}, {"1", "2"}, {"3", "4"}}},
        {"BOM", "\xEF\xBB\xBFname,km\nx,3\n", {1, 2}, {false, false}, {{"name", "km"}, {"x", "3"}}},
        {"quotes with commas and escapes", "\"a, b\",\"say \"\"hi\"\"\", \" padded \" \n", {1}, {false},
         {{"a, b", "say \"hi\"", " padded "}}},
        {"surrounding whitespace trimmed", "  x  ,\ty\t\n", {1}, {false}, {{"x", "y"}}},
        {"quoted line break counts lines", "\"two\nlines\",b\nc,d\n", {1, 3}, {false, false},
         {{"two\nlines", "b"}, {"c", "d"}}},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        const CsvTable t = parse_csv(c.text, "x.csv");
        CHECK(t.file == "x.csv");
        REQUIRE(t.rows.size() == c.rows.size());
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            CHECK(t.rows[i].line == c.lines[i]);
            CHECK(t.rows[i].comment == c.comments[i]);
            CHECK(t.rows[i].cells == c.rows[i]);
        }
    }
}

TEST_CASE("csv: unreadable file names the file", "[csv]") {
    try {
        read_csv("/nonexistent/dir/missing.csv");
        FAIL("expected InputError");
    } catch (const InputError& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(std::string(e.what()) == "/nonexistent/dir/missing.csv: cannot read file: No such file or directory");
    }
}

TEST_CASE("date: strict ISO parsing and round trip", "[csv][date]") {
    CHECK(parse_date("1970-01-01") == 0);
    CHECK(parse_date("2024-01-01") == 19723);
    CHECK(parse_date("2024-02-29") == 19782);
    CHECK_FALSE(parse_date("2023-02-29"));
    CHECK_FALSE(parse_date("2024-13-01"));
    CHECK_FALSE(parse_date("2024-04-31"));
    CHECK_FALSE(parse_date("2024-1-01"));
    CHECK_FALSE(parse_date("2024/01/01"));
    CHECK_FALSE(parse_date(" 2024-01-01"));
    for (DayNumber d : {-1000, -1, 0, 11016, 11017, 19782, 60000}) CHECK(parse_date(format_date(d)) == d);
    CHECK(format_date(19723 + 30) == "2024-01-31");
}

TEST_CASE("errors: problem rendering and did-you-mean", "[csv][errors]") {
    CHECK(Problem{"s.yaml", 3, 7, "regions[1].population", "got -1"}.str() ==
          "s.yaml:3:7: regions[1].population: got -1");
    CHECK(Problem{"r.csv", 12, 0, "km", "bad"}.str() == "r.csv:12: km: bad");
    CHECK(Problem{"r.csv", 0, 0, "", "cannot read file"}.str() == "r.csv: cannot read file");
    const InputError e({Problem{"a", 1, 1, "k", "m1"}, Problem{"b", 2, 0, "", "m2"}});
    CHECK(std::string(e.what()) == "a:1:1: k: m1\nb:2: m2");
    CHECK(did_you_mean("lambda_confict", {"lambda_base", "lambda_conflict"}) == "did you mean `lambda_conflict`?");
    CHECK(did_you_mean("zzzzzz", {"lambda_base", "lambda_conflict"}).empty());
    Diagnostics d;
    CHECK_NOTHROW(d.throw_if_any());
    d.add("f", 1, 2, "k", "m");
    CHECK_THROWS_AS(d.throw_if_any(), InputError);
}
