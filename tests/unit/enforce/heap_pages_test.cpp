// enforcectl backs the heap a compile grows into with huge pages: the
// kernel must have the advice on the heap mapping, and a multi-MiB buffer
// (a policy's text, a map image) must land inside it rather than in a
// separate 4 KiB-page mmap.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "palisade/enforce/heap_pages.h"

namespace palisade::enforce {
namespace {

// The VmFlags line of the /proc/self/smaps mapping that holds `addr`.
std::string vm_flags_of(const void *addr) {
  auto a = reinterpret_cast<uintptr_t>(addr);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 &&
        line.find(':') > line.find(' '))
      inside = lo <= a && a < hi;
    else if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}

// Runs in a child (a death test forks): the advice changes this process's
// allocator for good.
[[noreturn]] void advise_and_check() {
  size_t advised = prefer_huge_heap_pages();
  if (advised < kHugeHeapBytes - (size_t{2} << 20)) {
    std::fprintf(stderr, "advised only %zu bytes\n", advised);
    std::exit(1);
  }
  void *volatile text = std::malloc(size_t{16} << 20);
  std::memset(text, 1, size_t{16} << 20);
  // Its middle: only the 2 MiB-aligned blocks of the range get huge pages,
  // so where the range starts hardly matters.
  std::string flags = vm_flags_of(static_cast<char *>(text) + (8 << 20));
  if (flags.find(" hg") == std::string::npos) {
    std::fprintf(stderr,
                 "a 16 MiB buffer is in a mapping without the "
                 "advice: '%s'\n",
                 flags.c_str());
    std::exit(1);
  }
  std::exit(0);
}

// AddressSanitizer brings its own allocator: glibc's heap, which the
// advice is for, is not where malloc puts anything then.
#if defined(__SANITIZE_ADDRESS__)
#define PALISADE_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PALISADE_OWN_ALLOCATOR 1
#endif
#endif

TEST(HeapPages, BigBuffersLandInTheAdvisedHeap) {
#ifdef PALISADE_OWN_ALLOCATOR
  GTEST_SKIP() << "built with AddressSanitizer, whose malloc is not glibc's";
#endif
  EXPECT_EXIT(advise_and_check(), testing::ExitedWithCode(0), "");
}

} // namespace
} // namespace palisade::enforce
