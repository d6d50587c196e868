#pragma once
// One benchmark record as a JSON line (issue #24, finding 7): the configuration, every
// repetition and their median/min/max, and what a centre needs to judge the figures —
// the build (commit, compiler, flags, libraries, MPI), the host, its CPU, the cores this
// process may use and the binding asked for, and the load before and after. The fields
// are described in benchmarks/README.md; benchmarks/results_table.py reads them back.
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "migflow/core/build_info.hpp"

extern char** environ;

namespace migflow::bench {

// `s` as a JSON string (quotes, backslashes and control characters escaped).
inline std::string json_text(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// A finite number as JSON; NaN and infinities (a zero-length timing) become null.
inline std::string json_number(double x) {
    if (!std::isfinite(x)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}

inline std::string json_number(long long x) { return std::to_string(x); }

// An object built in insertion order; values are JSON text already.
class JsonObject {
public:
    JsonObject& raw(const std::string& key, const std::string& json) {
        fields_.emplace_back(key, json);
        return *this;
    }
    JsonObject& text(const std::string& key, const std::string& s) { return raw(key, json_text(s)); }
    JsonObject& number(const std::string& key, double x) { return raw(key, json_number(x)); }
    JsonObject& integer(const std::string& key, long long x) { return raw(key, json_number(x)); }
    std::string str() const {
        std::string out = "{";
        for (std::size_t i = 0; i < fields_.size(); ++i)
            out += (i ? ", " : "") + json_text(fields_[i].first) + ": " + fields_[i].second;
        return out + "}";
    }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

inline std::string json_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
}

// Median (the mean of the middle two for an even count), minimum and maximum.
struct Spread {
    double median = 0, min = 0, max = 0;
};

inline Spread spread_of(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    return {median, v.front(), v.back()};
}

inline std::string spread_json(const std::vector<double>& v) {
    const Spread s = spread_of(v);
    return JsonObject().number("median", s.median).number("min", s.min).number("max", s.max).str();
}

// The 1, 5 and 15-minute load averages (-1 where /proc/loadavg cannot be read).
inline std::array<double, 3> load_average() {
    std::array<double, 3> load{-1, -1, -1};
    std::ifstream in("/proc/loadavg");
    in >> load[0] >> load[1] >> load[2];
    return load;
}

inline std::string load_json(const std::array<double, 3>& l) {
    return json_array({json_number(l[0]), json_number(l[1]), json_number(l[2])});
}

// "model name" of /proc/cpuinfo (x86), else its "Model"/"cpu model" line, else "unknown".
inline std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        if (key == "model name" || key == "Model" || key == "cpu model") {
            const auto start = line.find_first_not_of(" \t", colon + 1);
            return start == std::string::npos ? "unknown" : line.substr(start);
        }
    }
    return "unknown";
}

// How many CPUs this process may run on (sched_getaffinity): what a launcher's binding
// (mpirun --bind-to, srun --cpu-bind, taskset) left it.
inline int allowed_cpu_count() {
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
}

// The same CPUs as the kernel lists them, e.g. "0-3,8" (/proc/self/status).
inline std::string allowed_cpu_list() {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = "Cpus_allowed_list:";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) {
            const auto start = line.find_first_not_of(" \t", key.size());
            return start == std::string::npos ? "unknown" : line.substr(start);
        }
    return "unknown";
}

// The environment variables that ask for a thread count or a binding (OpenMP, Open MPI,
// Intel MPI, MPICH/Hydra, Slurm, oneTBB): a record says what the launcher was told.
inline std::string binding_env_json() {
    static const char* const prefixes[] = {"OMP_", "OMPI_MCA_hwloc", "OMPI_MCA_rmaps", "OMPI_COMM_WORLD_SIZE",
                                           "OMPI_COMM_WORLD_LOCAL_SIZE", "I_MPI_PIN", "HYDRA_BIND",
                                           "MPIR_CVAR_", "SLURM_CPU", "SLURM_NTASKS", "SLURM_JOB_ID",
                                           "SLURM_JOB_NODELIST", "SLURM_MPI_TYPE", "TBB_"};
    std::vector<std::pair<std::string, std::string>> found;
    for (char** e = environ; e && *e; ++e) {
        const std::string entry = *e;
        const auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        const std::string name = entry.substr(0, eq);
        for (const char* p : prefixes)
            if (name.rfind(p, 0) == 0) {
                found.emplace_back(name, entry.substr(eq + 1));
                break;
            }
    }
    std::sort(found.begin(), found.end());
    JsonObject o;
    for (const auto& [k, v] : found) o.text(k, v);
    return o.str();
}

inline std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

inline std::string build_json() {
    JsonObject o;
    for (const auto& item : build_info()) o.text(item.name, item.value);
    return o.str();
}

// Where and with what the figures were taken. `load_before` is read before the first
// repetition; the load after is read here.
inline std::string context_json(const std::array<double, 3>& load_before, int argc, char** argv) {
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    utsname u{};
    const std::string kernel = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release : "unknown";
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) args.push_back(json_text(argv[i]));
    return JsonObject()
        .text("date", utc_now())
        .text("host", host)
        .text("kernel", kernel)
        .text("cpu_model", cpu_model())
        .integer("cores_online", sysconf(_SC_NPROCESSORS_ONLN))
        .text("cpus_allowed", allowed_cpu_list())
        .integer("cpus_allowed_count", allowed_cpu_count())
        .raw("binding_env", binding_env_json())
        .raw("load_before", load_json(load_before))
        .raw("load_after", load_json(load_average()))
        .raw("build", build_json())
        .raw("command", json_array(args))
        .str();
}

// Appends one record as one line (JSON Lines: a file collects many configurations).
inline void append_json_line(const std::string& path, const std::string& record) {
    std::ofstream out(path, std::ios::app);
    if (!out) throw std::runtime_error("cannot open " + path + " to append the JSON record");
    out << record << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write the JSON record to " + path);
}

}  // namespace migflow::bench
