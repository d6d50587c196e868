// `migflow export OUT.h5|SWEEP_DIR --format csv -o DIR`: a result file, or every finished
// run of a sweep joined with its parameters, as tidy long CSV tables (docs/OUTPUT.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "migflow/core/csv.hpp"
#include "migflow/core/files.hpp"
#include "output/tidy_csv.hpp"

namespace migflow::cli {

namespace {

namespace fs = std::filesystem;

struct ExportArgs {
    std::string input;
    std::string format = "csv";
    std::string output;
    bool overwrite = false;
};

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

// A sweep's index.csv: the run, point, seed and swept-key columns lead every row of
// the run's file; runs not `done` are left out.
int export_sweep(const ExportArgs& a) {
    const std::string index = (fs::path(a.input) / "index.csv").string();
    const CsvTable t = read_csv(index);
    if (t.rows.empty()) throw std::runtime_error(index + ": empty");
    const auto& head = t.rows[0].cells;
    const auto col = [&](const std::string& name) {
        const auto it = std::find(head.begin(), head.end(), name);
        if (it == head.end()) throw std::runtime_error(index + ": no `" + name + "` column");
        return static_cast<std::size_t>(it - head.begin());
    };
    const std::size_t file_col = col("file"), status_col = col("status");
    detail::TidyLead lead;
    lead.names.assign(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(file_col));
    TablePair out(a.output, a.overwrite);
    detail::write_tidy_headers(lead, out.regions, out.routes);
    int runs = 0;
    for (std::size_t i = 1; i < t.rows.size(); ++i) {
        const auto& cells = t.rows[i].cells;
        if (cells.size() <= status_col || cells[status_col] != "done") continue;
        lead.values.assign(cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(file_col));
        detail::write_tidy_rows((fs::path(a.input) / cells[file_col]).string(), lead, out.regions,
                                out.routes);
        ++runs;
    }
    out.commit();
    std::printf("%d finished run(s) of %s\n%s\n%s\n", runs, index.c_str(), out.paths()[0].c_str(),
                out.paths()[1].c_str());
    return 0;
}

int export_tables(const ExportArgs& a) {
    if (a.input.empty()) throw UsageError("no result file or sweep directory given");
    if (a.output.empty()) throw UsageError("-o DIR is required");
    if (!fs::exists(a.input)) throw std::runtime_error(a.input + ": no such file or directory");
    if (fs::is_directory(a.input)) {
        if (!fs::exists(fs::path(a.input) / "index.csv"))
            throw std::runtime_error(a.input +
                                     ": a directory, but not a sweep's output (no index.csv)");
        return export_sweep(a);
    }
    const bool banded = detail::is_banded_result(a.input);  // before -o is touched: a bad file creates nothing
    TablePair out(a.output, a.overwrite);
    detail::write_tidy_headers({}, out.regions, out.routes, banded);
    detail::write_tidy_rows(a.input, {}, out.regions, out.routes);
    out.commit();
    std::printf("%s\n%s\n", out.paths()[0].c_str(), out.paths()[1].c_str());
    return 0;
}

}  // namespace

Command add_export_command(CLI::App& app) {
    auto* sub =
        app.add_subcommand("export", "write a result file or a sweep's runs as tidy CSV tables");
    auto a = std::make_shared<ExportArgs>();
    sub->add_option("INPUT", a->input,
                    "result file (OUT.h5) or sweep output directory (with index.csv)")
        ->type_name("");
    sub->add_option("--format", a->format,
                    "table format (csv: date,region,variable,value,unit rows)")
        ->check(CLI::IsMember({"csv"}))
        ->type_name("csv");
    sub->add_option("-o,--output", a->output, "directory for regions.csv and routes.csv")
        ->type_name("DIR");
    sub->add_flag("--overwrite", a->overwrite, "replace tables written before");
    return {sub, [a] { return export_tables(*a); }};
}

}  // namespace migflow::cli
