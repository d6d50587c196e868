#pragma once
// Two result files compared object by object (`migflow compare-files`, docs/OUTPUT.md
// "Comparing two result files"): every group, dataset and attribute, values bit for bit,
// except the attributes that describe how a run was executed rather than what it
// computed (threads, ranks, wall time, the build, the origin runs each rank kept). Those
// are listed, not compared, so a checker sees exactly what was left out.
#include <cstddef>
#include <string>
#include <vector>

namespace migflow::detail {

class ResultFile;

// An attribute left out of the comparison, and its value in each file ("absent" where
// a file has none).
struct IgnoredAttribute {
    std::string where;  // "/@ranks", "/measures/origins@origin_runs"
    std::string first, second;
};

struct FileDifferences {
    std::vector<std::string> first_differences;  // in path order, at most the limit given
    std::size_t count = 0;                       // every difference found
    std::size_t datasets = 0, attributes = 0;    // compared and equal or not
    std::vector<IgnoredAttribute> ignored;
};

// Whether attribute `name` of object `object` ("/" for the root) describes the execution
// of a run (the same scenario and seed give other values on other ranks, threads, hosts
// or builds) rather than its results.
bool execution_attribute(const std::string& object, const std::string& name);

// Reads both files whole, a block of rows at a time. A difference is one line: the
// object (datasets by path, attributes as PATH@NAME) and what differs, with the first
// differing element and both values.
FileDifferences compare_result_files(const ResultFile& a, const ResultFile& b, std::size_t limit = 20);

}  // namespace migflow::detail
