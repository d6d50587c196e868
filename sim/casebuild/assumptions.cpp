// ASSUMPTIONS.md of a built case: what was chosen, what was left out, and where.
#include <sstream>

#include "migflow/casebuild/build_case.hpp"
#include "migflow/core/errors.hpp"

namespace migflow::casebuild {

std::string assumptions_markdown(const BuiltCase& c) {
    const CaseSpec& s = c.spec;
    std::ostringstream out;
    out << "# Assumptions of `" << s.name << "`\n\n"
        << "Built by `migflow build-case` from `" << s.file << "`. Every choice below can be changed in that\n"
        << "file (docs/DATA.md); every input row that was not used is listed with its reason.\n\n## Choices\n\n";
    for (const std::string& choice : c.ledger.choices()) out << "- " << choice << "\n";
    long conflict_places = 0;
    for (const auto& o : c.onset) conflict_places += o.has_value();
    out << "- Period: " << format_date(s.start) << " for " << s.days << " days.\n"
        << "- Native scenario: conflict driver as " << (s.native_conflict == ConflictForm::intensity ? "intensity" : "0/1 onsets")
        << "; nobody is an agent at the start (mobile_fraction 0); conflict displaces " << short_number(s.spawn_conflict)
        << " of a place's people a day at intensity 1; " << short_number(c.people_per_agent)
        << " people per agent" << (s.people_per_agent > 0 ? "" : " (the population / 20,000, rounded)")
        << "; speed " << short_number(s.speed_km_per_day) << " km/day; camps start with their observed count on the first day as residents.\n"
        << "- Flee case (flee/): " << conflict_places << " conflict zone(s) with onset dates; conflicts.csv holds "
        << (s.flee_conflict == ConflictForm::onset ? "1 from each onset on" : "the intensity (Flee turns a zone back into a town when it drops to 0)")
        << "; Flee's default rules (simsetting.yml); camps' capacities as Flee's population column; only camps' observed counts go to source_data/ "
        << "(Flee scores camps).\n"
        << "- Camps opening after the start are closed until they open (a `region` closure; Flee `location`).\n";
    out << "\n## Rows not used\n\n";
    if (c.ledger.dropped().empty()) out << "None: every row of every input was used.\n";
    for (const auto& [file, reasons] : c.ledger.dropped()) {
        out << "### `" << file << "`: " << c.ledger.dropped_count(file) << " row(s)\n\n";
        for (const auto& [reason, rows] : reasons) {
            out << "- " << reason << (rows.by_choice ? " (by choice)" : "") << ": " << rows.lines.size() << " row(s); lines "
                << line_ranges(rows.lines);
            if (!rows.details.empty()) {
                out << "; e.g.";
                for (const std::string& d : rows.details) out << " " << d << ";";
            }
            out << "\n";
        }
        out << "\n";
    }
    if (!c.ledger.near_misses().empty()) {
        out << "\n## Names that matched nothing (near misses, not applied)\n\n"
            << "Add an alias (`events.admin_aliases`) or correct the name if one of these is meant.\n\n";
        for (const auto& [file, names] : c.ledger.near_misses())
            for (const auto& [name, hint] : names) out << "- `" << file << "`: `" << name << "`: " << hint << "\n";
    }
    out << "\n## Conflict onsets\n\n| place | onset day | date |\n|---|---:|---|\n";
    for (std::size_t i = 0; i < c.nodes.size() && i < c.onset.size(); ++i)
        if (c.onset[i])
            out << "| " << c.nodes[i].name << " | " << *c.onset[i] << " | " << format_date(s.start + *c.onset[i]) << " |\n";
    return out.str();
}

}  // namespace migflow::casebuild
