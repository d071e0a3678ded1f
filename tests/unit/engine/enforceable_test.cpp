// compile() refuses, at the rule, every rule the target kernel cannot
// enforce, and only those; with no kernel in view it refuses nothing.
#include <gtest/gtest.h>

#include "palisade/abi.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/compile.h"

namespace palisade::engine {
namespace {

const char *kPolicy = R"(policy "p" mode enforce {
  deny exec when path == "/usr/bin/nc"
  deny open when path == "/etc/shadow"
  deny unlink when path == "/etc/shadow"
  deny rename when path under "/etc"
  deny connect when port == 22
  deny listen when port == 8080
}
)";

// The rendered diagnostics; `ok` says whether compile() succeeded.
std::string compile_for(const TargetCaps &caps, bool &ok) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules("p.rules", kPolicy, diags);
  EXPECT_TRUE(file) << diags.render();
  std::vector<dsl::PolicyFile> files;
  files.push_back(std::move(*file));
  ok = compile(files, caps, 0, diags).has_value();
  return diags.render();
}

TargetCaps caps(uint32_t exec, uint32_t file, uint32_t net, uint32_t listen) {
  TargetCaps c;
  c.known = true;
  c.mechanism = {exec, file, net, listen};
  c.why = {"exec evidence", "file evidence", "net evidence", "listen evidence"};
  return c;
}

TEST(Enforceable, NoKernelInViewRefusesNothing) {
  bool ok = false;
  EXPECT_EQ(compile_for(TargetCaps{}, ok), "");
  EXPECT_TRUE(ok);
}

TEST(Enforceable, EveryHookEnforcedRefusesNothing) {
  bool ok = false;
  EXPECT_EQ(compile_for(caps(PAL_MECH_LSM, PAL_MECH_FMOD_RET, PAL_MECH_CGROUP,
                             PAL_MECH_LSM),
                        ok),
            "");
  EXPECT_TRUE(ok);
}

TEST(Enforceable, TracepointFallbackRefusesFileEventsButOpenAtEachRule) {
  bool ok = true;
  const std::string out =
      compile_for(caps(PAL_MECH_TP_SIGKILL, PAL_MECH_TP_SIGKILL,
                       PAL_MECH_CGROUP, PAL_MECH_NONE),
                  ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("p.rules:4:3: error: unlink rules cannot be enforced on "
                     "this kernel (only opens are enforced by the tracepoint "
                     "fallback: an unlink leaves no kernel-resolved file at "
                     "syscall exit)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("p.rules:5:3: error: rename rules cannot be enforced"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("p.rules:7:3: error: listen rules cannot be enforced on "
                     "this kernel (listen evidence)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("hint: these events need BPF LSM (boot with 'bpf' in "
                     "lsm=) or fmod_ret programs"),
            std::string::npos)
      << out;
  // exec, open and connect are enforced: no error at lines 2, 3, 6.
  for (const char *line : {"p.rules:2:", "p.rules:3:", "p.rules:6:"})
    EXPECT_EQ(out.find(line), std::string::npos) << line << "\n" << out;
}

TEST(Enforceable, NoCgroupRefusesConnectWithItsOwnHint) {
  bool ok = true;
  const std::string out = compile_for(
      caps(PAL_MECH_LSM, PAL_MECH_LSM, PAL_MECH_NONE, PAL_MECH_LSM), ok);
  EXPECT_FALSE(ok);
  EXPECT_NE(out.find("p.rules:6:3: error: connect rules cannot be enforced on "
                     "this kernel (net evidence)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("hint: connect and bind rules need a mounted cgroup v2 "
                     "hierarchy"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("error: listen"), std::string::npos) << out;
}

} // namespace
} // namespace palisade::engine
