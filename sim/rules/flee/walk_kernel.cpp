// The flee ruleset's walk kernel (kernel.hpp): a day's moves resolved through the walk
// tables (docs/FLEE.md "How a day's hops are resolved", walks.cpp), several hops per
// draw. Two passes per slice of a block, as the native kernel: a vectorised move test
// of every agent (flee_flag_block), then the flagged agents only, whose table lookups
// go through a FleeWalkBatch so that their cache misses overlap.
#include "rules/flee/kernel.hpp"

#include "migflow/engine/rng.hpp"
#include "rules/flagged.hpp"
#include "rules/id32_runs.hpp"

namespace migflow::detail {

namespace {

// The fast move test of every agent in a slice, vectorised (32-bit draws, as the native
// kernel's flag_block): flag = travelling, or standing and Bernoulli(move chance).
// Sanitizer builds take the default clone: TSan crashes in the IFUNC resolver.
#ifdef MIGFLOW_NO_TARGET_CLONES
#define FLEE_CLONES
#else
#define FLEE_CLONES __attribute__((target_clones("avx2", "default")))
#endif
FLEE_CLONES void flee_flag_block(const RegionIndex* __restrict region, const float* __restrict km_left,
                                 const std::uint32_t* __restrict thr, std::uint64_t key, std::uint32_t first_id,
                                 std::size_t n, std::uint8_t* __restrict flag) {
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t t = thr[region[k]];
        const std::uint32_t u = random32(key, first_id + std::uint32_t(k));
        flag[k] = std::uint8_t((u < t) | (t == always32) | (km_left[k] > 0.0f));
    }
}

// The agent takes walk node v as where it is (from < 0: keeps its own).
inline void end_at(RegionIndex& region, RegionIndex& from, float& km_left, const FleeWalkNode& v) {
    region = v.region;
    if (v.from >= 0) from = v.from;
    km_left = v.km_left > 0.0f ? v.km_left : 0.0f;
}

}  // namespace

// The movers of one slice through walk-table lookups in batches (docs/PERFORMANCE.md
// "Batched, prefetched lookups"). The lookups are random accesses into tables of a few
// MB: movers are queued 32 at a time and prefetched, so that a batch's cache misses
// overlap instead of following one another. Two queues: standing agents that passed
// their move test (`standing_`, hop 0), and movers deciding again with km covered
// today (`going_`).
class FleeWalkBatch {
public:
    struct Mover {
        std::size_t id;
        std::uint64_t bits;
        std::uint32_t u;     // this lookup's walk draw
        std::int32_t hop;    // lookups done today
        std::uint32_t node;  // where this lookup's walk ends, before any cut
        RegionIndex region, from;
        float km_left, moved;
    };

    FleeWalkBatch(FleeRuleset& rules, AgentStore& a, DayTally& t, std::uint32_t* ended)
        : rules_(rules), t_(t), region_(a.region.data()), from_(a.from.data()), km_left_(a.km_left.data()),
          head_(rules.walks_.head.data()), move32_(rules.move32_.data()), ended_(ended),
          speed_(static_cast<float>(rules.f_.move.max_move_speed)) {}

    // The mover's state into the agent columns.
    void write_back(const Mover& m) {
        region_[m.id] = m.region;
        from_[m.id] = m.from;
        km_left_[m.id] = m.km_left;
    }

    // A standing agent that passed its move test, its walk's alias entry prefetched:
    // it waits for the batch's lookups.
    void queue_standing(const Mover& m) {
        standing_[standing_count_++] = m;
        if (standing_count_ == batch) flush_standing();
    }

    // A mover with km covered today that decides again at m.region.
    void decide_again(const Mover& m) {
        going_[going_count_++] = m;
        while (going_count_ >= batch) lookup_round();
    }

    // Resolves every mover still waiting in either queue.
    void finish() {
        flush_standing();
        while (going_count_ > 0) lookup_round();
    }

private:
    static constexpr int batch = 32;

