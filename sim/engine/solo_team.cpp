// The Team of a single process: sums and scans over one member are the identity.
#include "migflow/engine/team.hpp"

#include <algorithm>

namespace migflow {

namespace {
class SoloTeam final : public Team {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    void sum(std::span<std::int64_t>) override {}
    void sum_below(std::span<std::int64_t> values) override {
        std::fill(values.begin(), values.end(), 0);
    }
    int first_failed(bool failed) override { return failed ? 0 : -1; }
    void abort_all(int) override {}
};
}  // namespace

Team& solo_team() {
    static SoloTeam team;
    return team;
}

}  // namespace migflow
