#pragma once
// The processes that share one run (docs/DESIGN.md §5): this process alone, or the MPI ranks
// when migflow is built with MIGFLOW_MPI and started by mpirun/srun. The engine talks
// to the other processes only through this interface, so it has no MPI in it.
#include <cstdint>
#include <memory>
#include <span>
#include <exception>
#include <stdexcept>
#include <string>

namespace migflow {

class Team {
public:
    virtual ~Team() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Element-wise sum over all processes, in place; every process gets the sums.
    // Integers, so the result does not depend on the order of the additions.
    virtual void sum(std::span<std::int64_t> values) = 0;
    // Element-wise sum over the processes of lower rank (zeros on rank 0), in place.
    virtual void sum_below(std::span<std::int64_t> values) = 0;
    // The lowest rank for which `failed` is true, or -1 when it is false everywhere.
    // Every process must call it: it is how the processes agree on an error.
    virtual int first_failed(bool failed) = 0;
    // Ends every process of the run at once (MPI_Abort): for an error the other
    // processes cannot learn about by agreement. Returns only for a lone process.
    virtual void abort_all(int exit_code) = 0;
};

// Thrown on the processes that did not fail themselves once the team agreed that
// another one failed; that one reports the error (docs/DESIGN.md §5: never throw past a
// collective, agree on failure and exit on every rank).
class PeerFailure : public std::runtime_error {
public:
    explicit PeerFailure(int rank)
        : std::runtime_error("process (MPI rank) " + std::to_string(rank) + " failed"), rank_(rank) {}
    int rank() const { return rank_; }

private:
    int rank_;
};

// Runs `step` on every process of `team`, then agrees on its outcome: if it threw on
// any process, the lowest such rank rethrows its exception and every other rank throws
// PeerFailure, so all leave together. Every process must call it at the same point.
template <class F>
void together(Team& team, F&& step) {
    std::exception_ptr error;
    bool own = false;  // a failure of this process, not news of another's
    try {
        step();
    } catch (const PeerFailure&) {
        error = std::current_exception();
    } catch (...) {
        error = std::current_exception();
        own = true;
    }
    const int first = team.first_failed(own);
    if (first < 0 && !error) return;
    if (first == team.rank()) std::rethrow_exception(error);
    if (first < 0) std::rethrow_exception(error);  // PeerFailure everywhere: already agreed
    throw PeerFailure(first);
}

// After a collective that told every process whether any failed (`any_failed`): the
// lowest failing rank rethrows `own`, its own error; the others throw PeerFailure.
inline void settle_failure(Team& team, std::exception_ptr own, bool any_failed) {
    if (!any_failed) return;
    const int first = team.first_failed(own != nullptr);
    if (first == team.rank()) std::rethrow_exception(own);
    throw PeerFailure(first);
}

// This process alone.
Team& solo_team();

// The team this program runs in, started once at the top of main(): MPI ranks with
// MIGFLOW_MPI (MPI_Init; finalised when the returned object is destroyed), else
// solo_team(). argc/argv are handed to MPI_Init.
std::unique_ptr<Team> join_team(int& argc, char**& argv);

// True when this build can run across MPI ranks.
bool built_with_mpi();

}  // namespace migflow
