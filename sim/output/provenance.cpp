// Reading back what a result file records about its run: scenario text, inputs, seed.
#include "migflow/output/provenance.hpp"

#include <H5Cpp.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "migflow/formats/flee/import.hpp"
#include "migflow/output/result_check.hpp"
#include "migflow/scenario/loader.hpp"
#include "output/hdf5_util.hpp"
#include "output/result_file.hpp"
#include "output/result_header.hpp"

namespace migflow {

namespace fs = std::filesystem;

namespace {

std::vector<InputFile> read_inputs(const detail::ResultFile& result) {
    std::vector<InputFile> out;
    if (!result.has("/inputs")) return out;
    H5::Group g = result.h5().openGroup("/inputs");
    for (hsize_t k = 0; k < g.getNumObjs(); ++k) {
        const std::string name = "/inputs/" + g.getObjnameByIdx(k);
        // Its length is checked against the file's size before anything is allocated.
        const auto n = static_cast<std::size_t>(result.length(name));
        H5::DataSet ds = g.openDataSet(g.getObjnameByIdx(k));
        std::string text(n, '\0');
        if (n > 0) ds.read(text.data(), H5::PredType::NATIVE_UINT8);
        out.push_back(InputFile{detail::read_string_attr(ds, "path"), std::move(text)});
    }
    return out;
}

// A Flee case is a directory: lay its files out again in a temporary one and import it.
Scenario import_kept_flee_case(const std::string& name, const std::vector<InputFile>& files) {
    std::string templ = (fs::temp_directory_path() / "migflow-rerun-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("cannot create a temporary directory for the Flee case");
    const fs::path dir = fs::path(templ) / (name.empty() ? "case" : name);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(p, ec);
        }
    } cleanup{templ};
    for (const InputFile& f : files) {
        const fs::path p = (dir / f.path).lexically_normal();
        if (f.path.empty() || fs::path(f.path).is_absolute() || f.path.find("..") != std::string::npos)
            throw std::runtime_error("kept input file `" + f.path + "` is not inside the Flee case");
        fs::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << f.text;
        if (!out) throw std::runtime_error("cannot write " + p.string());
    }
    return import_flee_case(dir.string());
}

}  // namespace

RecordedRun read_recorded_run(const std::string& path) {
    using namespace detail;
    H5::Exception::dontPrint();
    RecordedRun run;
    std::string kind, text, source_file, base_text, overrides;
    std::vector<InputFile> inputs;
    try {
        const ResultFile result(path);
        const H5::H5File& f = result.h5();
        const H5::Group root = result.root();
        if (result.kind() == ResultKind::comparison)
            throw std::runtime_error(path + ": a comparison file holds two scenarios; run `migflow compare` again");
        if (!has_attr(root, "scenario_kind"))
            throw std::runtime_error(path + ": written by a migflow without provenance (no scenario_kind attribute)");
        kind = read_string_attr(root, "scenario_kind");
        text = read_string_attr(root, "scenario_text");
        source_file = read_string_attr(root, "scenario_file");
        if (has_attr(root, "overrides")) overrides = read_string_attr(root, "overrides");
        if (has_attr(root, "scenario_base_text")) base_text = read_string_attr(root, "scenario_base_text");
        run.seed = read_uint_attr(root, "seed");
        if (has_attr(root, "replicates")) run.replicates = static_cast<std::size_t>(read_int_attr(root, "replicates"));
        run.build = read_build_attributes(root);
        inputs = read_inputs(result);
        if (f.nameExists("/inputs") && has_attr(f.openGroup("/inputs"), "complete") &&
            read_int_attr(f.openGroup("/inputs"), "complete") == 0)
            throw std::runtime_error(path + ": its run had output.keep_inputs: false, so the file keeps no "
                                     "input files to run it again from");
        if (kind == "flee_dir") run.scenario = import_kept_flee_case(read_string_attr(root, "scenario_name"), inputs);
    } catch (const H5::Exception& e) {
        throw std::runtime_error(path + ": not a readable migflow result file (" + hdf5_action(e) + ": damaged, or not written by migflow)");
    }
    if (kind == "yaml") run.scenario = load_scenario_text(text, path + ":scenario_text", "", {}, &inputs);
    else if (kind != "flee_dir") throw std::runtime_error(path + ": unknown scenario_kind `" + kind + "`");
    Scenario& s = run.scenario;
    // As the original run named them, so the new file's attributes say the same.
    s.source_file = source_file;
    s.base_text = base_text;
    s.overrides.clear();
    std::size_t at = 0;
    while (at < overrides.size()) {
        const auto end = overrides.find('\n', at);
        const std::string line = overrides.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (const auto eq = line.find('='); eq != std::string::npos)
            s.overrides.emplace_back(line.substr(0, eq), line.substr(eq + 1));
        at = end == std::string::npos ? overrides.size() : end + 1;
    }
    s.seed = run.seed;
    return run;
}

}  // namespace migflow
