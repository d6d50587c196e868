// A sweep as concurrent shard processes, then merged (sweep_jobs.hpp).
#include "cli/sweep_jobs.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cli/stop_signals.hpp"
#include "migflow/sweep/plan.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct JobChild {
    pid_t pid = -1;
    int status = 0;
    bool running = false;
    std::string log;
};

// The child: its own process group, so that a Ctrl-C at the terminal reaches the parent
// alone and is forwarded once (a second signal would end a shard at once).
pid_t start_shard(const std::string& exe, const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("cannot start a shard process: ") + std::strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) dup2(fd, 1), dup2(fd, 2), close(fd);
        execv(exe.c_str(), argv.data());
        std::fprintf(stderr, "migflow sweep --jobs: cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
        _exit(127);
    }
    return pid;
}

std::string last_lines(const std::string& path, std::size_t n) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::string out;
    for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += "  " + lines[i] + "\n";
    return out;
}

}  // namespace

int sweep_in_jobs(const std::string& file, const SweepOptions& o, int jobs) {
    const SweepSpec spec = load_sweep(file);  // the file's own mistakes once, before any child
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("--jobs: cannot find this program's path (/proc/self/exe): " + ec.message());
    fs::create_directories(spec.output_dir);
    std::vector<JobChild> kids(static_cast<std::size_t>(jobs));
    const auto start = std::chrono::steady_clock::now();
    for (int k = 0; k < jobs; ++k) {
        JobChild& c = kids[static_cast<std::size_t>(k)];
        c.log = spec.output_dir + "/sweep.shard-" + std::to_string(k) + "-of-" + std::to_string(jobs) + ".log";
        std::vector<std::string> args = {"sweep", file, "--shard", std::to_string(k) + "/" + std::to_string(jobs),
                                         "--threads", std::to_string(o.threads)};
        if (o.resume) args.emplace_back("--resume");
        if (o.overwrite) args.emplace_back("--overwrite");
        c.pid = start_shard(exe.string(), args, c.log);
        c.running = true;
    }
    std::fprintf(stderr, "sweep: %d shard processes of %d thread(s) each (logs: %s/sweep.shard-K-of-%d.log)\n", jobs,
                 o.threads, spec.output_dir.c_str(), jobs);
    // SA_RESTART handlers: poll the children and the stop flag rather than block in waitpid.
    int forwarded = 0, left = jobs;
    while (left > 0) {
        for (JobChild& c : kids)
            if (c.running && waitpid(c.pid, &c.status, WNOHANG) == c.pid) c.running = false, --left;
        const int sig = o.stop ? o.stop->load() : 0;
        if (sig != 0 && forwarded == 0) {
            forwarded = sig;
            for (const JobChild& c : kids)
                if (c.running) kill(c.pid, sig);
        }
        if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int failed = 0, stopped = forwarded;
    for (std::size_t k = 0; k < kids.size(); ++k) {
        const int st = kids[k].status;
        const int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (code == 0) continue;
        if (code > 128 && code < 160) {
            stopped = stopped ? stopped : code - 128;
            continue;
        }
        if (failed++ == 0)
            std::fprintf(stderr, "migflow: shard %zu/%d failed (exit %d); the end of %s:\n%s", k, jobs, code,
                         kids[k].log.c_str(), last_lines(kids[k].log, 6).c_str());
        else
            std::fprintf(stderr, "migflow: shard %zu/%d failed too (exit %d): %s\n", k, jobs, code, kids[k].log.c_str());
    }
    if (failed > 0) return 1;
    if (stopped != 0) {
        std::fprintf(stderr, "migflow: sweep stopped by %s; the shards kept what finished (their logs: %s); "
                             "`migflow sweep %s --jobs %d --resume` runs the rest\n",
                     signal_name(stopped).c_str(), spec.output_dir.c_str(), file.c_str(), jobs);
        return stopped_exit_code(stopped);
    }
    std::printf("sweep: %d shard(s) finished in %.1f s\n", jobs, wall);
    merge_sweep_shards(file);
    return 0;
}

}  // namespace migflow::cli
