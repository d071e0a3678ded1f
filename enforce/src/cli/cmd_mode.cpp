// `enforcectl mode POLICY enforce|audit`: switch a policy of the running
// enforcement between enforce and audit. One map write: the
// programs stay loaded and the rules never leave the kernel.
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "commands.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce::cli {

int cmd_mode(const Args &args) {
  const Args &positional = args;
  if (positional.size() != 2 ||
      (positional[1] != "enforce" && positional[1] != "audit")) {
    std::fputs("usage: enforcectl mode POLICY enforce|audit\n", stderr);
    return 2;
  }
  if (geteuid() != 0) {
    std::fputs("enforcectl mode: needs root (it writes a BPF map)\n", stderr);
    return 1;
  }
  const dsl::Mode mode =
      positional[1] == "enforce" ? dsl::Mode::Enforce : dsl::Mode::Audit;
  ModeChange change;
  std::string error;
  if (!set_running_policy_mode(positional[0], mode, change, error)) {
    std::fprintf(stderr, "enforcectl mode: %s\n", error.c_str());
    return 1;
  }
  std::printf("policy \"%s\" (pid %d): %s -> %s\n", positional[0].c_str(),
              change.pid, dsl::keyword(change.from), dsl::keyword(mode));
  return 0;
}

} // namespace palisade::enforce::cli
