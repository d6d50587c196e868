#pragma once
// `migflow export`'s work: regions.csv and routes.csv (tidy_csv.hpp) of one result file,
// or of every finished run of a sweep joined with its parameters, written as .partial
// files, synced and renamed only when both are complete; a failed export leaves nothing.
#include <string>
#include <vector>

#include "output/tidy_csv.hpp"

namespace migflow::detail {

struct ExportedTables {
    std::vector<std::string> paths;  // regions.csv, routes.csv
    int runs = 0;                    // result files exported
    std::string index;               // a sweep's index.csv
};

// Throws (writing nothing) unless `result` is a complete result file (ResultFile), and
// when a table exists without `overwrite`.
ExportedTables export_result_tables(const std::string& result, const std::string& dir, bool overwrite,
                                    const TidySelection& keep = {});

// A sweep's index.csv: the run, point, seed and swept-key columns lead every row of the
// run's file; runs not `done` are left out.
ExportedTables export_sweep_tables(const std::string& sweep_dir, const std::string& dir, bool overwrite,
                                   const TidySelection& keep = {});

}  // namespace migflow::detail
