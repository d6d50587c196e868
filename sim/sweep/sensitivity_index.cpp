// A sweep index to Sobol or Morris indices per outcome (sensitivity.hpp): the design is
// read back from the index's design columns, outcomes averaged over each point's seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "migflow/core/csv.hpp"
#include "migflow/sweep/sensitivity.hpp"

namespace migflow {

namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

// Index columns that describe the run, not its outcome.
bool is_outcome_column(const std::string& c) { return c != "wall_s" && c != "build"; }

struct DesignPoint {
    std::string role;
    int group = 0;
    double step = no_value;
    std::vector<double> sum;  // per outcome, over done runs with a value
    std::vector<int> count;
    int done = 0;
    double value(std::size_t o) const { return count[o] > 0 ? sum[o] / count[o] : no_value; }
};

struct IndexDesign {
    std::string method;
    std::vector<std::string> parameters, outcomes;
    std::vector<DesignPoint> points;  // by point number
    int seeds_per_point = 0;
};

std::size_t column(const std::vector<std::string>& head, const std::string& name, const std::string& file) {
    const auto it = std::find(head.begin(), head.end(), name);
    if (it == head.end()) throw std::runtime_error(file + ": no `" + name + "` column: not a sweep index");
    return static_cast<std::size_t>(it - head.begin());
}

bool parse_number(const std::string& s, double& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end && *end == '\0' && std::isfinite(out);
}

// A, B, AB<i> (sobol) or start, step<i> (morris), i in 1..k.
bool known_role(const std::string& role, bool morris, std::size_t k) {
    if (!morris && (role == "A" || role == "B")) return true;
    if (morris && role == "start") return true;
    const std::string prefix = morris ? "step" : "AB";
    if (!role.starts_with(prefix) || role.size() == prefix.size() || role.size() > prefix.size() + 4) return false;
    const std::string digits = role.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits[0] == '0') return false;
    const std::size_t i = std::stoul(digits);
    return i >= 1 && i <= k;
}

IndexDesign read_design(const std::string& path) {
    const CsvTable t = read_csv(path);
    if (t.rows.empty()) throw std::runtime_error(path + ": empty file: not a sweep index");
    const auto& head = t.rows[0].cells;
    const std::size_t point_col = column(head, "point", path), design_col = column(head, "design", path);
    const std::size_t group_col = column(head, "design_group", path), status_col = column(head, "status", path);
    if (design_col < 4 || column(head, "seed", path) != 2)
        throw std::runtime_error(path + ": the design columns do not follow run,point,seed,<swept keys>");
    IndexDesign d;
    d.parameters.assign(head.begin() + 3, head.begin() + static_cast<std::ptrdiff_t>(design_col));
    const bool morris = group_col + 1 < head.size() && head[group_col + 1] == "design_step";
    d.method = morris ? "morris" : "sobol";
    std::vector<std::size_t> outcome_cols;
    for (std::size_t c = status_col + 1; c < head.size(); ++c)
        if (is_outcome_column(head[c])) outcome_cols.push_back(c), d.outcomes.push_back(head[c]);
    std::map<int, int> done_per_point;
    for (std::size_t r = 1; r < t.rows.size(); ++r) {
        const auto& cells = t.rows[r].cells;
        auto cell = [&](std::size_t c) { return c < cells.size() ? cells[c] : std::string(); };
        double point = 0, group = 0;
        if (!parse_number(cell(point_col), point) || point < 0 || point > 1e8 || point != std::floor(point) ||
            !parse_number(cell(group_col), group) || group != std::floor(group))
            throw std::runtime_error(path + ":" + std::to_string(t.rows[r].line) +
                                     ": point and design_group must be whole numbers >= 0, got `" + cell(point_col) +
                                     "` and `" + cell(group_col) + "`");
        if (static_cast<std::size_t>(point) >= d.points.size()) d.points.resize(static_cast<std::size_t>(point) + 1);
        DesignPoint& p = d.points[static_cast<std::size_t>(point)];
        p.role = cell(design_col);
        if (!known_role(p.role, morris, d.parameters.size()))
            throw std::runtime_error(path + ":" + std::to_string(t.rows[r].line) + ": design `" + p.role + "` is not " +
                                     (morris ? "start or step1..step" : "A, B or AB1..AB") +
                                     std::to_string(d.parameters.size()));
        p.group = static_cast<int>(group);
        if (morris) parse_number(cell(group_col + 1), p.step);
        p.sum.resize(outcome_cols.size(), 0.0);
        p.count.resize(outcome_cols.size(), 0);
        if (cell(status_col) != "done") continue;
        ++p.done;
        d.seeds_per_point = std::max(d.seeds_per_point, p.done);
        for (std::size_t o = 0; o < outcome_cols.size(); ++o) {
            double v = 0.0;
            if (parse_number(cell(outcome_cols[o]), v)) p.sum[o] += v, ++p.count[o];
        }
    }
    return d;
}

