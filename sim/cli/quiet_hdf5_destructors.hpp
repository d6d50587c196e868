#pragma once
// HDF5's C++ objects report a failed close from their destructors straight to std::cerr
// ("DataSet::~DataSet - H5Dclose failed"), one line per open object: after a write
// failure (full disk, file-size limit) that is dozens of lines before migflow's own
// message, which already names the file and the system's reason. This filter drops
// those lines from std::cerr and passes everything else through unchanged.
namespace migflow::cli {

// Installs the filter on std::cerr for the rest of the process (once).
void quiet_hdf5_destructor_messages();

}  // namespace migflow::cli
