#pragma once
// Shared helpers for tests that touch files or run the `migflow` binary.
#include <sys/wait.h>
#include <unistd.h>

#include <H5Cpp.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <thread>
#include <fstream>
#include <sstream>
#include <vector>
#include <string>

namespace migflow::test {

// Paths every test file may use. Test files compile in unity batches
// (tests/CMakeLists.txt): a helper shared by several belongs here, and one of a single
// file needs a name no other test file uses in its anonymous namespace.
#ifdef MIGFLOW_SOURCE_DIR
inline const std::string scenarios_dir = std::string(MIGFLOW_SOURCE_DIR) + "/scenarios";
inline const std::string tiny_yaml = scenarios_dir + "/tiny.yaml";
#endif
#ifdef MIGFLOW_BINARY
inline const std::string migflow_bin = MIGFLOW_BINARY;
#endif

// A fresh directory removed at the end of the test; unique per process and use.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& tag = "test") {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("migflow_" + tag + "_" + std::to_string(::getpid()) + "_" +
                std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    // Writes `text` to a file in the directory; returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a shell command line; returns its exit status (or -1 when it did not exit).
inline int run_shell(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

#ifdef MIGFLOW_BINARY
// `migflow ARGS` with its stdout and stderr into `log`; returns its exit status.
inline int run_migflow_logged(const std::string& args, const std::filesystem::path& log) {
    return run_shell(std::string(MIGFLOW_BINARY) + " " + args + " > " + shell_quote(log.string()) + " 2>&1");
}
#endif

// Starts a shell command line in the background as its own process (the shell execs
// it, so the pid is the command's): for tests that send it signals.
inline pid_t spawn_shell(const std::string& cmd) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// Polls `ready` every 10 ms for up to `timeout_s`; true once it holds.
inline bool wait_until(const std::function<bool()>& ready, double timeout_s) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Waits up to `timeout_s` for `pid` to exit; returns its exit status, or -1 when it was
// killed by a signal or did not exit in time (it is then killed).
inline int wait_exit(pid_t pid, double timeout_s) {
    int status = 0;
    const bool exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout_s);
    if (!exited) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every value of an HDF5 dataset, as doubles (any numeric type, any shape, row-major).
inline std::vector<double> read_dataset(const std::filesystem::path& file, const std::string& name) {
    H5::Exception::dontPrint();
    H5::H5File f(file.string(), H5F_ACC_RDONLY);
    auto ds = f.openDataSet(name);
    std::vector<double> v(static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints()));
    ds.read(v.data(), H5::PredType::NATIVE_DOUBLE);
    return v;
}

// A plain CSV file (no quoting) as rows of cells; a trailing comma ends with an empty cell.
inline std::vector<std::vector<std::string>> csv_rows(const std::filesystem::path& p) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(slurp(p));
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::stringstream ls(line);
        for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
        if (!line.empty() && line.back() == ',') cells.emplace_back();
        rows.push_back(cells);
    }
    return rows;
}

// Writes `text` to `p`, creating its folders (test cases laid out as real input trees).
// Replaces the first `from` in `file` by `to`; false (file unchanged) when absent.
inline bool replace_in_file(const std::filesystem::path& file, const std::string& from, const std::string& to) {
    std::string text = slurp(file);
    const auto at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
    return true;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

}  // namespace migflow::test