// The points of each group (base row or trajectory), in index order.
std::map<int, std::vector<const DesignPoint*>> by_group(const IndexDesign& d) {
    std::map<int, std::vector<const DesignPoint*>> g;
    for (const DesignPoint& p : d.points)
        if (!p.role.empty()) g[p.group].push_back(&p);
    return g;
}

void sobol_outcome(const IndexDesign& d, std::size_t o, const BootstrapSettings& boot, SensitivityTable& t) {
    const std::size_t k = d.parameters.size();
    SaltelliOutputs y;
    y.ab.resize(k);
    int incomplete = 0;
    for (const auto& [group, points] : by_group(d)) {
        double a = no_value, b = no_value;
        std::vector<double> ab(k, no_value);
        for (const DesignPoint* p : points) {
            const double v = p->value(o);
            if (p->role == "A") a = v;
            else if (p->role == "B") b = v;
            else if (p->role.starts_with("AB")) {
                const std::size_t i = std::stoul(p->role.substr(2)) - 1;
                if (i < k) ab[i] = v;
            }
        }
        const bool complete = std::isfinite(a) && std::isfinite(b) &&
                              std::all_of(ab.begin(), ab.end(), [](double v) { return std::isfinite(v); });
        if (!complete) {
            ++incomplete;
            continue;
        }
        y.a.push_back(a), y.b.push_back(b);
        for (std::size_t i = 0; i < k; ++i) y.ab[i].push_back(ab[i]);
    }
    const std::string& name = d.outcomes[o];
    if (incomplete > 0)
        t.notes.push_back(name + ": " + std::to_string(incomplete) + " of " + std::to_string(t.groups) +
                          " base rows left out (a run not done, or no value)");
    if (y.a.size() < 2) {
        t.notes.push_back(name + ": fewer than 2 complete base rows: no indices");
        return;
    }
    const auto idx = sobol_indices(y, boot);
    if (!std::isfinite(idx[0].s1)) {
        t.notes.push_back(name + ": the same value in every run: no indices");
        return;
    }
    double sum = 0.0, widest = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
        t.rows.push_back({name, d.parameters[i], idx[i], {}, static_cast<int>(y.a.size())});
        sum += idx[i].s1;
        widest = std::max(widest, idx[i].st_ci.high - idx[i].st_ci.low);
    }
    char buf[200];
    if (sum > 1.1) {
        std::snprintf(buf, sizeof buf, "%s: the first-order indices sum to %.3g > 1: the estimates are noisy; increase samples.count",
                      name.c_str(), sum);
        t.notes.push_back(buf);
    }
    if (boot.resamples > 0 && widest > 0.2) {
        std::snprintf(buf, sizeof buf, "%s: a total-index interval is %.2g wide: increase samples.count for a sharper ranking",
                      name.c_str(), widest);
        t.notes.push_back(buf);
    }
}

