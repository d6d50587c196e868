// join_team() of the build without MPI (MIGFLOW_MPI=OFF): every run is one process.
#include "migflow/engine/team.hpp"

namespace migflow {

namespace {
// Non-owning handle on the static solo team, so main() can hold every team alike.
class SoloHandle final : public Team {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    void sum(std::span<std::int64_t> v) override { solo_team().sum(v); }
    void sum_below(std::span<std::int64_t> v) override { solo_team().sum_below(v); }
    int first_failed(bool failed) override { return solo_team().first_failed(failed); }
    void abort_all(int) override {}
};
}  // namespace

std::unique_ptr<Team> join_team(int&, char**&) { return std::make_unique<SoloHandle>(); }

bool built_with_mpi() { return false; }

}  // namespace migflow
