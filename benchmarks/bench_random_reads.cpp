// bench_random_reads: the machine's floor for a table lookup (benchmarks/RESULTS.md,
// "Deciding again from the walk tables"): independent random 32-byte reads from a
// table of a given size, one thread.
//
//   bench_random_reads [--reads N] [--repeat N] [--json FILE] SIZE_BYTES...
//
// Each size is measured --repeat times (default 3); the line shows the median, and
// --json appends one JSON record per size (benchmarks/README.md).
//
// The read positions come from a counter hash, not from the previous read, so nothing
// but the memory system limits how many are in flight: the best case for a kernel
// whose lookups do not depend on one another.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bench_record.hpp"
#include "migflow/engine/rng.hpp"

namespace {

struct Slot {
    std::uint32_t word[8];
};

double ns_per_read(std::size_t bytes, std::size_t reads) {
    std::size_t n = 1;
    while (n * 2 * sizeof(Slot) <= bytes) n *= 2;  // a power of two: the index is a mask
    std::vector<Slot> table(n);
    for (std::size_t i = 0; i < n; ++i) table[i].word[0] = static_cast<std::uint32_t>(i * 2654435761U);
    std::uint64_t sum = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t k = 0; k < reads; ++k) sum += table[migflow::detail::mix64(k) & (n - 1)].word[0];
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sum == 42) std::puts("");  // keeps the reads
    return s / static_cast<double>(reads) * 1e9;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t reads = 100000000;
    std::vector<std::size_t> sizes;
    int repeat = 3;
    std::string json;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--reads") == 0 && i + 1 < argc) reads = std::strtoull(argv[++i], nullptr, 10);
        else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) json = argv[++i];
        else sizes.push_back(std::strtoull(argv[i], nullptr, 10));
    }
    if (repeat < 1) {
        std::fprintf(stderr, "bench_random_reads: --repeat must be at least 1\n");
        return 2;
    }
    if (sizes.empty()) sizes = {32768, 1 << 20, 4 << 20, 8 << 20, 64 << 20};
    for (const std::size_t b : sizes) {
        if (b < sizeof(Slot) * 2) {
            std::fprintf(stderr, "bench_random_reads: size %zu is below 64 bytes\n", b);
            return 2;
        }
        const auto load_before = migflow::bench::load_average();
        std::vector<double> ns;
        std::vector<std::string> runs;
        for (int r = 0; r < repeat; ++r) {
            ns.push_back(ns_per_read(b, reads));
            runs.push_back(migflow::bench::JsonObject().number("ns_per_read", ns.back()).str());
        }
        std::printf("table_bytes=%zu ns_per_read=%.2f repeats=%d\n", b, migflow::bench::spread_of(ns).median, repeat);
        if (json.empty()) continue;
        using migflow::bench::JsonObject;
        try {
            migflow::bench::append_json_line(
                json, JsonObject()
                          .text("schema", "migflow-bench/1")
                          .text("benchmark", "bench_random_reads")
                          .raw("config", JsonObject()
                                             .integer("table_bytes", static_cast<long long>(b))
                                             .integer("reads", static_cast<long long>(reads))
                                             .integer("threads", 1)
                                             .integer("ranks", 1)
                                             .str())
                          .integer("repeats", repeat)
                          .raw("summary", JsonObject().raw("ns_per_read", migflow::bench::spread_json(ns)).str())
                          .raw("runs", migflow::bench::json_array(runs))
                          .raw("context", migflow::bench::context_json(load_before, argc, argv))
                          .str());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench_random_reads: %s\n", e.what());
            return 1;
        }
    }
    return 0;
}
