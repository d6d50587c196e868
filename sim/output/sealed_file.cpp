// One result file from creation to publication: see sealed_file.hpp.
#include "output/sealed_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>

#include "output/hdf5_util.hpp"
#include "output/result_seal.hpp"

namespace migflow::detail {

SealedFile::~SealedFile() {
    if (published_ || !created_) return;
    // Unfinished (an exception during the run): the claim removes the partial file.
    static_cast<void>(close());
}

void SealedFile::create(const std::vector<std::string>& inputs) {
    H5::Exception::dontPrint();
    claim_.emplace(path_, inputs, "of this run");
    created_ = true;  // from here on the destructor removes the partial file
    errno = 0;        // HDF5's clean-up may clear its error stack: errno keeps the reason
    try {
        H5::FileCreatPropList fcpl;
        fcpl.setUserblock(seal_bytes);
        // The file exists (claimed above, empty): HDF5 opens it by name and truncates it.
        file_ = std::make_unique<H5::H5File>(partial_, H5F_ACC_TRUNC, fcpl);
    } catch (const H5::Exception& e) {
        throw std::runtime_error("cannot create output file " + partial_ + ": " + hdf5_failure(e, errno));
    }
    struct stat by_fd {}, by_name {};
    if (::fstat(claim_->fd(), &by_fd) != 0 || ::lstat(partial_.c_str(), &by_name) != 0 ||
        by_fd.st_ino != by_name.st_ino || by_fd.st_dev != by_name.st_dev)
        throw std::runtime_error("cannot create output file " + partial_ + ": it was replaced while being created");
}

std::optional<std::string> SealedFile::close() {
    if (!file_) return std::nullopt;
    try {
        file_->close();
    } catch (const H5::Exception& e) {
        // Closing it again (its destructor would) crashes inside HDF5: let it go.
        hdf5_close_failed_flag() = true;
        static_cast<void>(file_.release());
        return hdf5_failure(e);
    }
    file_.reset();
    return std::nullopt;
}

void SealedFile::publish() {
    if (file_) throw std::logic_error("SealedFile: publish() before close()");
    seal_result_file(claim_->fd(), partial_);
    claim_->publish();
    published_ = true;
}

}  // namespace migflow::detail
