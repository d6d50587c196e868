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
    // Unfinished (an exception during the run): leave nothing that looks like output.
    static_cast<void>(close());
    remove_if_same(partial_, partial_fd_.get());
}

void SealedFile::create(const std::vector<std::string>& inputs) {
    H5::Exception::dontPrint();
    // `X.partial` is the name another writer gives its X while writing it: two runs
    // would then write one file and both report success.
    if (path_.ends_with(".partial"))
        throw std::runtime_error("the output file " + path_ +
                                 " ends in .partial, the name migflow gives a file while writing it; choose another name");
    for (const std::string& in : inputs)
        for (const std::string* out : {&path_, &partial_})
            if (same_file(*out, in))
                throw std::runtime_error("the output file " + *out + " is an input of this run (" + in +
                                         "); choose another output file");
    partial_fd_ = claim_partial_file(partial_);
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
    if (::fstat(partial_fd_.get(), &by_fd) != 0 || ::lstat(partial_.c_str(), &by_name) != 0 ||
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
    seal_result_file(partial_fd_.get(), partial_);
    if (::rename(partial_.c_str(), path_.c_str()) != 0)
        throw std::runtime_error("cannot rename " + partial_ + " to " + path_ + ": " + creation_error(path_, errno));
    published_ = true;
    partial_fd_.close();
    sync_directory_of(path_);
}

}  // namespace migflow::detail
