#pragma once
// Every dataset of an HDF5 file as raw bytes, by path: "identical datasets" made testable.
#include <hdf5.h>

#include <map>
#include <string>
#include <vector>

namespace migflow::test {

inline std::map<std::string, std::vector<char>> all_datasets(const std::string& file) {
    std::map<std::string, std::vector<char>> out;
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return out;
    auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        auto& map = *static_cast<std::map<std::string, std::vector<char>>*>(data);
        const hid_t ds = H5Dopen2(obj, name, H5P_DEFAULT);
        const hid_t type = H5Dget_type(ds);
        const hid_t space = H5Dget_space(ds);
        const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
        std::vector<char> bytes(n * H5Tget_size(type));
        if (!bytes.empty() && H5Tis_variable_str(type) <= 0)
            H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        map[name] = std::move(bytes);
        H5Sclose(space);
        H5Tclose(type);
        H5Dclose(ds);
        return 0;
    };
#if H5_VERSION_GE(1, 12, 0)
    H5Ovisit3(f, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
#else
    H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
#endif
    H5Fclose(f);
    return out;
}

}  // namespace migflow::test
