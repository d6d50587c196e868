// Small helpers over the HDF5 C++ API: typed attributes, 1-D datasets, string arrays.
#include "output/hdf5_util.hpp"

#include <algorithm>
#include <cstring>

namespace migflow::detail {

H5::StrType utf8_vlen_type() {
    H5::StrType t(H5::PredType::C_S1, H5T_VARIABLE);
    t.setCset(H5T_CSET_UTF8);
    return t;
}

namespace {

// The last `error message = '...'` (an errno text from a system call) on the stack.
herr_t find_system_reason(unsigned, const H5E_error2_t* err, void* out) {
    if (err == nullptr || err->desc == nullptr) return 0;
    const std::string desc = err->desc;
    const std::string tag = "error message = '";
    const auto at = desc.find(tag);
    if (at == std::string::npos) return 0;
    const auto end = desc.find('\'', at + tag.size());
    *static_cast<std::string*>(out) = desc.substr(at + tag.size(), end == std::string::npos ? end : end - at - tag.size());
    return 0;
}

}  // namespace

std::string hdf5_action(const H5::Exception& e) {
    // Users are told what failed in their terms, never an HDF5 function's name.
    const std::string detail = e.getFuncName() + " " + e.getDetailMsg();
    const auto has = [&](const char* what) { return detail.find(what) != std::string::npos; };
    if (has("H5Fcreate") || has("H5File::H5File")) return "the file could not be created or opened";
    // Closing a dataset or the file flushes what HDF5 still holds of it.
    if (has("close") || has("flush") || has("Flush")) return "the file could not be finished";
    if (has("H5Dwrite") || has("H5Dset_extent") || has("H5Dextend") || has("write")) return "data could not be written";
    if (has("H5Dread") || has("read")) return "data could not be read";
    if (has("H5Dcreate") || has("H5Gcreate") || has("H5Acreate") || has("create"))
        return "an object could not be created in the file";
    if (has("H5A") || has("Attr") || has("attr")) return "an attribute could not be read";
    if (has("H5Dopen") || has("H5Gopen") || has("H5Oopen") || has("open") || has("Open"))
        return "an object of the file could not be opened";
    return "the HDF5 library failed";
}

std::string hdf5_failure(const H5::Exception& e, int saved_errno) {
    std::string reason;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_system_reason, &reason);
    if (reason.empty() && saved_errno != 0) reason = std::strerror(saved_errno);
    std::string out = hdf5_action(e);
    if (!reason.empty()) out += " (" + reason + ")";
    return out;
}

namespace {

// Replace rather than fail, so that finish() may rewrite an attribute set in begin().
H5::Attribute fresh_attr(H5::H5Object& obj, const std::string& name, const H5::DataType& type) {
    if (obj.attrExists(name)) obj.removeAttr(name);
    return obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
}

template <class T>
void set_scalar(H5::H5Object& obj, const std::string& name, T value) {
    H5::Attribute a = fresh_attr(obj, name, h5_type<T>());
    a.write(h5_type<T>(), &value);
}

}  // namespace

void set_attr(H5::H5Object& obj, const std::string& name, const std::string& value) {
    const H5::StrType t = utf8_vlen_type();
    H5::Attribute a = fresh_attr(obj, name, t);
    a.write(t, value);
}

void set_attr(H5::H5Object& obj, const std::string& name, const char* value) {
    set_attr(obj, name, std::string(value));
}

void set_attr(H5::H5Object& obj, const std::string& name, double value) {
    set_scalar(obj, name, value);
}

void set_attr(H5::H5Object& obj, const std::string& name, std::int64_t value) {
    set_scalar(obj, name, value);
}

void set_attr(H5::H5Object& obj, const std::string& name, std::uint64_t value) {
    set_scalar(obj, name, value);
}

void set_attr(H5::H5Object& obj, const std::string& name, int value) {
    set_scalar(obj, name, static_cast<std::int64_t>(value));
}

H5::DataSet create_dataset(H5::Group& g, const std::string& name, const H5::DataType& type,
                           const H5::DataSpace& space, H5::DSetCreatPropList plist) {
    if (plist.getLayout() == H5D_CHUNKED) plist.setFletcher32();
    return g.createDataSet(name, type, space, plist);
}

