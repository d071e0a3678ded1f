// The machine's one enforcement, published so that other commands (and a
// later process) can find it without asking its owner: the maps its
// programs share pinned by name in bpffs, and who owns it with its
// policies' names in a JSON file. Switching a policy's mode from outside
// is one write to the pinned policies map: no reload, no window without
// rules.
//
//   /sys/fs/bpf/palisade/maps/<map>       every map of the exec object,
//                                         by its name in bpf/lib/maps.h
//                                         (pal_config, pal_policies, ...)
//   /sys/fs/bpf/palisade/links/<program>  the attached programs, when the
//                                         enforcement is to outlive its
//                                         process (not for `run`)
//   /run/palisade/enforcement.json        {"pid":N,"policies":
//                                          [{"name":..,"index":..}]}
//
//   /run/palisade/enforcement.lock        flock()ed by the holder: the claim
//
// The lock is the claim, so two processes never both enforce; the kernel
// releases it when its holder dies, and the next claim clears what that
// one left. The JSON file is replaced whole (one rename) on every change.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "palisade/abi.h"
#include "palisade/dsl/ast.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

class Enforcer;

inline constexpr char kPinRoot[] = "/sys/fs/bpf/palisade";
inline constexpr char kStateFile[] = "/run/palisade/enforcement.json";
inline constexpr char kLockFile[] = "/run/palisade/enforcement.lock";

class RunState {
public:
  // Claims the enforcement for this process. Null, with `error` naming
  // the holder, while another live process holds it.
  static std::unique_ptr<RunState> claim(std::string &error);
  // Releases the claim: the pins and the file go.
  ~RunState();
  RunState(const RunState &) = delete;
  RunState &operator=(const RunState &) = delete;

  // Pins `enforcer`'s maps (once) and records `compiled`'s policies.
  bool publish(const Enforcer &enforcer, const engine::CompiledPolicy &compiled,
               std::string &error);

private:
  RunState() = default;
  int lock_fd_ = -1;
  bool pinned_ = false;
};

struct RunningPolicy {
  std::string name;
  uint32_t index = 0;
  dsl::Mode mode = dsl::Mode::Enforce; // as the kernel has it now
};

// The live enforcement, read back from its pinned maps.
struct RunningEnforcement {
  int pid = 0;
  uint32_t mechanism[PAL_HOOKS] = {}; // PAL_MECH_* per PAL_HOOK_*
  std::vector<RunningPolicy> policies;
};

// The live enforcement, or nullopt when none runs; `problem` says why a
// published one could not be read.
std::optional<RunningEnforcement> running_enforcement(std::string &problem);

struct ModeChange {
  int pid = 0; // the process that owns the enforcement
  dsl::Mode from = dsl::Mode::Enforce;
};

// Sets the mode of policy `name` of the live enforcement.
bool set_running_policy_mode(const std::string &name, dsl::Mode mode,
                             ModeChange &change, std::string &error);

} // namespace palisade::enforce
