#pragma once
// What a run will cost before it starts (docs/RELIABILITY.md "Resources"): its peak
// memory from the scenario alone (agents the ruleset expects x bytes per agent, the
// region and route tables, per-thread tallies, output buffers) and the size of its
// result file; the memory this machine can give; a refusal, with both figures, when
// the one does not fit in the other. Nothing here allocates per agent.
#include <cstddef>
#include <string>

#include "migflow/scenario/scenario.hpp"

namespace migflow {

struct RunEstimate {
    double agents = 0;             // agents the run is expected to create (all processes)
    double bytes_per_agent = 0;    // agent columns plus the ruleset's per-agent extras
    double agent_bytes = 0;        // this process's agents x bytes per agent x growth slack
    double region_bytes = 0;       // region graph, drivers, day state, rule tables, tallies
    double output_buffer_bytes = 0;  // the recorder's day blocks and the writer's queue
    double memory_bytes = 0;       // the sum: peak memory of one process
    double output_file_bytes = 0;  // result file before compression: series, snapshots, inputs, metadata
};

// Room over the expected agents: the store reserves the ruleset's expectation and grows
// past it by doubling a column when a run displaces more (measured 13.1 B per agent at
// 2*10^7 native agents, docs/RELIABILITY.md "Resources").
inline constexpr double agent_capacity_slack = 1.1;

// Builds the region graph and the ruleset (no agents) to ask how many agents it expects.
// `processes`: processes sharing the run (each holds its slice of the agents);
// `threads`: per process, 0 = all cores.
RunEstimate estimate_run(const Scenario& s, int processes = 1, int threads = 0);

struct MachineMemory {
    double bytes = 0;    // what a run may take; 0 = unknown (nothing is refused)
    std::string source;  // where the figure comes from, for messages
};

// The smaller of /proc/meminfo's MemAvailable (else free pages by sysconf) and the
// room left under this process's cgroup memory limit (v2 memory.max - memory.current,
// or v1 memory.limit_in_bytes - memory.usage_in_bytes). MIGFLOW_MEMORY_LIMIT=BYTES
// replaces the figure (batch jobs whose limit the kernel does not show; tests).
MachineMemory machine_memory();

// "1.25 GiB", "3.4 MiB", "12.0 KiB", "512 B".
std::string memory_text(double bytes);

// Throws std::runtime_error naming `what` needs `need` bytes, the machine's memory and
// the option to proceed (`proceed`, the command line's by default) when need >
// memory.bytes (memory.bytes 0: never).
void check_memory_fits(double need, const std::string& what, const MachineMemory& memory,
                       const std::string& proceed = "--ignore-memory-estimate");

// The one-line estimate `migflow check` prints.
std::string estimate_text(const RunEstimate& e);

}  // namespace migflow
