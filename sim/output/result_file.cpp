// Reading a result file through one guarded door (result_file.hpp).
#include "output/result_file.hpp"

#include <algorithm>
#include <filesystem>

#include "migflow/output/result_check.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_header.hpp"

namespace migflow::detail {

namespace {

// H5Lvisit callback: stops at the first link that leads outside the file (external or
// user-defined), whose name it keeps.
herr_t find_outside_link(hid_t, const char* name, const H5L_info_t* info, void* found) {
    if (info->type == H5L_TYPE_HARD || info->type == H5L_TYPE_SOFT) return 0;
    *static_cast<std::string*>(found) = name;
    return 1;
}

std::string shape_text(const std::vector<hsize_t>& d) {
    std::string s = "[";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? " x " : "") + std::to_string(d[i]);
    return s + "]";
}

}  // namespace

const char* kind_name(ResultKind kind) {
    switch (kind) {
        case ResultKind::ensemble: return "ensemble";
        case ResultKind::comparison: return "comparison";
        case ResultKind::checkpoint: return "checkpoint";
        default: return "run";
    }
}

ResultFile::ResultFile(const std::string& path) : path_(path), crash_guard_(path) {
    H5::Exception::dontPrint();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail("no such file");
    bytes_ = std::filesystem::file_size(path, ec);
    // The seal first: HDF5 must never parse a damaged file (it may crash or loop on one).
    const ResultCheck check = check_result_file(path);
    if (!check.usable())
        fail((check.status == ResultCheck::Status::foreign ? "not a migflow result file: " : "damaged result file: ") +
             check.message);
    sealed_ = check.status == ResultCheck::Status::sealed;
    try {
        if (!H5::H5File::isHdf5(path)) fail("not an HDF5 file");
        file_.openFile(path, H5F_ACC_RDONLY);
        const H5::Group top = root();
        if (has("/comparison")) kind_ = ResultKind::comparison;
        else if (has("/ensemble")) kind_ = ResultKind::ensemble;
        else if (has("/checkpoint")) kind_ = ResultKind::checkpoint;
        else if (!has("/series")) fail("not a migflow result file (no schema_version or /series)");
        if (!detail::has_attr(top, "schema_version")) fail("not a migflow result file (no schema_version or /series)");
        if (!detail::has_attr(top, "complete") || read_int_attr(top, "complete") != 1)
            fail("incomplete result file (no complete=1 attribute): the run did not finish");
        // migflow writes no link to another file; following one could read any file (or
        // hang on a FIFO), so a file that has one is not read at all.
        std::string outside;
        if (H5Lvisit(file_.getId(), H5_INDEX_NAME, H5_ITER_NATIVE, find_outside_link, &outside) < 0)
            fail("not a readable migflow result file (its links cannot be listed)");
        if (!outside.empty()) fail("/" + outside + " links to another file; a migflow result file has no such link");
    } catch (const H5::Exception& e) {
        fail("not a readable migflow result file (" + hdf5_action(e) + ": damaged, or not written by migflow)");
    }
}

ResultFile::~ResultFile() {
    try {
        close();
    } catch (...) {
        // A reader's close cannot lose data; the error was already the reader's to see.
    }
}

void ResultFile::close() {
    if (file_.getId() < 0) return;
    try {
        file_.close();
    } catch (const H5::Exception& e) {
        fail("cannot close: " + hdf5_failure(e));
    }
}

void ResultFile::fail(const std::string& why) const { throw ResultFileError(path_ + ": " + why); }

bool ResultFile::has_attr(const std::string& name) const { return detail::has_attr(root(), name); }
std::string ResultFile::text(const std::string& attr) const { return read_string_attr(root(), attr); }
std::int64_t ResultFile::integer(const std::string& attr) const { return read_int_attr(root(), attr); }
std::uint64_t ResultFile::unsigned_integer(const std::string& attr) const { return read_uint_attr(root(), attr); }
double ResultFile::number(const std::string& attr) const { return read_double_attr(root(), attr); }
std::vector<BuildItem> ResultFile::build() const { return read_build_attributes(root()); }

hsize_t ResultFile::length(const std::string& dataset) const {
    const auto d = dims_of(file_.openDataSet(dataset));
    if (d.size() != 1) fail(dataset + " is not one-dimensional");
    if (d[0] > bytes_) fail(dataset + " claims more entries than the file has bytes");
    return d[0];
}

H5::DataSet ResultFile::shaped(const std::string& dataset, const std::vector<hsize_t>& want) const {
    H5::DataSet ds = file_.openDataSet(dataset);
    const auto got = dims_of(ds);
    if (got != want) fail(dataset + " has shape " + shape_text(got) + ", expected " + shape_text(want));
    hsize_t n = 1;
    for (hsize_t x : got) n = x == 0 ? 0 : (n > bytes_ / x ? bytes_ + 1 : n * x);
    if (got.size() == 1 && n > bytes_ / std::max<std::size_t>(ds.getDataType().getSize(), 1))
        fail(dataset + " claims more data than the file holds");
    return ds;
}

}  // namespace migflow::detail