H5::DSetCreatPropList chunked_1d(std::size_t n, std::size_t max_chunk) {
    H5::DSetCreatPropList plist;
    if (n > 0) {
        hsize_t chunk[1] = {std::min(n, max_chunk)};
        plist.setChunk(1, chunk);
    }
    return plist;
}

void describe(H5::DataSet& ds, const std::string& units, const std::string& description) {
    set_attr(ds, "units", units);
    set_attr(ds, "description", description);
}

void write_strings(H5::Group& g, const std::string& name, const std::vector<std::string>& v,
                   const std::string& units, const std::string& description) {
    std::size_t len = 1;  // HDF5 refuses zero-length string types
    for (const auto& s : v) len = std::max(len, s.size());
    H5::StrType t(H5::PredType::C_S1, len);
    t.setCset(H5T_CSET_UTF8);
    t.setStrpad(H5T_STR_NULLPAD);
    std::vector<char> buf(v.size() * len, '\0');
    for (std::size_t i = 0; i < v.size(); ++i) std::memcpy(&buf[i * len], v[i].data(), v[i].size());
    hsize_t dims[1] = {v.size()};
    H5::DataSpace space(1, dims);
    H5::DataSet ds = create_dataset(g, name, t, space, chunked_1d(v.size()));
    if (!v.empty()) ds.write(buf.data(), t);
    describe(ds, units, description);
}

bool has_attr(const H5::H5Object& obj, const std::string& name) { return obj.attrExists(name); }

std::string read_string_attr(const H5::H5Object& obj, const std::string& name) {
    H5::Attribute a = obj.openAttribute(name);
    H5::StrType t = a.getStrType();
    std::string out;
    a.read(t, out);
    // Fixed-length strings may carry their padding.
    while (!out.empty() && out.back() == '\0') out.pop_back();
    return out;
}

double read_double_attr(const H5::H5Object& obj, const std::string& name) {
    double v = 0;
    obj.openAttribute(name).read(H5::PredType::NATIVE_DOUBLE, &v);
    return v;
}

std::int64_t read_int_attr(const H5::H5Object& obj, const std::string& name) {
    std::int64_t v = 0;
    obj.openAttribute(name).read(H5::PredType::NATIVE_INT64, &v);
    return v;
}

std::uint64_t read_uint_attr(const H5::H5Object& obj, const std::string& name) {
    std::uint64_t v = 0;
    obj.openAttribute(name).read(H5::PredType::NATIVE_UINT64, &v);
    return v;
}

std::vector<hsize_t> dims_of(const H5::DataSet& ds) {
    H5::DataSpace s = ds.getSpace();
    const int rank = s.getSimpleExtentNdims();
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) s.getSimpleExtentDims(d.data());
    return d;
}

hsize_t chunk_rows(const H5::DataSet& ds) {
    H5::DSetCreatPropList plist = ds.getCreatePlist();
    if (plist.getLayout() != H5D_CHUNKED) return 1;
    const auto rank = dims_of(ds).size();
    std::vector<hsize_t> chunk(std::max<std::size_t>(rank, 1));
    plist.getChunk(static_cast<int>(chunk.size()), chunk.data());
    return std::max<hsize_t>(chunk[0], 1);
}

std::vector<std::string> read_strings(const H5::DataSet& ds) {
    const auto d = dims_of(ds);
    const std::size_t n = d.empty() ? 1 : static_cast<std::size_t>(d[0]);
    std::vector<std::string> out(n);
    if (n == 0) return out;
    H5::StrType t = ds.getStrType();
    if (t.isVariableStr()) {
        std::vector<char*> ptrs(n, nullptr);
        ds.read(ptrs.data(), t);
        for (std::size_t i = 0; i < n; ++i) out[i] = ptrs[i] ? ptrs[i] : "";
        H5::DataSpace space = ds.getSpace();
        H5Dvlen_reclaim(t.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
        return out;
    }
    const std::size_t len = t.getSize();
    std::vector<char> buf(n * len);
    ds.read(buf.data(), t);
    for (std::size_t i = 0; i < n; ++i) {
        const char* p = &buf[i * len];
        out[i].assign(p, strnlen(p, len));
    }
    return out;
}

}  // namespace migflow::detail
