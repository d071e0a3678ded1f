// The verifier headroom judgement (enforce/verifier_report.h): which
// reports fail CI. The loads themselves are proven in the host and vm
// tiers; here, the rules that read them.
#include <gtest/gtest.h>

#include "palisade/enforce/verifier_report.h"

namespace palisade::enforce {
namespace {

ProgramVerification loaded(std::string object, std::string section,
                           uint32_t insns) {
  ProgramVerification v;
  v.object = std::move(object);
  v.program = "p_" + section;
  v.section = std::move(section);
  v.loaded = true;
  v.insns = insns;
  return v;
}

ProgramVerification refused(std::string object, std::string section) {
  ProgramVerification v = loaded(std::move(object), std::move(section), 0);
  v.loaded = false;
  v.refusal = "Operation not permitted";
  return v;
}

TEST(VerifierReport, KindsBySectionPrefix) {
  EXPECT_EQ(optional_kind("lsm/file_open"), "lsm");
  EXPECT_EQ(optional_kind("lsm.s/file_open"), "lsm");
  EXPECT_EQ(optional_kind("fmod_ret/security_file_open"), "fmod_ret");
  EXPECT_EQ(optional_kind("cgroup/connect4"), "cgroup");
  EXPECT_EQ(optional_kind("kprobe/do_rmdir"), "kprobe");
  EXPECT_EQ(optional_kind("tracepoint/syscalls/sys_exit_open"), "");
  EXPECT_EQ(optional_kind("tp_btf/sched_process_exec"), "");
  EXPECT_EQ(optional_kind("lsmx/odd"), ""); // a prefix is not a kind
}

TEST(VerifierReport, OverBudgetFailsAndNamesTheProgram) {
  auto f = verifier_failures({loaded("file", "tracepoint/x", 500001),
                              loaded("file", "tracepoint/y", 500000)},
                             kVerifierBudget);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("file/p_tracepoint/x"), std::string::npos) << f[0];
  EXPECT_NE(f[0].find("500001"), std::string::npos) << f[0];
}

TEST(VerifierReport, RefusedKindIsExcusedOnlyWhenTheProbeOfItIsRefusedToo) {
  // The host: the kernel refuses every LSM program, the probe's included.
  EXPECT_TRUE(verifier_failures({refused("probe", "lsm/file_open"),
                                 refused("exec", "lsm/bprm_check_security")},
                                kVerifierBudget)
                  .empty());
  // The tiny probe loads but the real program does not: the verifier
  // refused ours, which is what this check exists to catch.
  auto f = verifier_failures({loaded("probe", "lsm/file_open", 10),
                              refused("exec", "lsm/bprm_check_security")},
                             kVerifierBudget);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_NE(f[0].find("refused"), std::string::npos);
}

TEST(VerifierReport, TracepointsAreNeverExcused) {
  auto f =
      verifier_failures({refused("probe", "lsm/file_open"),
                         refused("file", "tracepoint/syscalls/sys_exit_open")},
                        kVerifierBudget);
  EXPECT_EQ(f.size(), 1u);
}

TEST(VerifierReport, AKindTheProbeDoesNotCoverIsNotExcused) {
  // No probe program of kind kprobe in the report: nothing says the
  // kernel refuses kprobes, so a refused one fails.
  EXPECT_EQ(
      verifier_failures({refused("exec", "kprobe/do_rmdir")}, kVerifierBudget)
          .size(),
      1u);
}

TEST(VerifierReport, TheProbesOwnRefusalsAreAnswers) {
  EXPECT_TRUE(verifier_failures({refused("probe", "kprobe/security_file_open"),
                                 refused("probe", "cgroup/connect4")},
                                kVerifierBudget)
                  .empty());
}

} // namespace
} // namespace palisade::enforce
