// What a running `enforcectl run` publishes so that other commands can act
// on it without a daemon: its config and policies maps pinned in bpffs, and
// its policies' names and indexes in a JSON file. Switching a policy's mode
// from outside is then one write to the pinned policies map: no reload, no
// window without rules.
//
//   /sys/fs/bpf/palisade/run-<pid>/config     pal_config   (see docs/abi.md)
//   /sys/fs/bpf/palisade/run-<pid>/policies   pal_policies
//   /run/palisade/run-<pid>.json  {"pid":N,"policies":[{"name":..,"index":..}]}
#pragma once

#include <string>

#include "palisade/abi.h"
#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/engine/compile.h"
#include "palisade/enforce/policy_maps.h"

namespace palisade::enforce {

// Publishes on construction (see ok()/error()), removes on destruction.
// Leftovers of runs that died are removed first.
class RunState {
public:
  RunState(const PolicyMapSet &maps, const engine::CompiledPolicy &compiled);
  ~RunState();
  RunState(const RunState &) = delete;
  RunState &operator=(const RunState &) = delete;

  const std::string &error() const { return error_; }

private:
  std::string pin_dir_, state_file_, error_;
};

struct RunningPolicy {
  std::string name;
  uint32_t index = 0;
  dsl::Mode mode = dsl::Mode::Enforce; // as the kernel has it now
};

// One live `enforcectl run`, read back from its pinned maps.
struct RunningEnforcement {
  int pid = 0;
  uint32_t mechanism[PAL_HOOKS] = {}; // PAL_MECH_* per PAL_HOOK_*
  std::vector<RunningPolicy> policies;
};

// Every live run that published its state. Runs whose maps cannot be read
// are left out and named in `problems`.
std::vector<RunningEnforcement> running_enforcements(std::string &problems);

struct ModeChange {
  int pid = 0;             // the run that owns the policy
  dsl::Mode from = dsl::Mode::Enforce;
};

// Sets the mode of policy `name` in the running `enforcectl run` that has
// it (`pid` 0: the only one that has it). Returns false with `error` set
// if no run, or more than one, has that policy.
bool set_running_policy_mode(const std::string &name, dsl::Mode mode, int pid,
                             ModeChange &change, std::string &error);

} // namespace palisade::enforce
