// The one output catalogue (sim/output/catalogue.cpp): the HDF5 file, the in-memory
// recorder and analysis/schema.json all say what it says, so none can drift from it.
#include <H5Cpp.h>

#include <catch2/catch.hpp>
#include <set>

#include "../sim/output/hdf5_util.hpp"
#include "engine_fixtures.hpp"
#include "migflow/engine/simulation.hpp"
#include "migflow/output/catalogue.hpp"
#include "migflow/output/recorder.hpp"
#include "migflow/scenario/loader.hpp"
#include "test_support.hpp"

using namespace migflow;
using migflow::test::TempDir;

TEST_CASE("analysis/schema.json is the catalogue as `migflow schema --json` prints it", "[catalogue]") {
    const std::string file = test::slurp(std::string(MIGFLOW_SOURCE_DIR) + "/analysis/schema.json");
    INFO("regenerate it: build/migflow schema --json > analysis/schema.json");
    CHECK(file == catalogue_json());
    TempDir dir("schema_cli");
    REQUIRE(test::run_migflow_logged("schema --json", dir.path / "out") == 0);
    CHECK(test::slurp(dir.path / "out") == catalogue_json());
}

TEST_CASE("every catalogue series is in the result file with its units, description, type and shape", "[catalogue]") {
    const Scenario s = load_scenario(std::string(MIGFLOW_SOURCE_DIR) + "/scenarios/tiny.yaml");
    TempDir dir("catalogue_file");
    const std::string out = (dir.path / "run.h5").string();
    {
        RunOptions o;
        o.seed = 3;
        o.threads = 1;
        Simulation sim(s, o);
        auto rec = make_hdf5_recorder(out);
        sim.run(*rec);
    }
    const MemoryRecorder mem = test::run_scenario(s, 3, 1);
    const std::vector<SeriesView> views = mem.series();
    REQUIRE(views.size() == series_catalogue().size());
    H5::H5File f(out, H5F_ACC_RDONLY);
    std::set<std::string> names;
    for (std::size_t k = 0; k < views.size(); ++k) {
        const SeriesSpec& spec = series_catalogue()[k];
        const std::string path = "/" + spec.group + "/" + spec.name;
        INFO(path);
        CHECK(names.insert(path).second);  // each series once
        CHECK(views[k].name == spec.name);
        CHECK(views[k].type == spec.type);
        REQUIRE(f.nameExists(path));
        H5::DataSet ds = f.openDataSet(path);
        CHECK(detail::read_string_attr(ds, "units") == spec.units);
        CHECK(detail::read_string_attr(ds, "description") == spec.description);
        CHECK(ds.getTypeClass() == (spec.type == ValueType::int64 ? H5T_INTEGER : H5T_FLOAT));
        hsize_t dims[2] = {0, 0};
        const int rank = ds.getSpace().getSimpleExtentDims(dims);
        CHECK(rank == (spec.width == SeriesWidth::one ? 1 : 2));
        CHECK(dims[0] == static_cast<hsize_t>(s.days));
        if (rank == 2)
            CHECK(dims[1] == (spec.width == SeriesWidth::regions ? s.regions.size() : s.routes.size()));
        // The file holds what the in-memory recorder holds, day by day.
        std::vector<double> file_values(dims[0] * (rank == 2 ? dims[1] : 1));
        ds.read(file_values.data(), H5::PredType::NATIVE_DOUBLE);
        std::vector<double> mem_values(file_values.size());
        for (std::size_t t = 0; t < views[k].days; ++t) views[k].row(t, mem_values.data() + t * views[k].width);
        CHECK(file_values == mem_values);
    }
    CHECK(MemoryRecorder::values_per_day(s.regions.size(), s.routes.size()) ==
          11 * s.regions.size() + 2 * s.routes.size() + 2);
}
