// history.csv (every evaluation, the resume log) and best.yaml (the best values as a
// fragment a scenario or `--set` takes): docs/CALIBRATION.md "Outputs".
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "migflow/core/build_info.hpp"
#include "migflow/calibrate/calibrate.hpp"
#include "migflow/core/csv.hpp"

namespace migflow {

std::string history_header(const CalibrationSpec& spec, const std::vector<std::string>& case_names) {
    std::string h = "evaluation";
    for (const CalibrationParameter& p : spec.parameters) h += "," + p.key;
    for (const std::string& c : case_names) h += "," + to_string(spec.objective) + ":" + c;
    return h + ",total,wall_seconds";
}

std::vector<CalibrationRow> read_history(const std::string& path, const CalibrationSpec& spec,
                                         const std::vector<std::string>& case_names) {
    std::string text;
    try {
        text = read_text_file(path);
    } catch (const InputError& e) {
        throw std::runtime_error(path + ": cannot read the calibration history (" + e.problems().front().message + ")");
    }
    // A process killed while writing leaves a last line without its newline: not a row.
    text.erase(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    if (line != history_header(spec, case_names))
        throw std::runtime_error(path + ":1: header `" + line + "` is not this calibration's `" +
                                 history_header(spec, case_names) + "`");
    const std::size_t P = spec.parameters.size(), C = case_names.size();
    std::vector<CalibrationRow> rows;
    for (int n = 2; std::getline(lines, line); ++n) {
        std::vector<double> cells;
        std::istringstream cs(line);
        for (std::string cell; std::getline(cs, cell, ',');) {
            char* end = nullptr;
            const double v = std::strtod(cell.c_str(), &end);
            if (cell.empty() || *end != '\0')
                throw std::runtime_error(path + ":" + std::to_string(n) + ": `" + cell + "` is not a number");
            cells.push_back(v);
        }
        if (cells.size() != 1 + P + C + 2)
            throw std::runtime_error(path + ":" + std::to_string(n) + ": " + std::to_string(cells.size()) +
                                     " cells, the header names " + std::to_string(1 + P + C + 2));
        CalibrationRow r;
        r.evaluation = static_cast<int>(cells[0]);
        if (r.evaluation != static_cast<int>(rows.size()) + 1)
            throw std::runtime_error(path + ":" + std::to_string(n) + ": evaluation " + std::to_string(r.evaluation) +
                                     ", expected " + std::to_string(rows.size() + 1));
        r.values.assign(cells.begin() + 1, cells.begin() + 1 + static_cast<std::ptrdiff_t>(P));
        r.case_scores.assign(cells.begin() + 1 + static_cast<std::ptrdiff_t>(P),
                             cells.begin() + 1 + static_cast<std::ptrdiff_t>(P + C));
        r.total = cells[1 + P + C];
        r.wall_seconds = cells[2 + P + C];
        rows.push_back(std::move(r));
    }
    return rows;
}

std::string best_yaml(const CalibrationSpec& spec, const CalibrationRow& best, const std::vector<std::string>& case_names,
                      const std::vector<std::string>& warnings) {
    std::ostringstream o;
    if (spec.method == CalibrationMethod::abc_smc)
        o << "# migflow calibrate " << spec.file << " (ABC-SMC): the posterior's particle of smallest distance "
          << "(posterior.h5 holds the whole weighted sample)\n";
    else
        o << "# migflow calibrate " << spec.file << ": best of the evaluations, number " << best.evaluation << "\n";
    o << "# made by migflow " << MIGFLOW_VERSION << ", " << build_summary() << "\n";
    o << "# objective " << to_string(spec.objective) << " (mean over cases and seeds): " << exact_number(best.total) << "\n";
    for (std::size_t c = 0; c < case_names.size(); ++c)
        o << "#   " << case_names[c] << ": " << exact_number(best.case_scores[c]) << "\n";
    for (const std::string& w : warnings) o << "# warning: " << w << "\n";
    o << "# as --set:";
    const Overrides set = parameter_overrides(spec.parameters, best.values);
    for (const auto& [k, v] : set) o << " --set " << k << "=" << v;
    o << "\n";
    // Nested maps in parameter order, blocks grouped: a scenario takes it as written.
    YAML::Node root(YAML::NodeType::Map);
    for (const auto& [k, v] : set) {
        YAML::Node at = root;
        std::size_t from = 0;
        for (std::size_t dot; (dot = k.find('.', from)) != std::string::npos; from = dot + 1) {
            const std::string part = k.substr(from, dot - from);
            if (!at[part].IsDefined()) at[part] = YAML::Node(YAML::NodeType::Map);
            at.reset(at[part]);
        }
        at[k.substr(from)] = YAML::Load(v);
    }
    YAML::Emitter out;
    out << root;
    o << out.c_str() << "\n";
    return o.str();
}

namespace {

void flatten(const YAML::Node& n, const std::string& prefix, Overrides& out) {
    if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it)
            flatten(it->second, prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar(), out);
        return;
    }
    if (n.IsScalar()) {
        out.emplace_back(prefix, n.Scalar());
        return;
    }
    YAML::Emitter e;
    e << YAML::Flow << n;
    out.emplace_back(prefix, e.c_str());
}

}  // namespace

Overrides flatten_set_fragment(const std::string& yaml_text, const std::string& name_for_errors) {
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        throw InputError({Problem{name_for_errors, e.mark.line + 1, e.mark.column + 1, "", e.msg}});
    }
    if (!root.IsMap()) throw InputError({Problem{name_for_errors, 0, 0, "", "expected a map of parameter blocks"}});
    Overrides out;
    flatten(root, "", out);
    return out;
}

}  // namespace migflow