    // The queued standing movers' walks (their move test passed: no draw to make), their
    // nodes prefetched for all of them first; those whose walk goes on join `going_`.
    void flush_standing() {
        const FleeWalkHead* head = head_;
        std::uint32_t* ended = ended_;
        const int queued = standing_count_;
        for (int i = 0; i < queued; ++i) {
            Mover& m = standing_[i];
            const FleeWalkHead& h = head[m.region];
            m.node = flee_walk_pick(h.slots, h.moving_size, static_cast<std::uint32_t>(m.bits));
            __builtin_prefetch(h.slots + m.node);
            __builtin_prefetch(ended + h.offset + m.node, 1);
        }
        int on = going_count_;
        for (int i = 0; i < queued; ++i) {
            Mover m = standing_[i];
            const FleeWalkHead& h = head[m.region];
            ++ended[h.offset + m.node];
            const FleeWalkNode& v = h.slots[m.node].node;
            end_at(m.region, m.from, m.km_left, v);
            m.moved = v.km;
            m.hop = 1;
            write_back(m);
            going_[on] = m;
            on += v.km_left < 0.0f;
        }
        going_count_ = on;
        standing_count_ = 0;
        while (going_count_ >= batch) lookup_round();
    }

    // One lookup for every mover in `going_`, in three passes so that the table loads of
    // all of them are in flight together (each pass prefetches what the next reads):
    // the draw and move test, the alias entry, then the node. No branches on the draws
    // (they would be mispredicted half the time): every mover's state is written back
    // after each pass, and those that go on are kept by index arithmetic.
    void lookup_round() {
        const FleeWalkHead* head = head_;
        const std::uint32_t* move32 = move32_;
        std::uint32_t* ended = ended_;
        const float speed = speed_;
        int on = going_count_;
        int k = 0;
        for (int i = 0; i < on; ++i) {
            Mover m = going_[i];
            const FleeWalkHead& h = head[m.region];
            if (h.moving_size == 0) [[unlikely]] {
                // Deciding again where a closure touches a link (per-hop path) or where
                // no link leads out (stays).
                if (rules_.walks_.at[m.region].per_hop) {
                    FleeRuleset::Leg g{m.region, m.from, 0.0f};
                    g.moved = m.moved;
                    rules_.hop_per_hop(m.id, m.bits, m.hop, g, t_);
                    m.region = g.region, m.from = g.from, m.km_left = g.km_left;
                }
                write_back(m);
                continue;
            }
            const std::uint64_t b = hop_bits(m.bits, Salt::walk_hop, static_cast<std::uint64_t>(m.hop));
            const std::uint32_t pass = move32[m.region];
            const bool moves = (static_cast<std::uint32_t>(b >> 32) < pass) | (pass == always32);
            m.u = static_cast<std::uint32_t>(b);
            __builtin_prefetch(h.slots + 1 + (static_cast<std::uint64_t>(m.u) * h.moving_size >> 32));
            write_back(m);  // final if the move test fails: stays
            going_[k] = m;
            k += moves;
        }
        on = k;
        for (int i = 0; i < on; ++i) {
            Mover& m = going_[i];
            const FleeWalkHead& h = head[m.region];
            m.node = flee_walk_pick(h.slots, h.moving_size, m.u);
            __builtin_prefetch(h.slots + m.node);
            __builtin_prefetch(ended + h.offset + m.node, 1);
        }
        k = 0;
        for (int i = 0; i < on; ++i) {
            Mover m = going_[i];
            const FleeWalkHead& h = head[m.region];
            const FleeWalkSlot* slot = h.slots;
            std::uint32_t n = m.node;
            if (!(m.moved + slot[n].km_before < speed)) [[unlikely]] {
                // The credit runs out on the way: the walk stops at the first arrival
                // that uses it up (its draws do not depend on the km covered).
                do n = static_cast<std::uint32_t>(slot[n].parent);
                while (!(m.moved + slot[n].km_before < speed));
            }
            ++ended[h.offset + n];
            const FleeWalkNode& v = slot[n].node;
            end_at(m.region, m.from, m.km_left, v);
            m.moved += v.km;
            write_back(m);
            ++m.hop;
            going_[k] = m;
            k += (v.km_left < 0.0f) & (m.moved < speed);
        }
        going_count_ = k;
    }

