#pragma once
// The one way out (docs/RELIABILITY.md "One way out"): every file a command writes is
// claimed as `PATH.partial`, written, then published by an atomic rename.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "migflow/core/files.hpp"

namespace migflow {

// Refuses `path` (and `path.partial`) when it is one of `inputs` by identity (device and
// inode: links and `..` paths are caught), or lies inside an input that is a folder (a
// Flee case). `what_reads` ends the message: "of this run", "the report reads".
void refuse_input_as_output(const std::string& path, const std::vector<std::string>& inputs,
                            const std::string& what_reads);

// One output file from claim to publication. The constructor refuses a name ending in
// `.partial` and any input (refuse_input_as_output), then claims `path.partial`:
// created exclusively, never through a symbolic link, locked for the claim's life
// (claim_partial_file). publish() checks the `.partial` is still the file claimed,
// fsyncs it, renames it over `path` and fsyncs the folder. A claim destroyed
// unpublished removes its `.partial`: a failure leaves nothing that looks like output.
class OutputClaim {
public:
    OutputClaim(std::string path, const std::vector<std::string>& inputs, const std::string& what_reads);
    ~OutputClaim();
    OutputClaim(const OutputClaim&) = delete;
    OutputClaim& operator=(const OutputClaim&) = delete;
    OutputClaim(OutputClaim&&) = default;

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }
    const std::string& partial() const { return partial_; }
    void publish();

private:
    std::string path_;
    std::string partial_;
    FileHandle fd_;
    bool published_ = false;
};

// Text files written together and published together (an imported or a built case, an
// export's tables): each claimed as an OutputClaim and written through a stream on its
// `.partial`; publish() publishes them only when every one was written whole. Destroyed
// unpublished, it removes every `.partial`.
class ClaimedFiles {
public:
    ClaimedFiles(std::vector<std::string> inputs, std::string what_reads)
        : inputs_(std::move(inputs)), what_reads_(std::move(what_reads)) {}
    // Claims `path` and returns the stream that writes its `.partial`.
    std::ostream& open(const std::string& path);
    void publish();
    std::vector<std::string> paths() const;

private:
    struct File {
        OutputClaim claim;
        std::ofstream out;
    };
    std::vector<std::string> inputs_;
    std::string what_reads_;
    std::vector<std::unique_ptr<File>> files_;
};

}  // namespace migflow
