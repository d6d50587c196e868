#pragma once
// HDF5's C++ objects report a failed close from their destructors straight to std::cerr
// ("DataSet::~DataSet - H5Dclose failed"), one line per open object: after a write
// failure (full disk, file-size limit) that is dozens of lines before migflow's own
// message, which already names the file and the system's reason. This filter drops
// those lines from std::cerr and passes everything else through unchanged.
// Why a filter and not explicit closing: the writers do close every object explicitly
// and report the first failure (Hdf5Recorder::close_all, SealedFile::close), but in
// HDF5's C++ API a close() that fails leaves the object's id set (DataSet::close resets
// it only on success), the API has no call that releases an id without closing it, and
// so the destructor tries again and prints. Only rewriting the writers on the C API
// would remove the cause.
namespace migflow::cli {

// Installs the filter on std::cerr for the rest of the process (once).
void quiet_hdf5_destructor_messages();

}  // namespace migflow::cli
