// Verifier headroom on this machine's kernel: every BPF object the project
// builds, each program loaded on its own, must stay within half of the
// verifier's 1,000,000-instruction limit, and every program of a kind this
// kernel runs must load. The same judgement as `enforcectl probe
// --verifier`, which the vm tier runs on each kernel of the matrix; here
// it also covers the test and bench objects, which enforcectl does not
// carry. The table is printed for docs/mechanisms.md.
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <gtest/gtest.h>

#include "match_bench.skel.h"
#include "match_test.skel.h"
#include "palisade/enforce/kernel_fs.h"
#include "palisade/enforce/verifier_report.h"
#include "require_root.h"

namespace palisade::enforce {
namespace {

std::vector<BpfObjectBytes> all_objects() {
  auto objects = enforcement_objects();
  BpfObjectBytes t{"match_test", nullptr, 0}, b{"match_bench", nullptr, 0};
  t.data = pal_match_test__elf_bytes(&t.size);
  b.data = pal_match_bench__elf_bytes(&b.size);
  objects.push_back(t);
  objects.push_back(b);
  return objects;
}

TEST(VerifierHeadroom, EveryProgramLoadsWithinHalfTheLimit) {
  PALISADE_REQUIRE_ROOT();
  ensure_kernel_filesystems(); // tracepoints need tracefs
  std::vector<ProgramVerification> report;
  for (const BpfObjectBytes &object : all_objects()) {
    auto programs = verify_each_program(object);
    // An object that yields nothing would pass every check below.
    ASSERT_FALSE(programs.empty()) << object.name;
    for (auto &v : programs) {
      std::printf("%-11s %-24s %-40s %8u %s\n", v.object.c_str(),
                  v.program.c_str(), v.section.c_str(), v.insns,
                  v.loaded ? "" : v.refusal.c_str());
      // Tracepoints, raw and BTF tracepoints run on every kernel we
      // support: a refusal of one is ours to fix.
      if (optional_kind(v.section).empty())
        EXPECT_TRUE(v.loaded)
            << v.object << "/" << v.program << ": " << v.refusal;
      if (v.loaded)
        EXPECT_GT(v.insns, 0u)
            << v.object << "/" << v.program << ": no count read back";
      report.push_back(std::move(v));
    }
  }
  for (const auto &f : verifier_failures(report, kVerifierBudget))
    ADD_FAILURE() << f;
}

} // namespace
} // namespace palisade::enforce
