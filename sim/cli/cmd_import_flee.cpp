// `migflow import-flee FLEE_DIR -o SCENARIO.yaml`: a Flee case as a native scenario.
#include <cstdio>

#include "cli/args.hpp"
#include "migflow/core/errors.hpp"
#include "migflow/formats/flee/import.hpp"

namespace migflow::cli {

int cmd_import_flee(const Args& args) {
    constexpr const char* usage = "usage: migflow import-flee FLEE_DIR -o SCENARIO.yaml";
    std::string dir, out;
    ArgReader in(args, usage);
    while (in.more()) {
        const auto a = in.next();
        if (a == "-o" || a == "--output") out = in.value(a);
        else if (a == "-h" || a == "--help") throw HelpRequested(usage);
        else if (a.starts_with("-")) throw UsageError("unknown option '" + a + "'", usage);
        else if (dir.empty()) dir = a;
        else throw UsageError("more than one Flee directory given ('" + a + "')", usage);
    }
    if (dir.empty()) throw UsageError("no Flee directory given", usage);
    if (out.empty()) throw UsageError("no output given (-o SCENARIO.yaml)", usage);
    const Scenario s = import_flee_case(dir);
    write_flee_scenario_yaml(s, out);
    std::printf("%s: %zu locations, %zu routes, %zu closures, %zu observed camps, %d days from %s\n",
                out.c_str(), s.regions.size(), s.routes.size(), s.closures.size(), s.observed.region.size(),
                s.days, format_date(s.start_date).c_str());
    return 0;
}

}  // namespace migflow::cli
