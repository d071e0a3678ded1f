#include "palisade/enforce/heap_pages.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace palisade::enforce {

size_t prefer_huge_heap_pages() {
  // Grow the heap in one step, and never give the top back: a range the
  // kernel re-grows later is a new mapping without the advice.
  mallopt(M_TOP_PAD, static_cast<int>(kHugeHeapBytes));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kHugeHeapBytes));
  // Multi-MiB buffers (a policy's text, a map image) would otherwise be
  // mmap()ed apart from the advised range, in 4 KiB pages.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);

  // Larger than a fresh heap's top, so malloc grows the heap now; the
  // free range then runs from this block to the break. Through a volatile
  // pointer: a compiler may drop a malloc/free pair otherwise.
  void *volatile grow = std::malloc(1 << 20);
  // madvise() takes a page-aligned start; the kernel uses a huge page for
  // each 2 MiB-aligned block inside the range.
  auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  auto from = reinterpret_cast<uintptr_t>(grow) & ~(page - 1);
  std::free(grow);
  void *brk_end = sbrk(0);
  auto to = reinterpret_cast<uintptr_t>(brk_end);
  if (!grow || brk_end == reinterpret_cast<void *>(-1) || to <= from)
    return 0;
  if (madvise(reinterpret_cast<void *>(from), to - from, MADV_HUGEPAGE) != 0)
    return 0;
  return to - from;
}

} // namespace palisade::enforce
