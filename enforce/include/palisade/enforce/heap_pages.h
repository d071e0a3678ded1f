// Huge pages for the heap a policy compile grows into.
//
// A cold compile of 10k rules first-touches ~26 MiB of fresh heap, 6,600
// 4 KiB pages; on a virtual machine with shadow paging each first touch
// costs 13-15 us, two thirds of the whole compile. Backed by 2 MiB
// transparent huge pages the whole compile takes ~720 faults instead of
// ~6,660 (docs/testing.md, "Benchmarks").
#pragma once

#include <cstddef>

namespace palisade::enforce {

// Address space the advice covers: the heap `check` needs for 100k rules
// (~240 MiB at its peak; a slot holds at most PAL_MAX_RULES, 16k). Past
// it the heap grows into a mapping without the advice, and a 100k-rule
// compile that outgrew a 64 MiB range ran 40% slower than with no advice
// at all. Address space only: a page costs memory once it is touched.
inline constexpr size_t kHugeHeapBytes = size_t{256} << 20;

// Call first thing in main(), before the heap grows. Makes malloc grow the
// heap by kHugeHeapBytes at once, keep buffers of up to 32 MiB on it, and
// asks the kernel (madvise MADV_HUGEPAGE) to back that range with
// transparent huge pages. Without THP ("never" in
// /sys/kernel/mm/transparent_hugepage/enabled) the advice changes nothing.
// Returns the bytes advised (0 when the heap did not grow or madvise
// refused), which the unit test checks.
size_t prefer_huge_heap_pages();

} // namespace palisade::enforce
