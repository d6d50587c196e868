// `migflow import-flee FLEE_DIR -o SCENARIO.yaml`: a Flee case as a native scenario.
#include <cstdio>

#include "cli/commands.hpp"
#include "migflow/scenario/source.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/formats/flee/import.hpp"

namespace migflow::cli {

namespace {

struct ImportArgs {
    std::string dir, out;
    bool native = false;
};

int import_flee(const ImportArgs& a) {
    const std::string &dir = a.dir, &out = a.out;
    if (dir.empty()) throw UsageError("no Flee directory given");
    if (out.empty()) throw UsageError("no output given (-o SCENARIO.yaml)");
    Scenario s = import_flee_case(dir);
    if (a.native) s = flee_case_as_native(std::move(s));
    print_warnings(s);
    write_flee_scenario_yaml(s, out);
    std::printf("%s: %zu locations, %zu routes, %zu closures, %zu observed camps, %d days from %s\n",
                out.c_str(), s.regions.size(), s.routes.size(), s.closures.size(), s.observed.region.size(),
                s.days, format_date(s.start_date).c_str());
    return 0;
}

}  // namespace

Command add_import_flee_command(CLI::App& app) {
    auto* sub = app.add_subcommand("import-flee", "write a Flee input directory as a native scenario YAML");
    auto a = std::make_shared<ImportArgs>();
    sub->add_option("FLEE_DIR", a->dir, "Flee input directory")->type_name("");
    sub->add_option("-o,--output", a->out, "scenario YAML to write")->type_name("SCENARIO.yaml");
    sub->add_flag("--native", a->native, "write the case under the native model (docs/CALIBRATION.md), "
                                         "e.g. to run it with a calibration's best.yaml");
    return {sub, [a] { return import_flee(*a); }};
}

}  // namespace migflow::cli
