// `migflow info OUT.h5`: what a result file holds, in a few readable lines
// (output/result_summary.hpp), read through the one guarded way in (ResultFile).
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_summary.hpp"

namespace migflow::cli {
namespace {

int info(const std::string& path) {
    if (path.empty()) throw UsageError("which result file?");
    try {
        const detail::ResultFile file(path);
        std::ostringstream out;  // a file failing half-way prints only the error
        detail::describe_result(file, out);
        std::cout << out.str();
    } catch (const detail::ResultFileError& e) {
        std::cerr << "migflow info: " << e.what() << '\n';
        return 1;
    } catch (const H5::Exception& e) {
        std::cerr << "migflow info: " << path << ": not a readable migflow result file (" << detail::hdf5_action(e)
                  << ": damaged, or not written by migflow)\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "migflow info: " << path << ": not a readable migflow result file (" << e.what() << ")\n";
        return 1;
    }
    return 0;
}

}  // namespace

Command add_info_command(CLI::App& app) {
    auto* sub = app.add_subcommand("info", "what a result file holds, in a few readable lines");
    auto path = std::make_shared<std::string>();
    sub->add_option("OUT.h5", *path, "a migflow result file")->type_name("");
    return {sub, [path] { return info(*path); }};
}

}  // namespace migflow::cli