    FleeRuleset& rules_;
    DayTally& t_;
    RegionIndex* region_;
    RegionIndex* from_;
    float* km_left_;
    const FleeWalkHead* head_;
    const std::uint32_t* move32_;
    std::uint32_t* ended_;  // per walk node: walks ended there (this thread's counts)
    float speed_;
    Mover standing_[batch];
    int standing_count_ = 0;
    Mover going_[2 * batch];
    int going_count_ = 0;
};

// The block's span of consecutive ids, cut where the high 32 bits of the ids change:
// the fast move test takes a 32-bit index (rules/id32_runs.hpp).
void FleeRuleset::move_with_walks(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                                  AgentStore& a, DayTally& t, std::uint32_t* ended) {
    for_each_id32_run(begin, end, first_gid, [&](std::size_t from, std::size_t stop, std::uint64_t gid, std::uint64_t hi) {
        walk_slice(from, stop, gid, key_for_high_bits(key, hi), a, t, ended);
    });
}

void FleeRuleset::walk_slice(std::size_t begin, std::size_t end, std::uint64_t first_gid, std::uint64_t key,
                             AgentStore& a, DayTally& t, std::uint32_t* ended) {
    const FleeTables& T = tables_[0];
    const RegionIndex* region = a.region.data();
    const float* km_left = a.km_left.data();
    const FleeWalkHead* head = walks_.head.data();
    const bool on_foot = !arrived_once_.empty();  // start_on_foot: walks once arrived
    // The walk's and hops' draws: 64 bits per agent from a stream of their own.
    const std::uint64_t walk_key = salted_key(key, Salt::walk);
    const float speed = static_cast<float>(f_.move.max_move_speed);
    const std::size_t n = end - begin;
    alignas(64) std::uint8_t flag[flee_block_size + 8] = {};
    flee_flag_block(&region[begin], &km_left[begin], move32_.data(), key, static_cast<std::uint32_t>(first_gid), n, flag);
    FleeWalkBatch movers(*this, a, t, ended);
    // Only flagged agents: travellers, and standing agents that passed the move test
    // (rules/flagged.hpp). Their dispatch stays here, the slice's invariants in locals:
    // read from the batch's members instead, they cost loads on every flagged agent
    // (6-8 % more CPU on the Flee cases, measured).
    for_each_flagged(flag, n, [&](std::size_t k) {
        const std::size_t id = begin + k;
        const std::uint64_t gid = first_gid + k;
        // start_on_foot, first journey: credited max_walk_speed per hop, which the
        // walk tables (built for max_move_speed) do not cover: the per-hop path.
        const bool still_on_foot = on_foot && !arrived_once_[id];
        if (km_left[id] > 0.0f) {
            if (still_on_foot) return move_agent(id, gid, 0, false, walk_key, a, t, T);
            // On the road: today's credit first (travel()'s first step); still on it
            // after, only km_left changes.
            const float left = km_left[id] - speed;
            if (!(left < 0.0f)) {
                a.km_left[id] = left > 0.0f ? left : flee_not_quite_there;
                return;
            }
            Leg g{region[id], a.from[id], 0.0f};
            ++t.road_leave[g.region];
            const bool arrived = arrive(g, any_closed_ ? link_between(g.from, g.region) : -1, t, T);
            const FleeWalkBatch::Mover m{id, random_bits(walk_key, gid), 0, 1, 0, g.region, g.from, 0.0f, speed + left};
            movers.write_back(m);
            if (arrived && m.moved < speed) movers.decide_again(m);
            return;
        }
        const std::uint64_t bits = random_bits(walk_key, gid);
        const RegionIndex r = region[id];
        const FleeWalkHead& h = head[r];
        if (h.moving_size == 0 || still_on_foot) {
            // Per-hop path (closures here, or on foot), or no link out (stays). The
            // move test is passed: decide() sees high bits of 0.
            if (walks_.at[r].per_hop || still_on_foot) move_agent(id, gid, bits & 0xffffffffULL, true, walk_key, a, t, T);
            return;
        }
        __builtin_prefetch(h.slots + 1 + ((static_cast<std::uint64_t>(static_cast<std::uint32_t>(bits)) * h.moving_size) >> 32));
        movers.queue_standing(FleeWalkBatch::Mover{id, bits, 0, 0, 0, r, a.from[id], 0.0f, 0.0f});
    });
    movers.finish();
}

}  // namespace migflow::detail
