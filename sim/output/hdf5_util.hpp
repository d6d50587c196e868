#pragma once
// Small helpers over the HDF5 C++ API shared by the recorder and `migflow info`:
// typed attributes, 1-D datasets with units, string arrays h5py and h5dump read.
// Internal to the library (sim/), not a public header.
#include <H5Cpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace migflow::detail {

// Set when HDF5 failed to close a file (see hdf5_close_failed() in recorder.hpp).
inline bool& hdf5_close_failed_flag() {
    static bool failed = false;
    return failed;
}

// What failed and why, for a message: what was being done in user terms (hdf5_action) plus the system's
// reason from the bottom of HDF5's error stack ("No space left on device"), when there
// is one. Call it in the catch block, before any other HDF5 call clears the stack.
// `saved_errno` (errno right after the failed call, 0 if unknown) is the fallback reason
// when HDF5's stack has none (it is cleared by the C++ API's own clean-up on some paths).
std::string hdf5_failure(const H5::Exception& e, int saved_errno = 0);
// What an HDF5 call that failed was doing, in a user's terms ("data could not be read").
std::string hdf5_action(const H5::Exception& e);

// HDF5 types of the values we store, in the file's (native little-endian) layout.
template <class T>
const H5::PredType& h5_type();
template <>
inline const H5::PredType& h5_type<double>() { return H5::PredType::NATIVE_DOUBLE; }
template <>
inline const H5::PredType& h5_type<std::int64_t>() { return H5::PredType::NATIVE_INT64; }
template <>
inline const H5::PredType& h5_type<float>() { return H5::PredType::NATIVE_FLOAT; }
template <>
inline const H5::PredType& h5_type<std::int32_t>() { return H5::PredType::NATIVE_INT32; }
template <>
inline const H5::PredType& h5_type<std::uint64_t>() { return H5::PredType::NATIVE_UINT64; }
template <>
inline const H5::PredType& h5_type<std::uint8_t>() { return H5::PredType::NATIVE_UINT8; }

// Variable-length UTF-8 string type: h5py reads attributes of this type as `str`.
H5::StrType utf8_vlen_type();

// Scalar attributes (created, or replaced when they already exist).
void set_attr(H5::H5Object& obj, const std::string& name, const std::string& value);
void set_attr(H5::H5Object& obj, const std::string& name, const char* value);
void set_attr(H5::H5Object& obj, const std::string& name, double value);
void set_attr(H5::H5Object& obj, const std::string& name, std::int64_t value);
void set_attr(H5::H5Object& obj, const std::string& name, std::uint64_t value);
void set_attr(H5::H5Object& obj, const std::string& name, int value);

// Every dataset of a result file is created here. Chunked datasets get HDF5's Fletcher-32
// checksum, so a changed byte in their data is a read error, never a wrong number;
// `plist` may set chunks and compression first. 1-D data one writes whole gets chunks
// from chunked_1d().
H5::DataSet create_dataset(H5::Group& g, const std::string& name, const H5::DataType& type,
                           const H5::DataSpace& space, H5::DSetCreatPropList plist = H5::DSetCreatPropList());

// A creation property list with chunks of up to `max_chunk` entries for a 1-D dataset of
// `n` entries (contiguous when n == 0: HDF5 refuses empty chunks).
H5::DSetCreatPropList chunked_1d(std::size_t n, std::size_t max_chunk = 1 << 16);

// Every dataset says what it holds.
void describe(H5::DataSet& ds, const std::string& units, const std::string& description);

// 1-D datasets written whole (small: per region, per route, per day).
template <class T>
void write_vector(H5::Group& g, const std::string& name, const std::vector<T>& v,
                  const std::string& units, const std::string& description) {
    hsize_t dims[1] = {v.size()};
    H5::DataSpace space(1, dims);
    H5::DataSet ds = create_dataset(g, name, h5_type<T>(), space, chunked_1d(v.size()));
    if (!v.empty()) ds.write(v.data(), h5_type<T>());
    describe(ds, units, description);
}

// Fixed-length UTF-8 strings (null padded), as long as the longest entry.
void write_strings(H5::Group& g, const std::string& name, const std::vector<std::string>& v,
                   const std::string& units, const std::string& description);

// Reading back (for `migflow info` and tests).
bool has_attr(const H5::H5Object& obj, const std::string& name);
std::string read_string_attr(const H5::H5Object& obj, const std::string& name);
double read_double_attr(const H5::H5Object& obj, const std::string& name);
std::int64_t read_int_attr(const H5::H5Object& obj, const std::string& name);
std::uint64_t read_uint_attr(const H5::H5Object& obj, const std::string& name);
std::vector<std::string> read_strings(const H5::DataSet& ds);  // fixed or variable length
std::vector<hsize_t> dims_of(const H5::DataSet& ds);

template <class T>
std::vector<T> read_vector(const H5::DataSet& ds) {
    const auto d = dims_of(ds);
    std::size_t n = 1;
    for (hsize_t x : d) n *= static_cast<std::size_t>(x);
    std::vector<T> out(n);
    if (n > 0) ds.read(out.data(), h5_type<T>());
    return out;
}

// Rows [row0, row0 + n) of a 2-D dataset [rows x cols], row-major.
template <class T>
std::vector<T> read_rows(const H5::DataSet& ds, hsize_t row0, hsize_t n) {
    const auto d = dims_of(ds);
    std::vector<T> out(static_cast<std::size_t>(n * d.at(1)));
    if (out.empty()) return out;
    H5::DataSpace file_space = ds.getSpace();
    hsize_t start[2] = {row0, 0};
    hsize_t count[2] = {n, d[1]};
    file_space.selectHyperslab(H5S_SELECT_SET, count, start);
    H5::DataSpace mem_space(2, count);
    ds.read(out.data(), h5_type<T>(), mem_space, file_space);
    return out;
}

template <class T>
std::vector<T> read_row(const H5::DataSet& ds, hsize_t row) {
    return read_rows<T>(ds, row, 1);
}

// Rows per chunk along the first dimension (1 for contiguous datasets): reading whole
// chunks of rows at a time decompresses each chunk once.
hsize_t chunk_rows(const H5::DataSet& ds);

}  // namespace migflow::detail
