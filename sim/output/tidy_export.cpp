// Tidy CSV tables written whole or not at all (tidy_export.hpp).
#include "output/tidy_export.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "migflow/core/csv.hpp"
#include "migflow/core/output_claim.hpp"
#include "output/result_file.hpp"
#include "output/tidy_csv.hpp"

namespace migflow::detail {

namespace {

namespace fs = std::filesystem;

// A folder the export creates: removed again (only if empty) unless the export completes.
class NewFolder {
public:
    explicit NewFolder(const std::string& dir) : dir_(dir), created_(fs::create_directories(dir)) {}
    ~NewFolder() {
        std::error_code ec;
        if (created_ && !kept_) fs::remove(dir_, ec);
    }
    void keep() { kept_ = true; }

private:
    std::string dir_;
    bool created_ = false;
    bool kept_ = false;
};

// `dir/name`, refused when it exists and may not be replaced.
std::string table_path(const std::string& dir, const char* name, bool overwrite) {
    const std::string path = (fs::path(dir) / name).string();
    if (fs::exists(path) && !overwrite) throw std::runtime_error(path + " exists; use --overwrite to replace it");
    return path;
}

// The two tables, claimed as a run's output is (exclusive, locked, never through a link,
// never an input) and published only when both are complete; a failed export leaves
// neither table nor the folder it created.
class TablePair {
public:
    TablePair(const std::string& dir, bool overwrite, const std::vector<std::string>& inputs)
        : folder_(dir),
          files_(inputs, "of this export"),
          regions(files_.open(table_path(dir, "regions.csv", overwrite))),
          routes(files_.open(table_path(dir, "routes.csv", overwrite))) {}
    void commit() {
        files_.publish();
        folder_.keep();
    }
    std::vector<std::string> paths() const { return files_.paths(); }

private:
    NewFolder folder_;  // declared first: removed after the claims have removed their .partial files
    ClaimedFiles files_;

public:
    std::ostream& regions;
    std::ostream& routes;
};

}  // namespace

// A sweep's index.csv: the run, point, seed and swept-key columns lead every row of
// the run's file; runs not `done` are left out.
ExportedTables export_sweep_tables(const std::string& sweep_dir, const std::string& dir, bool overwrite,
                                   const TidySelection& keep) {
    const std::string index = (fs::path(sweep_dir) / "index.csv").string();
    const CsvTable t = read_csv(index);
    if (t.rows.empty()) throw std::runtime_error(index + ": empty");
    const auto& head = t.rows[0].cells;
    const auto col = [&](const std::string& name) {
        const auto it = std::find(head.begin(), head.end(), name);
        if (it == head.end()) throw std::runtime_error(index + ": no `" + name + "` column");
        return static_cast<std::size_t>(it - head.begin());
    };
    const std::size_t file_col = col("file"), status_col = col("status");
    TidyLead lead;
    lead.names.assign(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(file_col));
    std::vector<std::string> inputs = {index};
    for (std::size_t i = 1; i < t.rows.size(); ++i)
        if (t.rows[i].cells.size() > file_col) inputs.push_back((fs::path(sweep_dir) / t.rows[i].cells[file_col]).string());
    TablePair out(dir, overwrite, inputs);
    write_tidy_headers(lead, out.regions, out.routes);
    int runs = 0;
    for (std::size_t i = 1; i < t.rows.size(); ++i) {
        const auto& cells = t.rows[i].cells;
        if (cells.size() <= status_col || cells[status_col] != "done") continue;
        lead.values.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(file_col));
        write_tidy_rows((fs::path(sweep_dir) / cells[file_col]).string(), lead, out.regions,
                                out.routes, keep);
        ++runs;
    }
    out.commit();
    return {out.paths(), runs, index};
}


ExportedTables export_result_tables(const std::string& result, const std::string& dir, bool overwrite,
                                    const TidySelection& keep) {
    const ResultFile file(result);  // before `dir` is touched: a bad file creates nothing
    if (file.kind() == ResultKind::checkpoint)
        throw std::runtime_error(result + ": a checkpoint holds no result tables; continue it with `migflow run --restart`");
    const bool banded = file.banded();
    TablePair out(dir, overwrite, {result});
    write_tidy_headers({}, out.regions, out.routes, banded);
    write_tidy_rows(result, {}, out.regions, out.routes, keep);
    out.commit();
    return {out.paths(), 1, {}};
}

}  // namespace migflow::detail
