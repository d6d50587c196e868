// AgentStore: the agent columns (struct of arrays), grown by spawning.
#include "migflow/engine/agents.hpp"

namespace migflow {

void AgentStore::reserve(std::size_t n) {
    region.reserve(n);
    from.reserve(n);
    km_left.reserve(n);
    group.reserve(n);
}

void AgentStore::resize(std::size_t n) {
    region.resize(n);
    from.resize(n);
    km_left.resize(n, 0.0f);
    group.resize(n);
}

void AgentStore::push_back(RegionIndex r, std::uint8_t g) {
    region.push_back(r);
    from.push_back(r);
    km_left.push_back(0.0f);
    group.push_back(g);
}

}  // namespace migflow
