// `enforcectl mode POLICY enforce|audit`: switch a policy of the running
// enforcement between enforce and audit. One map write: the
// programs stay loaded and the rules never leave the kernel.
#include <cstdio>
#include <memory>
#include <unistd.h>

#include "commands.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce::cli {

namespace {

struct ModeOptions {
  std::string policy, mode;
};

int switch_mode(const ModeOptions &o) {
  if (int status; daemon_set_mode(o.policy, o.mode, status))
    return status;
  if (geteuid() != 0) {
    std::fputs("enforcectl mode: needs root (it writes a BPF map)\n", stderr);
    return 1;
  }
  const dsl::Mode mode =
      o.mode == "enforce" ? dsl::Mode::Enforce : dsl::Mode::Audit;
  ModeChange change;
  std::string error;
  if (!set_running_policy_mode(o.policy, mode, change, error)) {
    std::fprintf(stderr, "enforcectl mode: %s\n", error.c_str());
    return 1;
  }
  std::printf("policy \"%s\" (pid %d): %s -> %s\n", o.policy.c_str(),
              change.pid, dsl::keyword(change.from), dsl::keyword(mode));
  return 0;
}

} // namespace

void add_mode(CLI::App &app, int &status) {
  auto o = std::make_shared<ModeOptions>();
  CLI::App *cmd = app.add_subcommand(
      "mode", "Switch a policy between enforce and audit: one map write, no "
              "reload (root). With palisaded: a policy file of `list`; "
              "with `enforcectl run`: a policy of its files.");
  cmd->add_option("policy", o->policy, "the policy (file)'s name")->required();
  cmd->add_option("mode", o->mode, "enforce or audit")
      ->required()
      ->check(CLI::IsMember({"enforce", "audit"}));
  cmd->callback([o, &status] { status = switch_mode(*o); });
}

} // namespace palisade::enforce::cli
