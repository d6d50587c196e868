// Finding and running the scripts of analysis/ (python_script.hpp).
#include "cli/python_script.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#ifndef MIGFLOW_ANALYSIS_DIR
#define MIGFLOW_ANALYSIS_DIR ""
#endif

namespace migflow::cli {

namespace {

std::string python_env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

}  // namespace

std::string find_analysis_script(const std::string& name) {
    if (const char* env = std::getenv("MIGFLOW_ANALYSIS_DIR"); env != nullptr && *env != '\0') {
        const auto script = std::filesystem::path(env) / name;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(script, ec))
            throw std::runtime_error("cannot find " + name + " in '" + std::string(env) +
                                     "'; set MIGFLOW_ANALYSIS_DIR to migflow's analysis/ folder");
        return script.string();
    }
    std::vector<std::filesystem::path> dirs;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "migflow" / "analysis");
    if (*MIGFLOW_ANALYSIS_DIR != '\0') dirs.emplace_back(MIGFLOW_ANALYSIS_DIR);
    std::string tried;
    for (const auto& d : dirs) {
        if (std::filesystem::is_regular_file(d / name, ec)) return (d / name).string();
        tried += (tried.empty() ? "" : ", ") + d.string();
    }
    throw std::runtime_error("cannot find " + name + " (looked in " + tried +
                             "); set MIGFLOW_ANALYSIS_DIR to migflow's analysis/ folder");
}

int run_analysis_python(const std::vector<std::string>& args, const std::string& command, int out_fd) {
    const std::string python = python_env_or("MIGFLOW_PYTHON", "/usr/bin/python3");
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(python.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::cout.flush();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot start ") + python + ": " + std::strerror(errno));
    if (pid == 0) {
        if (out_fd >= 0 && ::dup2(out_fd, STDOUT_FILENO) < 0) _exit(127);
        execv(python.c_str(), argv.data());
        std::cerr << command << ": cannot run " << python << ": " << std::strerror(errno)
                  << " (set MIGFLOW_PYTHON to a Python 3 with h5py, numpy, matplotlib and yaml)\n";
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("waiting for ") + python + ": " + std::strerror(errno));
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    std::cerr << command << ": the script (" << python << ") ended by signal " << WTERMSIG(status)
              << " while reading its input: a result file damaged in a way its seal does not show, or a fault "
                 "in Python's HDF5 library\n";
    return 1;
}

}  // namespace migflow::cli
