#pragma once
// Is a result file whole? migflow seals every result file with a CRC-32 of its HDF5
// bytes, kept in the file's 512-byte user block (docs/OUTPUT.md "Integrity"). Readers
// check the seal before HDF5 parses a byte, so a damaged file is an error message,
// never a crash, a hang or a wrong number.
#include <string>

namespace migflow {

struct ResultCheck {
    enum class Status {
        sealed,    // the seal is there and the bytes match it
        unsealed,  // a plain HDF5 file (an older migflow, another tool): nothing to check
        damaged,   // the seal does not match
        foreign,   // neither sealed nor HDF5 (a YAML named by mistake, or a damaged seal's magic)
    };
    Status status = Status::damaged;
    std::string message;  // why, when damaged or foreign

    bool usable() const { return status == Status::sealed || status == Status::unsealed; }
};

// Reads the whole file once (CRC-32 at a few GB/s).
ResultCheck check_result_file(const std::string& path);

// Readers open result files through ResultFile (sim/output/result_file.hpp), which
// checks this first.

}  // namespace migflow
