#pragma once
// One result file from creation to publication (docs/RELIABILITY.md): never over one of
// the run's inputs, written as a locked `.partial`, sealed, fsynced and renamed into place.
#include <H5Cpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migflow/core/output_claim.hpp"

namespace migflow::detail {

class SealedFile {
public:
    explicit SealedFile(std::string path) : path_(std::move(path)), partial_(path_ + ".partial") {}
    ~SealedFile();  // unpublished: closes what it can and removes the `.partial`
    SealedFile(const SealedFile&) = delete;
    SealedFile& operator=(const SealedFile&) = delete;

    // Refuses a path that is one of `inputs` (renaming over it would destroy the file the
    // run was made from), claims the `.partial` and creates the HDF5 file in it.
    void create(const std::vector<std::string>& inputs);
    H5::H5File& file() { return *file_; }
    const std::string& partial() const { return partial_; }
    bool created() const { return created_; }
    bool published() const { return published_; }

    // Closes the HDF5 file; on failure says why (and leaks the file: HDF5 would crash
    // closing it again; hdf5_close_failed() tells main to skip HDF5's exit handler).
    std::optional<std::string> close();
    // After close(): the seal (CRC-32 in the user block), fsync, rename, fsync of the directory.
    void publish();

private:
    std::string path_;
    std::string partial_;
    std::optional<OutputClaim> claim_;  // its lock tells other runs the partial is in use
    std::unique_ptr<H5::H5File> file_;
    bool created_ = false;
    bool published_ = false;
};

}  // namespace migflow::detail
