// `migflow compare-files A.h5 B.h5`: whether two result files hold the same results,
// every dataset and attribute compared bit for bit except those that describe how the
// run was executed (output/result_diff.hpp), which are listed. Exit 0 same, 1 different,
// 2 a file that cannot be read (or a usage mistake), as cmp and diff do.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "output/result_diff.hpp"
#include "output/result_file.hpp"

namespace migflow::cli {
namespace {

int compare_files(const std::string& first, const std::string& second, std::size_t limit) {
    if (first.empty() || second.empty()) throw UsageError("which two result files?");
    detail::FileDifferences d;
    try {
        const detail::ResultFile a(first), b(second);
        d = detail::compare_result_files(a, b, limit);
    } catch (const detail::ResultFileError& e) {
        std::cerr << "migflow compare-files: " << e.what() << '\n';
        return 2;
    } catch (const H5::Exception& e) {
        std::cerr << "migflow compare-files: cannot read the files (" << e.getFuncName() << ": " << e.getDetailMsg() << ")\n";
        return 2;
    }
    if (d.count == 0) {
        std::cout << first << " and " << second << " hold the same results: " << d.datasets << " datasets and "
                  << d.attributes << " attributes equal\n";
    } else {
        std::cout << first << " and " << second << " differ in " << d.count << " place(s)";
        if (d.count > d.first_differences.size()) std::cout << "; the first " << d.first_differences.size();
        std::cout << " (values: " << first << " | " << second << "):\n";
        for (const std::string& line : d.first_differences) std::cout << "  " << line << '\n';
    }
    if (!d.ignored.empty()) {
        std::cout << "not compared, as they describe how the run was executed, not its results (" << first << " | "
                  << second << "):\n";
        for (const detail::IgnoredAttribute& i : d.ignored)
            std::cout << "  " << i.where << ": " << i.first << " | " << i.second << '\n';
    }
    return d.count == 0 ? 0 : 1;
}

}  // namespace

Command add_compare_files_command(CLI::App& app) {
    auto* sub = app.add_subcommand("compare-files",
                                   "whether two result files hold the same results (every dataset and attribute, "
                                   "except how the run was executed)");
    auto first = std::make_shared<std::string>(), second = std::make_shared<std::string>();
    auto limit = std::make_shared<std::size_t>(20);
    sub->add_option("A.h5", *first, "a migflow result file")->type_name("");
    sub->add_option("B.h5", *second, "another one")->type_name("");
    sub->add_option("--show", *limit, "differences listed at most (default 20; all are counted)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000000));
    return {sub, [first, second, limit] { return compare_files(*first, *second, *limit); }};
}

}  // namespace migflow::cli
