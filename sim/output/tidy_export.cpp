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

// The two tables, written as .partial files and renamed only when both are complete.
class TablePair {
public:
    TablePair(const std::string& dir, bool overwrite, const std::vector<std::string>& inputs) : dir_(dir) {
        created_dir_ = fs::create_directories(dir);
        for (const char* name : {"regions.csv", "routes.csv"}) {
            const std::string path = (fs::path(dir) / name).string();
            if (fs::exists(path) && !overwrite)
                throw std::runtime_error(path + " exists; use --overwrite to replace it");
            final_.push_back(path);
        }
        // Claimed as a run's output is (exclusive, locked, never through a link, never an
        // input), then written by name: the file is the one just created.
        for (const auto& p : final_) claims_.emplace_back(p, inputs, "of this export");
        regions.open(claims_[0].partial(), std::ios::binary | std::ios::trunc);
        routes.open(claims_[1].partial(), std::ios::binary | std::ios::trunc);
        if (!regions || !routes) throw std::runtime_error(dir + ": cannot write");
    }
    ~TablePair() {
        if (done_) return;
        regions.close();
        routes.close();
        claims_.clear();  // removes the .partial files
        std::error_code ec;
        if (created_dir_) fs::remove(dir_, ec);  // only if empty: a failed export leaves nothing new
    }
    void commit() {
        regions.close();
        routes.close();
        if (!regions || !routes) throw std::runtime_error(final_[0] + ": cannot write");
        for (auto& c : claims_) c.publish();
        done_ = true;
    }
    const std::vector<std::string>& paths() const { return final_; }

    std::ofstream regions, routes;

private:
    std::string dir_;
    bool created_dir_ = false;
    std::vector<std::string> final_;
    std::vector<OutputClaim> claims_;  // their locks tell another export the files are in use
    bool done_ = false;
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
