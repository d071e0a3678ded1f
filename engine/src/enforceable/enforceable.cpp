// check_enforceable(): a rule that nothing on the target kernel would
// enforce (or even see) is an error at the rule, not a rule that looks
// active. Which mechanism runs per hook is the probe's finding, handed in
// as TargetCaps; which events a mechanism covers is known here.
#include <palisade/abi.h>

#include "catalog/field_catalog.h"
#include "passes.h"

namespace palisade::engine {
namespace {

// Why `mech` does not enforce `event` on its hook, or "" when it does.
std::string not_enforced_because(const EventSpec &event, uint32_t mech,
                                 const std::string &why) {
  if (mech == PAL_MECH_NONE)
    return why.empty() ? "no mechanism for this hook runs here" : why;
  // At syscall exit an open's struct file is in the fd table; an unlink,
  // rename, chmod or chown leaves nothing the kernel resolved.
  if (event.hook == PAL_HOOK_FILE && mech == PAL_MECH_TP_SIGKILL &&
      event.abi_id != PAL_EVENT_OPEN)
    return "only opens are enforced by the tracepoint fallback: an " +
           std::string(event.name) +
           " leaves no kernel-resolved file at syscall exit";
  return "";
}

const char *what_it_needs(uint32_t hook) {
  return hook == PAL_HOOK_NET
             ? "connect and bind rules need a mounted cgroup v2 hierarchy"
             : "these events need BPF LSM (boot with 'bpf' in lsm=) or "
               "fmod_ret programs";
}

} // namespace

bool check_enforceable(const Resolved &resolved, const TargetCaps &caps,
                       dsl::Diagnostics &diags) {
  if (!caps.known)
    return true;
  bool ok = true;
  for (const ResolvedRule &rule : resolved.rules) {
    const EventSpec *event = find_event(rule.event);
    if (!event)
      continue; // resolve reported it
    const std::string reason = not_enforced_because(
        *event, caps.mechanism[event->hook], caps.why[event->hook]);
    if (reason.empty())
      continue;
    diags
        .error(rule.loc, std::string(event->name) +
                             " rules cannot be enforced on this kernel (" +
                             reason + ")")
        .hints.push_back(what_it_needs(event->hook));
    ok = false;
  }
  return ok;
}

} // namespace palisade::engine
