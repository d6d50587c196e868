#pragma once
// One way into a result file (docs/OUTPUT.md) for every reader: `info`, `export`,
// `rerun`, the checks `report` makes before Python opens the file, and a sweep's index.
// Opening checks the seal before HDF5 parses a byte, then that the file is a complete
// migflow result, and says which kind it is. Datasets are opened with their shapes
// checked against the rest of the file, so a damaged unsealed file can never make a
// reader allocate from its numbers. The file is closed explicitly, errors reported.
#include <H5Cpp.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "migflow/core/build_info.hpp"
#include "output/crash_guard.hpp"

namespace migflow::detail {

enum class ResultKind {
    run,         // one simulation: /series
    ensemble,    // `run --replicates`: /ensemble bands and per-replicate outcomes
    comparison,  // `compare`: /comparison/{baseline,scenario,difference}
    checkpoint,  // `run --checkpoint`: /checkpoint, a run's state to continue from
};

// The file is not a complete, readable migflow result; what() is "PATH: why".
class ResultFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ResultFile {
public:
    // Throws ResultFileError: no such file, damaged or foreign (the seal), not HDF5, not
    // a migflow result, incomplete (a run that did not finish), or holding a link to
    // another file (external links are never followed).
    explicit ResultFile(const std::string& path);
    ~ResultFile();
    ResultFile(const ResultFile&) = delete;
    ResultFile& operator=(const ResultFile&) = delete;

    const std::string& path() const { return path_; }
    ResultKind kind() const { return kind_; }
    bool banded() const { return kind_ == ResultKind::ensemble || kind_ == ResultKind::comparison; }
    // False for a plain HDF5 file without migflow's seal (an older migflow, another tool).
    bool sealed() const { return sealed_; }
    const H5::H5File& h5() const { return file_; }
    H5::Group root() const { return file_.openGroup("/"); }

    bool has(const std::string& object) const { return file_.nameExists(object); }
    bool has_attr(const std::string& name) const;  // root attributes
    std::string text(const std::string& attr) const;
    std::int64_t integer(const std::string& attr) const;
    std::uint64_t unsigned_integer(const std::string& attr) const;
    double number(const std::string& attr) const;
    // The build_* attributes (build_info.hpp); empty for files older than them.
    std::vector<BuildItem> build() const;

    // The length of a 1-D dataset, bounded by the file's size.
    hsize_t length(const std::string& dataset) const;
    // A dataset whose shape must be `want`; throws ResultFileError otherwise, or when a
    // 1-D dataset claims more bytes than the file has.
    H5::DataSet shaped(const std::string& dataset, const std::vector<hsize_t>& want) const;

    // Closes now; throws ResultFileError when HDF5 fails to (so no destructor has to).
    void close();

private:
    [[noreturn]] void fail(const std::string& why) const;
    std::string path_;
    ReadCrashGuard crash_guard_;  // first in, last out: covers every HDF5 call on the file
    std::uintmax_t bytes_ = 0;
    H5::H5File file_;
    ResultKind kind_ = ResultKind::run;
    bool sealed_ = false;
};

const char* kind_name(ResultKind kind);

}  // namespace migflow::detail