void morris_outcome(const IndexDesign& d, std::size_t o, const BootstrapSettings& boot, SensitivityTable& t) {
    const std::size_t k = d.parameters.size();
    std::vector<std::vector<double>> effects(k);
    int missing = 0, flat = 0;
    for (const auto& [group, points] : by_group(d)) {
        for (std::size_t r = 1; r < points.size(); ++r) {
            const DesignPoint& p = *points[r];
            if (!p.role.starts_with("step")) continue;
            const std::size_t i = std::stoul(p.role.substr(4)) - 1;
            const double dy = p.value(o) - points[r - 1]->value(o);
            if (i >= k || !std::isfinite(dy)) ++missing;
            else if (!std::isfinite(p.step) || p.step == 0.0) ++flat;  // a whole number that did not move
            else effects[i].push_back(dy / p.step);
        }
    }
    const std::string& name = d.outcomes[o];
    if (missing > 0) t.notes.push_back(name + ": " + std::to_string(missing) + " elementary effects left out (a run not done, or no value)");
    if (flat > 0) t.notes.push_back(name + ": " + std::to_string(flat) + " steps left out: the rounded value did not change");
    const auto idx = morris_indices(effects, boot);
    bool any = false;
    for (const auto& m : idx) any = any || (std::isfinite(m.mu_star) && m.mu_star > 0.0);
    if (!any) {
        t.notes.push_back(name + ": no elementary effect differs from 0 (the same value in every run?): no indices");
        return;
    }
    for (std::size_t i = 0; i < k; ++i) t.rows.push_back({name, d.parameters[i], {}, idx[i], idx[i].effects});
}

std::string csv_number(double v) {
    if (!std::isfinite(v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

}  // namespace

SensitivityTable analyse_sweep_index(const std::string& index_path, const BootstrapSettings& boot) {
    const IndexDesign d = read_design(index_path);
    SensitivityTable t;
    t.method = d.method;
    t.parameters = d.parameters;
    t.outcomes = d.outcomes;
    t.seeds_per_point = d.seeds_per_point;
    t.groups = static_cast<int>(by_group(d).size());
    int not_done = 0;
    for (const DesignPoint& p : d.points) not_done += !p.role.empty() && p.done == 0;
    if (not_done > 0)
        t.notes.push_back(std::to_string(not_done) + " of " + std::to_string(d.points.size()) +
                          " design points have no finished run");
    if (d.method == "morris" && t.groups < 10)
        t.notes.push_back(std::to_string(t.groups) + " trajectories: Morris rankings usually need 10 or more");
    if (d.method == "sobol" && t.groups < 64)
        t.notes.push_back(std::to_string(t.groups) + " base rows: Sobol estimates usually need several hundred");
    for (std::size_t o = 0; o < d.outcomes.size(); ++o)
        d.method == "sobol" ? sobol_outcome(d, o, boot, t) : morris_outcome(d, o, boot, t);
    return t;
}

std::string sensitivity_csv(const SensitivityTable& t) {
    std::ostringstream out;
    if (t.method == "sobol") {
        out << "outcome,parameter,S1,S1_low,S1_high,ST,ST_low,ST_high,base_rows\n";
        for (const auto& r : t.rows)
            out << r.outcome << ',' << r.parameter << ',' << csv_number(r.sobol.s1) << ',' << csv_number(r.sobol.s1_ci.low)
                << ',' << csv_number(r.sobol.s1_ci.high) << ',' << csv_number(r.sobol.st) << ','
                << csv_number(r.sobol.st_ci.low) << ',' << csv_number(r.sobol.st_ci.high) << ',' << r.groups << '\n';
    } else {
        out << "outcome,parameter,mu,mu_star,mu_star_low,mu_star_high,sigma,effects\n";
        for (const auto& r : t.rows)
            out << r.outcome << ',' << r.parameter << ',' << csv_number(r.morris.mu) << ','
                << csv_number(r.morris.mu_star) << ',' << csv_number(r.morris.mu_star_ci.low) << ','
                << csv_number(r.morris.mu_star_ci.high) << ',' << csv_number(r.morris.sigma) << ',' << r.groups << '\n';
    }
    return out.str();
}

}  // namespace migflow
