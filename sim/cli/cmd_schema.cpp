// `migflow schema [--json]`: the result series and datasets from the one output
// catalogue (sim/output/catalogue.cpp) that the HDF5 writer, the Python module and the
// analysis scripts (analysis/schema.json, a copy a test keeps equal) all use.
#include <iostream>

#include "cli/commands.hpp"
#include "migflow/output/catalogue.hpp"

namespace migflow::cli {

namespace {

int schema(bool json) {
    if (json) {
        std::cout << catalogue_json();
        return 0;
    }
    std::cout << "per-day series ([days x regions], [days x routes] or [days]):\n";
    for (const SeriesSpec& s : series_catalogue()) {
        const char* width = s.width == SeriesWidth::regions ? "regions" : s.width == SeriesWidth::routes ? "routes" : "-";
        std::cout << "  /" << s.group << "/" << s.name << "  [" << width << ", "
                  << (s.type == ValueType::int64 ? "int64" : "float64") << ", " << s.units << "]  " << s.description
                  << '\n';
    }
    std::cout << "other datasets:\n";
    for (const DatasetSpec& d : static_dataset_catalogue())
        std::cout << "  /" << d.group << "/" << d.name << "  [" << d.units << "]  " << d.description << '\n';
    return 0;
}

}  // namespace

Command add_schema_command(CLI::App& app) {
    auto* sub = app.add_subcommand("schema", "list the result file's series and datasets: units, shape, meaning");
    auto json = std::make_shared<bool>(false);
    sub->add_flag("--json", *json, "as JSON (what analysis/schema.json holds)");
    return {sub, [json] { return schema(*json); }};
}

}  // namespace migflow::cli
