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
//                                         process (palisaded; not `run`)
//   /run/palisade/enforcement.json        {"pid":N,"persistent":bool,
//                                          "build":"<enforcer_build_id()>",
//                                          "drops_reported":N,"policies":
//                                          [{"name":..,"index":..}]}
//   /run/palisade/enforcement.lock        flock()ed by the holder: the claim
//
// The lock is the claim, so two processes never both enforce; the kernel
// releases it when its holder dies. What a dead holder left goes with the
// next claim, unless it was persistent (pinned links: the programs still
// enforce): then the claimer adopts it, replaces it, or refuses to start
// (Session). The JSON file is replaced whole (one rename) on every change.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "palisade/abi.h"
#include "palisade/dsl/ast.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

class Enforcer;

inline constexpr char kPinRoot[] = "/sys/fs/bpf/palisade";
inline constexpr char kStateFile[] = "/run/palisade/enforcement.json";
inline constexpr char kLockFile[] = "/run/palisade/enforcement.lock";

struct RunningPolicy {
  std::string name;
  uint32_t index = 0;
  dsl::Mode mode = dsl::Mode::Enforce; // as the kernel has it now
};

// A persistent enforcement whose process is gone: its pinned links keep
// its programs enforcing the policies of its active slot.
struct LeftEnforcement {
  int pid = 0;
  std::string build;                   // enforcer_build_id() of its programs
  uint64_t drops_reported = 0;         // lost records its holder had reported
  std::vector<RunningPolicy> policies; // names and indexes, no modes
};

class RunState {
public:
  // Claims the enforcement for this process. Null, with `error` naming
  // the holder, while another live process holds it. `persistent`: what
  // this process publishes is to outlive it (links pinned too).
  static std::unique_ptr<RunState> claim(bool persistent, std::string &error);
  // Releases the claim. The pins and the file go, unless keep() was
  // called, or they are a left enforcement this process neither adopted
  // nor replaced.
  ~RunState();
  RunState(const RunState &) = delete;
  RunState &operator=(const RunState &) = delete;

  // A persistent enforcement a dead holder left in force, found by claim().
  const std::optional<LeftEnforcement> &left() const { return left_; }
  // This process now owns the left enforcement's pins (Enforcer::adopt).
  void adopted() { owns_pins_ = true, pinned_ = true; }

  // Pins `enforcer`'s maps (and, persistent, links) once, first removing
  // a left enforcement's pins (its links go: the new programs are
  // attached already), and records `compiled`'s policies.
  bool publish(const Enforcer &enforcer, const engine::CompiledPolicy &compiled,
               std::string &error);
  // Records the lost records reported so far, for the next holder.
  bool record_drops(uint64_t reported, std::string &error);
  // At release, leave the enforcement in force (persistent only).
  void keep() { keep_ = persistent_; }

private:
  RunState() = default;
  bool write(std::string &error) const;
  // A left enforcement is in force that this process has not taken over.
  bool left_untaken() const { return left_ && !owns_pins_; }

  int lock_fd_ = -1;
  bool persistent_ = false, pinned_ = false, owns_pins_ = false, keep_ = false;
  std::optional<LeftEnforcement> left_;
  nlohmann::json policies_ = nlohmann::json::array();
  uint64_t drops_reported_ = 0;
};

// The live enforcement, read back from its pinned maps.
struct RunningEnforcement {
  int pid = 0;
  // false: a persistent enforcement whose process is gone (palisaded
  // killed); its programs still enforce, nobody reads its events.
  bool holder_alive = true;
  uint32_t mechanism[PAL_HOOKS] = {}; // PAL_MECH_* per PAL_HOOK_*
  std::vector<RunningPolicy> policies;
  // The programs attached through pinned links (palisaded's), by program
  // name, with the kernel's program id: the same ids after a restart
  // mean the same programs, adopted rather than loaded again.
  struct Program {
    std::string name;
    uint32_t id = 0;
  };
  std::vector<Program> pinned_programs;
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
