#pragma once
// A std::vector whose resize() leaves new elements of trivial types unwritten: columns of
// hundreds of millions of entries that the caller fills at once (in parallel, so that
// their pages are first touched by the threads that use them) are then written once,
// not zero-filled by one thread first. Large blocks ask Linux for transparent huge pages
// (MADV_HUGEPAGE, honoured in the common `madvise` THP mode): a first touch then maps
// 2 MiB instead of 4 KiB, so creating a billion agents takes thousands of page faults,
// not millions.
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace migflow {

namespace detail {
inline constexpr std::size_t huge_page_bytes = std::size_t(2) << 20;
// Blocks from this size on are huge-page aligned and advised (smaller ones would waste
// up to a huge page each).
inline constexpr std::size_t huge_block_from = std::size_t(16) << 20;
}  // namespace detail

template <class T, class Base = std::allocator<T>>
struct DefaultInitAllocator : Base {
    using Base::Base;
    template <class U>
    struct rebind {
        using other = DefaultInitAllocator<U, typename std::allocator_traits<Base>::template rebind_alloc<U>>;
    };
    // Value-less construction default-initialises (nothing, for trivial T) instead of
    // value-initialising (zeroing).
    T* allocate(std::size_t n) {
#if defined(__linux__)
        const std::size_t bytes = n * sizeof(T);
        if (bytes >= detail::huge_block_from) {
            const std::size_t rounded = (bytes + detail::huge_page_bytes - 1) / detail::huge_page_bytes * detail::huge_page_bytes;
            void* p = std::aligned_alloc(detail::huge_page_bytes, rounded);
            if (!p) throw std::bad_alloc();
            ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a refusal changes nothing else
            return static_cast<T*>(p);
        }
#endif
        return Base::allocate(n);
    }
    void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
        if (n * sizeof(T) >= detail::huge_block_from) return std::free(p);
#endif
        Base::deallocate(p, n);
    }
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args) {
        std::allocator_traits<Base>::construct(static_cast<Base&>(*this), p, std::forward<Args>(args)...);
    }
};

template <class T>
using UninitVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace migflow
