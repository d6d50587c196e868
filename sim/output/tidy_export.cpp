// Tidy CSV tables written whole or not at all (tidy_export.hpp).
#include "output/tidy_export.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "migflow/core/csv.hpp"
#include "migflow/core/files.hpp"
#include "output/result_file.hpp"
#include "output/tidy_csv.hpp"

namespace migflow::detail {

namespace {

namespace fs = std::filesystem;

// The two tables, written as .partial files and renamed only when both are complete.
class TablePair {
public:
    TablePair(const std::string& dir, bool overwrite) : dir_(dir) {
        created_dir_ = fs::create_directories(dir);
        for (const char* name : {"regions.csv", "routes.csv"}) {
            const std::string path = (fs::path(dir) / name).string();
            if (fs::exists(path) && !overwrite)
                throw std::runtime_error(path + " exists; use --overwrite to replace it");
            final_.push_back(path);
        }
        // Claimed as a run's output is (exclusive, locked, never through a link), then
        // written by name: the file is the one just created.
        for (const auto& p : final_) claims_.push_back(claim_partial_file(p + ".partial"));
        regions.open(final_[0] + ".partial", std::ios::binary | std::ios::trunc);
        routes.open(final_[1] + ".partial", std::ios::binary | std::ios::trunc);
        if (!regions || !routes) throw std::runtime_error(dir + ": cannot write");
    }
    ~TablePair() {
        if (done_) return;
        std::error_code ec;
        regions.close();
        routes.close();
        for (std::size_t k = 0; k < claims_.size(); ++k) remove_if_same(final_[k] + ".partial", claims_[k].get());
        if (created_dir_) fs::remove(dir_, ec);  // only if empty: a failed export leaves nothing new
    }
    void commit() {
        regions.close();
        routes.close();
        if (!regions || !routes) throw std::runtime_error(final_[0] + ": cannot write");
        for (std::size_t k = 0; k < final_.size(); ++k) sync_file(claims_[k].get(), final_[k] + ".partial");
        for (const auto& p : final_) fs::rename(p + ".partial", p);
        done_ = true;
        sync_directory_of(final_[0]);
    }
    const std::vector<std::string>& paths() const { return final_; }

    std::ofstream regions, routes;

private:
    std::string dir_;
    bool created_dir_ = false;
    std::vector<std::string> final_;
    std::vector<FileHandle> claims_;  // their locks tell another export the files are in use
    bool done_ = false;
};

}  // namespace

// A sweep's index.csv: the run, point, seed and swept-key columns lead every row of
// the run's file; runs not `done` are left out.
ExportedTables export_sweep_tables(const std::string& sweep_dir, const std::string& dir, bool overwrite) {
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
    TablePair out(dir, overwrite);
    write_tidy_headers(lead, out.regions, out.routes);
    int runs = 0;
    for (std::size_t i = 1; i < t.rows.size(); ++i) {
        const auto& cells = t.rows[i].cells;
        if (cells.size() <= status_col || cells[status_col] != "done") continue;
        lead.values.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(file_col));
        write_tidy_rows((fs::path(sweep_dir) / cells[file_col]).string(), lead, out.regions,
                                out.routes);
        ++runs;
    }
    out.commit();
    return {out.paths(), runs, index};
}


ExportedTables export_result_tables(const std::string& result, const std::string& dir, bool overwrite) {
    const ResultFile file(result);  // before `dir` is touched: a bad file creates nothing
    if (file.kind() == ResultKind::checkpoint)
        throw std::runtime_error(result + ": a checkpoint holds no result tables; continue it with `migflow run --restart`");
    const bool banded = file.banded();
    TablePair out(dir, overwrite);
    write_tidy_headers({}, out.regions, out.routes, banded);
    write_tidy_rows(result, {}, out.regions, out.routes);
    out.commit();
    return {out.paths(), 1, {}};
}

}  // namespace migflow::detail
