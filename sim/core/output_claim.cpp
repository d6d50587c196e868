// One file a command writes, from claim to publication: see output_claim.hpp.
#include "migflow/core/output_claim.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace migflow {

namespace {

namespace fs = std::filesystem;

// The folder `dir` holds `path` (at any depth), judged on canonical paths so that
// `case/../case/x` and links into the folder are caught.
bool lies_inside(const std::string& path, const std::string& dir) {
    std::error_code ec;
    const fs::path d = fs::canonical(dir, ec);
    if (ec) return false;
    const fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) return false;
    auto pi = p.begin();
    for (auto di = d.begin(); di != d.end(); ++di, ++pi)
        if (pi == p.end() || *pi != *di) return false;
    return pi != p.end();
}

}  // namespace

void refuse_input_as_output(const std::string& path, const std::vector<std::string>& inputs,
                            const std::string& what_reads) {
    const std::string partial = path + ".partial";
    for (const std::string& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            if (lies_inside(path, in))
                throw std::runtime_error("the output file " + path + " lies inside " + in + ", an input folder " + what_reads +
                                         "; write it somewhere else");
            continue;
        }
        for (const std::string* out : {&path, &partial})
            if (same_file(*out, in))
                throw std::runtime_error("the output file " + *out + " is an input " + what_reads + " (" + in +
                                         "); choose another output file");
    }
}

OutputClaim::OutputClaim(std::string path, const std::vector<std::string>& inputs, const std::string& what_reads)
    : path_(std::move(path)), partial_(path_ + ".partial") {
    // `X.partial` is the name another writer gives its X while writing it: two commands
    // would then write one file and both report success.
    if (path_.ends_with(".partial"))
        throw std::runtime_error("the output file " + path_ +
                                 " ends in .partial, the name migflow gives a file while writing it; choose another name");
    refuse_input_as_output(path_, inputs, what_reads);
    fd_ = claim_partial_file(partial_);
}

OutputClaim::~OutputClaim() {
    if (!published_ && fd_) remove_if_same(partial_, fd_.get());
}

void OutputClaim::publish() {
    struct stat by_fd {}, by_name {};
    if (::fstat(fd_.get(), &by_fd) != 0 || ::lstat(partial_.c_str(), &by_name) != 0 ||
        by_fd.st_ino != by_name.st_ino || by_fd.st_dev != by_name.st_dev)
        throw std::runtime_error("cannot publish " + path_ + ": " + partial_ + " was replaced while being written");
    sync_file(fd_.get(), partial_);
    if (::rename(partial_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error("cannot rename " + partial_ + " to " + path_ + ": " + creation_error(path_, errno));
    published_ = true;
    fd_.close();
    sync_directory_of(path_);
}

std::ostream& ClaimedFiles::open(const std::string& path) {
    auto f = std::make_unique<File>(File{OutputClaim(path, inputs_, what_reads_), std::ofstream()});
    f->out.open(f->claim.partial(), std::ios::binary | std::ios::trunc);
    if (!f->out) throw std::runtime_error("cannot write " + f->claim.partial());
    files_.push_back(std::move(f));
    return files_.back()->out;
}

void ClaimedFiles::publish() {
    for (auto& f : files_) {
        f->out.close();
        if (!f->out) throw std::runtime_error("cannot write " + f->claim.path() + ": " + std::strerror(errno));
    }
    for (auto& f : files_) f->claim.publish();
}

std::vector<std::string> ClaimedFiles::paths() const {
    std::vector<std::string> out;
    for (const auto& f : files_) out.push_back(f->claim.path());
    return out;
}

}  // namespace migflow
