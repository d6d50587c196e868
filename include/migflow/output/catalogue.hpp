#pragma once
// The one list of per-day result series (docs/OUTPUT.md "/series", "/drivers"): each
// series' group, name, units, description, shape, value type and how it is filled from
// a day's record, once. The HDF5 writer, the in-memory recorder, ensembles, the Python
// module and `migflow schema --json` (which the analysis scripts read) iterate over it:
// adding a series is one entry here plus its computation in the engine.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migflow {

struct DayRecord;

// How many values a series has per day.
enum class SeriesWidth { regions, routes, one };
enum class ValueType { int64, float64 };

// One day's values of a series, as the day's record holds them (exactly one of the
// pointers is set, per the series' value type).
struct SeriesRow {
    const std::int64_t* i64 = nullptr;
    const double* f64 = nullptr;
    std::size_t size = 0;
};

struct SeriesSpec {
    std::string group;  // "series" (outcomes of the run) or "drivers" (inputs, seed-free)
    std::string name;
    std::string units;
    std::string description;
    SeriesWidth width = SeriesWidth::regions;  // `one` series are int64 ([days] datasets)
    ValueType type = ValueType::int64;
    SeriesRow (*row)(const DayRecord&) = nullptr;  // how it is filled
};

// In the order of docs/OUTPUT.md: /series, then /drivers.
const std::vector<SeriesSpec>& series_catalogue();

// nullptr when there is no such series.
const SeriesSpec* find_series(std::string_view group, std::string_view name);

// Datasets that are not per-day series but whose units and descriptions the Python
// module and analysis scripts also need (/regions, /routes, /validation).
struct DatasetSpec {
    std::string group, name, units, description;
};
const std::vector<DatasetSpec>& static_dataset_catalogue();
const DatasetSpec& static_dataset(std::string_view group, std::string_view name);  // throws if unknown

// Both lists as JSON (`migflow schema --json`, analysis/schema.json).
std::string catalogue_json();

}  // namespace migflow
