// The root attributes that say what was run: see run_attributes.hpp.
#include "migflow/output/run_attributes.hpp"

#include <algorithm>

#include "migflow/core/build_info.hpp"
#include "migflow/core/date.hpp"

namespace migflow {

namespace {
constexpr int schema_version = 1;
}

std::vector<RunAttribute> run_attributes(const Scenario& s, std::uint64_t seed, int threads,
                                         const std::string& version) {
    std::vector<RunAttribute> a = {
        {"schema_version", schema_version},
        {"migflow_version", version},
        {"scenario_name", s.name},
        {"scenario_file", s.source_file},
        {"scenario_text", s.source_text},
        {"seed", seed},
        {"ruleset", s.ruleset},
        {"people_per_agent", s.agents.people_per_agent},
        {"start_date", format_date(s.start_date)},
        {"days", static_cast<std::int64_t>(std::max<Day>(s.days, 0))},
        {"threads", threads},
        {"scenario_kind", s.source_kind},
    };
    for (const BuildItem& b : build_info()) a.push_back({"build_" + b.name, b.value});
    if (!s.overrides.empty()) {
        std::string lines;
        for (const auto& [k, v] : s.overrides) lines += k + "=" + v + "\n";
        a.push_back({"overrides", lines});
        a.push_back({"scenario_base_text", s.base_text});
    }
    return a;
}

}  // namespace migflow
