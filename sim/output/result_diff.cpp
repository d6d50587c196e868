// Two result files compared object by object (result_diff.hpp).
#include "output/result_diff.hpp"

#include <H5Cpp.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "output/result_file.hpp"

namespace migflow::detail {

// Helpers in a namespace of their own: this file compiles in a unity batch with others.
namespace file_diff {

// Closes an HDF5 C handle on every path out.
class Handle {
public:
    Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    ~Handle() {
        if (id_ >= 0) close_(id_);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    hid_t get() const { return id_; }

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

enum class ObjectKind { group, dataset, other };

// Every object below `g`, by absolute path.
void list_objects(const H5::Group& g, const std::string& prefix, std::map<std::string, ObjectKind>& out) {
    for (hsize_t i = 0; i < g.getNumObjs(); ++i) {
        const std::string name = g.getObjnameByIdx(i);
        const std::string path = prefix + "/" + name;
        switch (g.childObjType(name)) {
            case H5O_TYPE_GROUP:
                out[path] = ObjectKind::group;
                list_objects(g.openGroup(name), path, out);
                break;
            case H5O_TYPE_DATASET: out[path] = ObjectKind::dataset; break;
            default: out[path] = ObjectKind::other; break;
        }
    }
}

const char* kind_word(ObjectKind k) {
    return k == ObjectKind::group ? "a group" : k == ObjectKind::dataset ? "a dataset" : "a named type";
}

std::vector<hsize_t> extent(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, d.data(), nullptr);
    return d;
}

std::string shape_words(const std::vector<hsize_t>& d) {
    if (d.empty()) return "scalar";
    std::string s = "[";
    for (std::size_t i = 0; i < d.size(); ++i) s += (i ? " x " : "") + std::to_string(d[i]);
    return s + "]";
}

// Element `flat` of an array of shape `d` as "[i, j]".
std::string index_words(std::uint64_t flat, const std::vector<hsize_t>& d) {
    if (d.empty()) return "";
    std::vector<std::uint64_t> idx(d.size());
    for (std::size_t k = d.size(); k-- > 0;) {
        idx[k] = d[k] ? flat % d[k] : 0;
        flat = d[k] ? flat / d[k] : 0;
    }
    std::string s = " at [";
    for (std::size_t k = 0; k < idx.size(); ++k) s += (k ? ", " : "") + std::to_string(idx[k]);
    return s + "]";
}

template <class T>
std::string integer_text(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return std::to_string(v);
}

// One element of a native-typed buffer, as text.
std::string element_text(hid_t memtype, const unsigned char* p) {
    const std::size_t size = H5Tget_size(memtype);
    char buf[64];
    switch (H5Tget_class(memtype)) {
        case H5T_INTEGER: {
            const bool is_signed = H5Tget_sign(memtype) == H5T_SGN_2;
            if (size == 1) return is_signed ? integer_text<std::int8_t>(p) : integer_text<std::uint8_t>(p);
            if (size == 2) return is_signed ? integer_text<std::int16_t>(p) : integer_text<std::uint16_t>(p);
            if (size == 4) return is_signed ? integer_text<std::int32_t>(p) : integer_text<std::uint32_t>(p);
            if (size == 8) return is_signed ? integer_text<std::int64_t>(p) : integer_text<std::uint64_t>(p);
            return "(" + std::to_string(size) + "-byte integer)";
        }
        case H5T_FLOAT:
            if (size == 8) {
                double v;
                std::memcpy(&v, p, sizeof v);
                std::snprintf(buf, sizeof buf, "%.17g", v);
            } else if (size == 4) {
                float v;
                std::memcpy(&v, p, sizeof v);
                std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
            } else {
                return "(" + std::to_string(size) + "-byte float)";
            }
            return buf;
        case H5T_STRING: return "\"" + std::string(reinterpret_cast<const char*>(p), strnlen(reinterpret_cast<const char*>(p), size)) + "\"";
        default: return "(" + std::to_string(size) + " bytes)";
    }
}

// How to read one dataset or attribute: its file type, extent and read call.
struct Readable {
    hid_t id;
    bool attribute;
    hid_t file_type() const { return attribute ? H5Aget_type(id) : H5Dget_type(id); }
    hid_t space() const { return attribute ? H5Aget_space(id) : H5Dget_space(id); }
    herr_t read(hid_t memtype, hid_t memspace, hid_t filespace, void* buf) const {
        return attribute ? H5Aread(id, memtype, buf) : H5Dread(id, memtype, memspace, filespace, H5P_DEFAULT, buf);
    }
};

// Variable-length strings: their bytes in memory are pointers, so they are read as strings.
std::vector<std::string> read_vlen_strings(const Readable& r, hsize_t n) {
    Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memtype.get(), H5T_VARIABLE);
    {
        // HDF5 converts no character set into another: read UTF-8 as UTF-8.
        Handle file_type(r.file_type(), H5Tclose);
        H5Tset_cset(memtype.get(), H5Tget_cset(file_type.get()));
    }
    Handle space(r.space(), H5Sclose);
    std::vector<char*> ptrs(n, nullptr);
    if (r.read(memtype.get(), H5S_ALL, H5S_ALL, ptrs.data()) < 0) throw std::runtime_error("cannot read its strings");
    std::vector<std::string> out;
    out.reserve(n);
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(memtype.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return out;
}

// The path a reference points to, e.g. "/series/region": references are addresses inside
// their own file, so two files are compared by where their references lead.
std::string referenced_path(hid_t file, const hobj_ref_t* ref) {
    const ssize_t n = H5Rget_name(file, H5R_OBJECT, ref, nullptr, 0);
    if (n < 0) return "(dangling reference)";
    std::string name(static_cast<std::size_t>(n) + 1, '\0');
    H5Rget_name(file, H5R_OBJECT, ref, name.data(), name.size());
    name.resize(static_cast<std::size_t>(n));
    return name;
}

// Values that hold object references, as text: the dimension scales' DIMENSION_LIST (a
// variable-length list of references per dimension) and REFERENCE_LIST (reference and
// dimension index pairs). Empty when the type is of another shape.
std::vector<std::string> reference_values(const Readable& r, hsize_t n) {
    Handle file(H5Iget_file_id(r.id), H5Fclose);
    Handle type(r.file_type(), H5Tclose);
    Handle space(r.space(), H5Sclose);
    std::vector<std::string> out;
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls == H5T_VLEN) {
        Handle base(H5Tget_super(type.get()), H5Tclose);
        if (H5Tget_class(base.get()) != H5T_REFERENCE) return out;
        Handle mem(H5Tvlen_create(H5T_STD_REF_OBJ), H5Tclose);
        std::vector<hvl_t> lists(n);
        if (r.read(mem.get(), H5S_ALL, H5S_ALL, lists.data()) < 0) throw std::runtime_error("cannot read its references");
        for (const hvl_t& l : lists) {
            std::string text;
            for (std::size_t k = 0; k < l.len; ++k)
                text += (k ? "," : "") + referenced_path(file.get(), static_cast<const hobj_ref_t*>(l.p) + k);
            out.push_back("[" + text + "]");
        }
        H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, lists.data());
    } else if (cls == H5T_COMPOUND) {
        Handle mem(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
        const std::size_t size = H5Tget_size(mem.get());
        std::vector<unsigned char> buf(n * size, 0);
        if (r.read(mem.get(), H5S_ALL, H5S_ALL, buf.data()) < 0) throw std::runtime_error("cannot read its references");
        const int members = H5Tget_nmembers(mem.get());
        for (hsize_t i = 0; i < n; ++i) {
            std::string text;
            for (int m = 0; m < members; ++m) {
                Handle mt(H5Tget_member_type(mem.get(), static_cast<unsigned>(m)), H5Tclose);
                const unsigned char* at = buf.data() + i * size + H5Tget_member_offset(mem.get(), static_cast<unsigned>(m));
                text += m ? ":" : "";
                if (H5Tget_class(mt.get()) == H5T_REFERENCE) {
                    hobj_ref_t ref;
                    std::memcpy(&ref, at, sizeof ref);
                    text += referenced_path(file.get(), &ref);
                } else {
                    text += element_text(mt.get(), at);
                }
            }
            out.push_back(text);
        }
    }
    return out;
}

std::string describe_type(hid_t t) {
    const char* cls = "type";
    switch (H5Tget_class(t)) {
        case H5T_INTEGER: cls = H5Tget_sign(t) == H5T_SGN_2 ? "int" : "uint"; break;
        case H5T_FLOAT: cls = "float"; break;
        case H5T_STRING: return H5Tis_variable_str(t) > 0 ? "variable-length string" : "string(" + std::to_string(H5Tget_size(t)) + ")";
        case H5T_COMPOUND: cls = "compound"; break;
        default: break;
    }
    return std::string(cls) + std::to_string(8 * H5Tget_size(t));
}

// "" when equal, else what differs: type, shape, or the first differing element.
std::string compare_values(const Readable& a, const Readable& b) {
    Handle ta(a.file_type(), H5Tclose), tb(b.file_type(), H5Tclose);
    if (H5Tequal(ta.get(), tb.get()) <= 0) return "types differ: " + describe_type(ta.get()) + " | " + describe_type(tb.get());
    Handle sa(a.space(), H5Sclose), sb(b.space(), H5Sclose);
    const auto dims = extent(sa.get());
    if (dims != extent(sb.get())) return "shapes differ: " + shape_words(dims) + " | " + shape_words(extent(sb.get()));
    hsize_t n = 1;
    for (hsize_t x : dims) n *= x;
    if (n == 0) return "";
    if (H5Tis_variable_str(ta.get()) > 0) {
        const auto va = read_vlen_strings(a, n), vb = read_vlen_strings(b, n);
        for (hsize_t i = 0; i < n; ++i)
            if (va[i] != vb[i]) return "values differ" + index_words(i, dims) + ": \"" + va[i] + "\" | \"" + vb[i] + "\"";
        return "";
    }
    if (H5Tdetect_class(ta.get(), H5T_REFERENCE) > 0) {
        const auto va = reference_values(a, n), vb = reference_values(b, n);
        if (va.size() != n || vb.size() != n) return "holds references in a layout compare-files does not read";
        for (hsize_t i = 0; i < n; ++i)
            if (va[i] != vb[i]) return "references differ" + index_words(i, dims) + ": " + va[i] + " | " + vb[i];
        return "";
    }
    if (H5Tdetect_class(ta.get(), H5T_VLEN) > 0) return "holds variable-length values, which compare-files does not compare";
    Handle mem(H5Tget_native_type(ta.get(), H5T_DIR_ASCEND), H5Tclose);
    const std::size_t size = H5Tget_size(mem.get());
    // Rows of the first dimension, about 16 MiB of each file at a time.
    const hsize_t row = dims.empty() ? 1 : n / dims[0];
    const hsize_t rows = dims.empty() ? 1 : dims[0];
    // An attribute is read whole (H5Aread has no selection).
    const hsize_t block = a.attribute || dims.empty()
                              ? rows
                              : std::max<hsize_t>(1, (hsize_t(16) << 20) / std::max<hsize_t>(row * size, 1));
    std::vector<unsigned char> ba, bb;
    for (hsize_t start = 0; start < rows; start += block) {
        const hsize_t count = std::min(block, rows - start);
        const std::size_t bytes = static_cast<std::size_t>(count * row * size);
        ba.assign(bytes, 0);
        bb.assign(bytes, 0);
        if (a.attribute || dims.empty()) {
            if (a.read(mem.get(), H5S_ALL, H5S_ALL, ba.data()) < 0 || b.read(mem.get(), H5S_ALL, H5S_ALL, bb.data()) < 0)
                throw std::runtime_error("cannot read its values");
        } else {
            std::vector<hsize_t> off(dims.size(), 0), cnt = dims;
            off[0] = start;
            cnt[0] = count;
            Handle memspace(H5Screate_simple(static_cast<int>(cnt.size()), cnt.data(), nullptr), H5Sclose);
            for (const auto* s : {&sa, &sb})
                H5Sselect_hyperslab(s->get(), H5S_SELECT_SET, off.data(), nullptr, cnt.data(), nullptr);
            if (a.read(mem.get(), memspace.get(), sa.get(), ba.data()) < 0 ||
                b.read(mem.get(), memspace.get(), sb.get(), bb.data()) < 0)
                throw std::runtime_error("cannot read its values");
        }
        if (std::memcmp(ba.data(), bb.data(), bytes) == 0) continue;
        for (std::size_t k = 0; k < bytes; k += size)
            if (std::memcmp(ba.data() + k, bb.data() + k, size) != 0)
                return "values differ" + index_words(start * row + k / size, dims) + ": " + element_text(mem.get(), ba.data() + k) +
                       " | " + element_text(mem.get(), bb.data() + k);
        if (a.attribute || dims.empty()) break;
    }
    return "";
}

// A scalar attribute's value as text, for the list of ignored ones.
std::string attribute_text(hid_t attr) {
    const Readable r{attr, true};
    Handle t(r.file_type(), H5Tclose);
    Handle s(r.space(), H5Sclose);
    if (H5Sget_simple_extent_npoints(s.get()) != 1) return "(" + shape_words(extent(s.get())) + ")";
    if (H5Tis_variable_str(t.get()) > 0) {
        try {
            return read_vlen_strings(r, 1)[0];
        } catch (const std::runtime_error&) {
            return "(unreadable)";
        }
    }
    if (H5Tdetect_class(t.get(), H5T_VLEN) > 0) return "(variable-length)";
    Handle mem(H5Tget_native_type(t.get(), H5T_DIR_ASCEND), H5Tclose);
    std::vector<unsigned char> buf(H5Tget_size(mem.get()), 0);
    if (H5Aread(attr, mem.get(), buf.data()) < 0) return "(unreadable)";
    const std::string text = element_text(mem.get(), buf.data());
    return text.size() > 1 && text.front() == '"' ? text.substr(1, text.size() - 2) : text;
}

std::set<std::string> attribute_names(const H5::H5Object& obj) {
    std::set<std::string> names;
    const int n = obj.getNumAttrs();
    for (int i = 0; i < n; ++i) names.insert(obj.openAttribute(static_cast<unsigned>(i)).getName());
    return names;
}

void note(FileDifferences& d, std::size_t limit, const std::string& what) {
    if (d.first_differences.size() < limit) d.first_differences.push_back(what);
    ++d.count;
}

void compare_attributes(const H5::H5Object& oa, const H5::H5Object& ob, const std::string& path, const ResultFile& a,
                        const ResultFile& b, FileDifferences& d, std::size_t limit) {
    const auto na = attribute_names(oa), nb = attribute_names(ob);
    std::set<std::string> all = na;
    all.insert(nb.begin(), nb.end());
    for (const std::string& name : all) {
        const std::string where = path + "@" + name;
        const bool in_a = na.count(name) > 0, in_b = nb.count(name) > 0;
        if (execution_attribute(path, name)) {
            d.ignored.push_back({where, in_a ? attribute_text(oa.openAttribute(name).getId()) : "absent",
                                 in_b ? attribute_text(ob.openAttribute(name).getId()) : "absent"});
            continue;
        }
        ++d.attributes;
        if (!in_a || !in_b) {
            note(d, limit, where + ": only in " + (in_a ? a.path() : b.path()));
            continue;
        }
        try {
            const H5::Attribute aa = oa.openAttribute(name), ab = ob.openAttribute(name);
            const std::string why = compare_values({aa.getId(), true}, {ab.getId(), true});
            if (!why.empty()) note(d, limit, where + ": " + why);
        } catch (const H5::Exception& e) {
            note(d, limit, where + ": cannot be read (" + e.getDetailMsg() + ")");
        } catch (const std::runtime_error& e) {
            note(d, limit, where + ": " + e.what());
        }
    }
}

}  // namespace file_diff

bool execution_attribute(const std::string& object, const std::string& name) {
    if (object == "/")
        return name == "threads" || name == "ranks" || name == "wall_seconds" || name.starts_with("build_");
    // Each rank keeps the runs of its own slice of the agents (docs/OUTPUT.md "/measures/origins").
    return object == "/measures/origins" && name == "origin_runs";
}

FileDifferences compare_result_files(const ResultFile& a, const ResultFile& b, std::size_t limit) {
    FileDifferences d;
    std::map<std::string, file_diff::ObjectKind> in_a, in_b;
    file_diff::list_objects(a.root(), "", in_a);
    file_diff::list_objects(b.root(), "", in_b);
    file_diff::compare_attributes(a.root(), b.root(), "/", a, b, d, limit);
    std::set<std::string> paths;
    for (const auto& [p, k] : in_a) paths.insert(p);
    for (const auto& [p, k] : in_b) paths.insert(p);
    for (const std::string& path : paths) {
        const auto ia = in_a.find(path), ib = in_b.find(path);
        if (ia == in_a.end() || ib == in_b.end()) {
            file_diff::note(d, limit, path + ": only in " + (ia != in_a.end() ? a.path() : b.path()));
            continue;
        }
        if (ia->second != ib->second) {
            file_diff::note(d, limit, path + ": " + file_diff::kind_word(ia->second) + " | " + file_diff::kind_word(ib->second));
            continue;
        }
        try {
            if (ia->second == file_diff::ObjectKind::group) {
                file_diff::compare_attributes(a.h5().openGroup(path), b.h5().openGroup(path), path, a, b, d, limit);
            } else if (ia->second == file_diff::ObjectKind::dataset) {
                const H5::DataSet da = a.h5().openDataSet(path), db = b.h5().openDataSet(path);
                file_diff::compare_attributes(da, db, path, a, b, d, limit);
                ++d.datasets;
                const std::string why = file_diff::compare_values({da.getId(), false}, {db.getId(), false});
                if (!why.empty()) file_diff::note(d, limit, path + ": " + why);
            }
        } catch (const H5::Exception& e) {
            file_diff::note(d, limit, path + ": cannot be read (" + e.getDetailMsg() + ")");
        } catch (const std::runtime_error& e) {
            file_diff::note(d, limit, path + ": " + e.what());
        }
    }
    return d;
}

}  // namespace migflow::detail
