// Which enforcement mechanism really runs on this kernel, per hook.
// A mechanism is chosen only after it is proven to run, not just to load:
// an LSM program attaches fine when "bpf" is not an active LSM, then never
// runs (docs/mechanisms.md, "How the choice is made"; measured per kernel in
// docs/kernels.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "palisade/abi.h"

namespace palisade::enforce {

// Per hook (PAL_HOOK_*), the strongest mechanism proven to run:
//   exec: lsm > fmod_ret > tracepoint+sigkill
//   file: lsm > fmod_ret > tracepoint+sigkill for opens only (an open's
//         struct file is in the fd table at syscall exit; unlink, rename,
//         chmod and chown leave nothing to resolve, so their rules are
//         refused then)
//   listen: lsm > fmod_ret > none (no weaker hook sees the kernel's own
//         socket before the action, so such rules cannot be enforced then)
//   connect/bind: cgroup socket hooks at the cgroup v2 root > none
// kprobe+override is not offered: the kernels here lack kprobes or
// CONFIG_FUNCTION_ERROR_INJECTION (docs/mechanisms.md).
struct Features {
  std::string lsm_list; // /sys/kernel/security/lsm, "" if unreadable
  bool bpf_lsm_listed = false;
  bool lsm_prog_runs = false; // a probe program loaded, attached and ran
  std::string lsm_detail;     // why LSM was or was not chosen
  bool fmod_ret_runs = false; // an fmod_ret probe program ran
  std::string fmod_ret_detail;
  // Evidence only: whether a kprobe calling bpf_override_return loads.
  bool kprobe_override_loads = false;
  std::string kprobe_override_detail;
  // PAL_MECH_* per PAL_HOOK_* (the ladder above); PAL_MECH_NONE: that
  // hook's rules cannot be enforced here.
  std::array<uint32_t, PAL_HOOKS> mechanism{};
  std::string cgroup_root;   // where net programs attach
  std::string cgroup_detail; // why cgroup was or was not chosen

  // One line: why the hook got its mechanism.
  std::string why(uint32_t hook) const;
};

// Probes the running kernel. Needs root. Never throws.
Features probe_features();

// "lsm", "fmod_ret", "kprobe+override", "tracepoint+sigkill", "cgroup",
// "none".
const char *mechanism_name(uint32_t mech);

// "exec", "file", "connect/bind", "listen".
const char *hook_name(uint32_t hook);

// What a mechanism cannot guarantee on a hook, for `status` and the banner.
const char *mechanism_guarantee(uint32_t hook, uint32_t mech);

} // namespace palisade::enforce
