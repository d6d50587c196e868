// build-case (docs/DATA.md): each input format read from small files the tests write,
// the conflict driver's numbers, and the built case checked, run and loaded as Flee's.
#include <catch2/catch.hpp>

#include <numeric>

#include "engine_fixtures.hpp"
#include "migflow/casebuild/build_case.hpp"
#include "migflow/casebuild/roads.hpp"
#include "migflow/formats/flee/import.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
using namespace migflow::casebuild;
using migflow::test::TempDir;

namespace {

DayNumber iso_day(const char* iso) { return *parse_date(iso); }

Node case_node(std::string name, double lat, double lon, double population = 1000, std::string admin1 = "") {
    Node n;
    n.name = std::move(name), n.lat = lat, n.lon = lon, n.population = population, n.admin1 = std::move(admin1);
    return n;
}

// The message of the InputError `f` throws ("" if none).
template <class F>
std::string input_error_of(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

const char* acled_header =
    "event_id_cnty,event_date,year,event_type,sub_event_type,country,admin1,admin2,location,latitude,longitude,fatalities\n";

}  // namespace

TEST_CASE("build-case reads the date formats of ACLED and UNHCR exports", "[build_case]") {
    CHECK(parse_public_date("2016-01-07") == iso_day("2016-01-07"));
    CHECK(parse_public_date("07-Jan-16") == iso_day("2016-01-07"));
    CHECK(parse_public_date("7-Jan-2016") == iso_day("2016-01-07"));
    CHECK(parse_public_date("07 January 2016") == iso_day("2016-01-07"));
    CHECK(parse_public_date(" 31 Dec 1999 ") == iso_day("1999-12-31"));
    CHECK(parse_public_date("01-Mar-97") == iso_day("1997-03-01"));  // ACLED starts in 1997
    CHECK(parse_public_date("2016-01-07T00:00:00") == iso_day("2016-01-07"));
    CHECK(parse_public_date("12-Sept-20") == iso_day("2020-09-12"));
    // Refused rather than guessed: day/month order, impossible days, unknown months.
    CHECK_FALSE(parse_public_date("07/01/2016"));
    CHECK_FALSE(parse_public_date("30-Feb-16"));
    CHECK_FALSE(parse_public_date("07-Jnu-16"));
    CHECK_FALSE(parse_public_date("07-Jan-016"));
    CHECK_FALSE(parse_public_date(""));
}

TEST_CASE("events go to the nearest place within max_km and the rest are listed", "[build_case]") {
    TempDir dir("case_nearest");
    // Alpha at (0, 0) and Beta at (0, 1), 111 km apart; one event 333 km away.
    const std::string file = dir.write("acled.csv", std::string(acled_header) +
                                                        "E1,07-Jan-16,2016,Battles,,X,A1,,l,0,0.1,2\n"
                                                        "E2,08-Jan-16,2016,Battles,,X,B1,,l,0,0.9,0\n"
                                                        "E3,09-Jan-16,2016,Battles,,X,B1,,l,0,4,5\n"
                                                        "E4,bad date,2016,Battles,,X,B1,,l,0,1,5\n"
                                                        "E5,10-Jan-16,2016,Riots,,X,B1,,l,0,1,,\n");
    EventsSpec spec;
    spec.file = file;
    spec.max_km = 50;
    Ledger ledger;
    const std::vector<Event> events = read_acled(spec, ledger);
    REQUIRE(events.size() == 4);  // the bad date is dropped; a blank fatalities cell reads 0
    CHECK(events[3].fatalities == 0);
    const std::vector<Node> nodes = {case_node("Alpha", 0, 0), case_node("Beta", 0, 1)};
    const std::vector<int> node_of = assign_events(events, nodes, spec, ledger);
    CHECK(node_of == std::vector<int>{0, 1, -1, 1});
    const auto& dropped = ledger.dropped().at(file);
    CHECK(dropped.at("event_date unreadable").lines == std::vector<int>{5});
    const auto& far = dropped.at("farther than `events.max_km` from every place");
    CHECK(far.lines == std::vector<int>{4});
    CHECK(far.details.front() == "333 km from Beta");

    SECTION("a wider cutoff takes the far event too") {
        spec.max_km = 400;
        CHECK(assign_events(events, nodes, spec, ledger)[2] == 1);
    }
    SECTION("event types keep only what the case names") {
        spec.event_types = {"Riots"};
        Ledger kept;
        CHECK(read_acled(spec, kept).size() == 1);
        CHECK(kept.dropped().at(file).at("event_type not among `events.event_types`").lines == std::vector<int>{2, 3, 4});
    }
}

TEST_CASE("events are assigned by admin name with aliases and near misses listed", "[build_case]") {
    TempDir dir("case_admin");
    const std::string file = dir.write("acled.csv", std::string(acled_header) +
                                                        "E1,2016-01-07,2016,Battles,,X,Borno,,l,,,1\n"
                                                        "E2,2016-01-07,2016,Battles,,X,BORNO,,l,,,1\n"
                                                        "E3,2016-01-07,2016,Battles,,X,Nassarawa,,l,,,1\n");
    EventsSpec spec;
    spec.file = file;
    spec.assign = EventAssign::admin1;
    // Two places in Borno: the more populous one takes its events.
    const std::vector<Node> nodes = {case_node("Biu", 10, 12, 100, "Borno"), case_node("Maiduguri", 11, 13, 900, "Borno"),
                                     case_node("Lafia", 8, 8, 100, "Nasarawa")};
    Ledger ledger;
    const auto events = read_acled(spec, ledger);  // no coordinates needed by name
    CHECK(assign_events(events, nodes, spec, ledger) == std::vector<int>{1, 1, -1});
    CHECK(ledger.near_misses().at(file).at("Nassarawa") == "did you mean `Nasarawa`?");
    spec.admin_aliases = {{"Nassarawa", "Nasarawa"}};
    CHECK(assign_events(events, nodes, spec, ledger)[2] == 2);
}

TEST_CASE("conflict intensity counts a trailing window and saturates at 1", "[build_case]") {
    // One event on day 0, two on day 2; window 3 days, saturation 2 events.
    const std::vector<std::pair<int, double>> events = {{0, 1.0}, {2, 1.0}, {2, 1.0}};
    const std::vector<double> v = intensity_series(events, 7, 3, 2.0);
    CHECK(v == std::vector<double>{0.5, 0.5, 1.0, 1.0, 1.0, 0.0, 0.0});  // day 2: 3 events, capped
    CHECK(onset_day(events, 7, 3, 2.0) == 2);
    CHECK(onset_day(events, 7, 3, 4.0) == std::nullopt);
    // An event 2 days before the start counts on day 0 only (window 3: days -2, -1, 0).
    CHECK(intensity_series({{-2, 4.0}}, 3, 3, 8.0) == std::vector<double>{0.5, 0.0, 0.0});
    CHECK(intensity_series({{-3, 4.0}}, 3, 3, 8.0) == std::vector<double>{0.0, 0.0, 0.0});
    CHECK(onset_day({{-2, 1.0}}, 3, 3, 1.0) == 0);
}

TEST_CASE("HXL tables are read by their tags and matched to places by name", "[build_case]") {
    TempDir dir("case_hxl");
    const std::string file = dir.write("dtm.csv",
                                       "Date,State,IDPs,Refugees,Latitude\n"
                                       "#date,#adm1+name,#affected+idps+ind,#affected+refugees,#geo+lat\n"
                                       "2016-03-01,Borno,100,7,11.8\n"
                                       "2016-03-01,Borno,50,1,11.9\n"
                                       "31 March 2016,Borno,300,9,11.8\n"
                                       "2016-03-01,Alpah,40,2,9\n"
                                       "2016-04-01,Alpha,x,2,9\n");
    ObservedSpec spec;
    spec.file = file;
    spec.tag = "#affected+idps";
    Ledger ledger;
    std::vector<ObservedSeries> s = read_observed(spec, ledger);
    REQUIRE(s.size() == 2);  // Alpah and Borno; the `x` row is dropped
    CHECK(s[1].place == "Borno");
    CHECK(s[1].count == std::vector<double>{150, 300});  // rows of one place and date added
    CHECK(s[1].date == std::vector<DayNumber>{iso_day("2016-03-01"), iso_day("2016-03-31")});
    CHECK(ledger.dropped().at(file).at("#affected+idps+ind not a number >= 0").lines == std::vector<int>{7});
    spec.tag = "#affected+refugees";
    s = read_observed(spec, ledger);
    REQUIRE(s.size() == 3);  // Alpha's refugee count is a number
    CHECK(s[2].count == std::vector<double>{8, 9});
    spec.tag = "#population";
    CHECK_THAT(input_error_of([&] { read_observed(spec, ledger); }),
               Catch::Contains(file + ":2: #population: HXL tag row has no such count column"));
}

TEST_CASE("an input with no usable rows is an error naming the file and column", "[build_case]") {
    TempDir dir("case_errors");
    EventsSpec events;
    events.file = dir.write("dates.csv", std::string(acled_header) + "E1,2016/01/07,2016,Battles,,X,A,,l,0,0,1\n");
    Ledger ledger;
    CHECK_THAT(input_error_of([&] { read_acled(events, ledger); }),
               Catch::Contains(events.file + ": event_date: no usable row (no date in a known format"));
    events.file = dir.write("nodate.csv", "event_type,latitude,longitude\nBattles,0,0\n");
    CHECK_THAT(input_error_of([&] { read_acled(events, ledger); }),
               Catch::Contains(events.file + ":1: event_date: column missing (the header is `event_type,latitude,longitude`)"));
    PlacesSpec places;
    places.file = dir.write("places.csv", "name,lat,lon,population\nA,,1,5\nB,95,1,5\n");
    CHECK_THAT(input_error_of([&] { read_places(places, ledger); }), Catch::Contains(places.file + ": lat: no usable row"));
    CHECK(ledger.dropped().at(places.file).at("latitude or longitude missing or out of range").lines == std::vector<int>{2, 3});

    // Readable events, none of them in the run or its first window.
    CaseSpec spec;
    spec.name = "x", spec.start = iso_day("2016-01-01"), spec.days = 30;
    spec.places.file = dir.write("good_places.csv", "name,lat,lon,population\nA,0,0,5\n");
    spec.events.file = dir.write("old.csv", std::string(acled_header) + "E1,2015-01-01,2015,Battles,,X,A,,l,0,0,1\n");
    CHECK_THAT(input_error_of([&] { build_case(spec); }),
               Catch::Contains(spec.events.file + ": event_date: no usable row (no event from 2015-12-03 to 2016-01-30"));
}

TEST_CASE("GeoNames dumps give places above a threshold, one per admin unit", "[build_case]") {
    TempDir dir("case_geonames");
    auto line = [](const char* name, double lat, double lon, const char* cc, const char* adm1, int pop) {
        return "1\t" + std::string(name) + "\t" + name + "\t\t" + std::to_string(lat) + "\t" + std::to_string(lon) +
               "\tP\tPPL\t" + cc + "\t\t" + adm1 + "\t\t\t\t" + std::to_string(pop) + "\t\t100\tAfrica/Lagos\t2020-01-01\n";
    };
    PlacesSpec spec;
    spec.format = PlaceFormat::geonames;
    spec.file = dir.write("cities500.txt", line("Maiduguri", 11.8, 13.2, "NG", "05", 800000) +
                                               line("Biu", 10.6, 12.2, "NG", "05", 95000) +
                                               line("Lafia", 8.5, 8.5, "NG", "28", 120000) +
                                               line("Tiny", 8.6, 8.6, "NG", "28", 600) + line("Diffa", 13.3, 12.6, "NE", "02", 40000) +
                                               "broken line\n");
    spec.admin1_names = dir.write("admin1CodesASCII.txt", "NG.05\tBorno\tBorno\t1\nNG.28\tNasarawa\tNasarawa\t2\n");
    spec.countries = {"NG"};
    spec.min_population = 1000;
    spec.admin_level = 1;
    Ledger ledger;
    const std::vector<Place> places = read_places(spec, ledger);
    REQUIRE(places.size() == 2);
    CHECK(places[0].name == "Maiduguri");
    CHECK(places[0].admin1 == "Borno");
    CHECK(places[1].name == "Lafia");
    CHECK(places[1].admin1 == "Nasarawa");
    const auto& out = ledger.dropped().at(spec.file);
    CHECK(out.at("fewer than 15 tab-separated columns").lines == std::vector<int>{6});
    CHECK(out.at("country not among `places.countries`").lines == std::vector<int>{5});
    CHECK(out.at("population below `places.min_population`").lines == std::vector<int>{4});
    CHECK(out.at("not the most populous place of its admin-1 unit").lines == std::vector<int>{2});
}

TEST_CASE("routes reach each node's nearest neighbours and join every component", "[build_case]") {
    // Two pairs 1000 km apart: one neighbour each leaves two components; the shortest
    // link between them joins them.
    const std::vector<Node> nodes = {case_node("A", 0, 0), case_node("B", 0, 0.1), case_node("C", 0, 9.1),
                                     case_node("D", 0, 9.0)};
    const std::vector<CaseRoute> routes = nearest_neighbour_routes(nodes, 1, 1.5);
    REQUIRE(routes.size() == 3);
    CHECK(routes[0].a == 0);
    CHECK(routes[0].b == 1);
    CHECK(routes[0].km == Approx(great_circle_km(0, 0, 0, 0.1) * 1.5).margin(0.05));
    CHECK(routes[2].joins_components);
    CHECK(routes[2].a == 1);  // B-D: the closest pair across
    CHECK(routes[2].b == 3);
    CHECK(great_circle_km(0, 0, 0, 1) == Approx(111.195).epsilon(1e-4));
}

TEST_CASE("routes never join two camps", "[build_case]") {
    // Two camps 11 km apart and a town 100 km away: each camp's nearest neighbour is the
    // other camp, yet both link to the town only.
    std::vector<Node> nodes = {case_node("Town", 0, 0), case_node("CampA", 0, 0.9), case_node("CampB", 0, 1.0)};
    nodes[1].camp = nodes[2].camp = true;
    const std::vector<CaseRoute> routes = nearest_neighbour_routes(nodes, 1, 1.0);
    REQUIRE(routes.size() == 2);
    for (const CaseRoute& r : routes) CHECK(r.a == 0);
}

TEST_CASE("routes take road distances from an OpenStreetMap file when the build reads them", "[build_case]") {
    TempDir dir("case_osm");
    // A primary road 1 -> 2 -> 3 bends north between (0, 0) and (0, 1); a footway joins 1
    // and 3 directly and is not a travel road; a track 4 - 5 stands alone far away.
    const std::string osm = dir.write("roads.osm",
                                      "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"test\">\n"
                                      " <node id=\"1\" version=\"1\" lat=\"0\" lon=\"0\"/>\n"
                                      " <node id=\"2\" version=\"1\" lat=\"0.5\" lon=\"0.5\"/>\n"
                                      " <node id=\"3\" version=\"1\" lat=\"0\" lon=\"1\"/>\n"
                                      " <node id=\"4\" version=\"1\" lat=\"5\" lon=\"5\"/>\n"
                                      " <node id=\"5\" version=\"1\" lat=\"5\" lon=\"5.1\"/>\n"
                                      " <way id=\"10\" version=\"1\"><nd ref=\"1\"/><nd ref=\"2\"/><nd ref=\"3\"/>"
                                      "<tag k=\"highway\" v=\"primary\"/></way>\n"
                                      " <way id=\"11\" version=\"1\"><nd ref=\"1\"/><nd ref=\"3\"/><tag k=\"highway\" v=\"footway\"/></way>\n"
                                      " <way id=\"12\" version=\"1\"><nd ref=\"4\"/><nd ref=\"5\"/><tag k=\"highway\" v=\"track\"/></way>\n"
                                      "</osm>\n");
    const std::vector<Node> nodes = {case_node("A", 0, 0.01), case_node("B", 0, 1), case_node("C", 5, 5.1),
                                     case_node("D", 20, 20)};
    const std::vector<std::pair<int, int>> pairs = {{0, 1}, {0, 2}, {0, 3}};
    RoadNetwork net;
    if (!osm_roads_available()) {
        CHECK_THAT(input_error_of([&] { road_distances(osm, nodes, pairs, 10, net); }),
                   Catch::Contains("this migflow was built without libosmium"));
        return;
    }
    const auto km = road_distances(osm, nodes, pairs, 10, net);
    CHECK(net.ways == 2);  // the footway is left out
    CHECK(net.road_nodes == 5);
    REQUIRE(km[0]);
    const double road = great_circle_km(0, 0, 0.5, 0.5) + great_circle_km(0.5, 0.5, 0, 1);
    CHECK(*km[0] == Approx(road + great_circle_km(0, 0.01, 0, 0)).epsilon(1e-9));  // snap A to node 1, B is on node 3
    CHECK_FALSE(km[1]);  // no road joins them
    CHECK_FALSE(km[2]);  // D lies far from every road
    CHECK(net.snap_km[3] > 1000);
    CHECK_THAT(input_error_of([&] { road_distances(dir.write("empty.osm", "<osm version=\"0.6\"></osm>\n"), nodes, pairs, 10, net); }),
               Catch::Contains("empty.osm: routes.osm: no road"));
}
