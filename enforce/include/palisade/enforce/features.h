// Which enforcement mechanism really runs on this kernel, per hook.
// A mechanism is chosen only after it is proven to run, not just to load:
// an LSM program attaches fine when "bpf" is not an active LSM, then never
// runs (see ../shared/design/kernel-facts.md).
#pragma once

#include <cstdint>
#include <string>

namespace palisade::enforce {

struct ExecFeatures {
  std::string lsm_list;       // /sys/kernel/security/lsm, "" if unreadable
  bool bpf_lsm_listed = false;
  bool lsm_prog_runs = false; // a probe program loaded, attached and ran
  std::string lsm_detail;     // why LSM was or was not chosen
  uint32_t mechanism = 0;     // PAL_MECH_* chosen for exec
};

// Probes the running kernel. Needs root. Never throws.
ExecFeatures probe_exec_features();

// "lsm", "fmod_ret", "kprobe+override", "tracepoint+sigkill", "none".
const char *mechanism_name(uint32_t mech);

// What a mechanism cannot guarantee, for `status` and the start banner.
const char *mechanism_guarantee(uint32_t mech);

} // namespace palisade::enforce
