// make_run_dealer() of the build without MPI (MIGFLOW_MPI=OFF): a sweep is one process.
#include "migflow/sweep/dealer.hpp"

namespace migflow {

std::unique_ptr<RunDealer> make_run_dealer() { return nullptr; }

}  // namespace migflow
