#include "palisade/enforce/program_table.h"

#include <cstdio>

#include "exec.skel.h"
#include "file.skel.h"
#include "net.skel.h"

namespace palisade::enforce {
namespace {

constexpr uint32_t kAny = kEveryMechanism;
constexpr uint32_t kLsm = PAL_MECH_LSM, kFmod = PAL_MECH_FMOD_RET,
                   kTp = PAL_MECH_TP_SIGKILL, kCgroup = PAL_MECH_CGROUP;

// clang-format off
constexpr ProgramRole kRoles[] = {
    // exec: the stash of argv at syscall entry, the decision at
    // bprm_check, the record (or, with the tracepoint mechanism, the kill)
    // once the exec is done, and fork/exit for process context.
    {"exec", "pal_sys_execve",   PAL_HOOK_EXEC, kAny,  Attach::Auto},
    {"exec", "pal_sys_execveat", PAL_HOOK_EXEC, kAny,  Attach::Auto},
    {"exec", "pal_exec_done",    PAL_HOOK_EXEC, kAny,  Attach::Auto},
    {"exec", "pal_fork",         PAL_HOOK_EXEC, kAny,  Attach::Auto},
    {"exec", "pal_exit",         PAL_HOOK_EXEC, kAny,  Attach::Auto},
    {"exec", "pal_exec_lsm",     PAL_HOOK_EXEC, kLsm,  Attach::Auto},
    {"exec", "pal_exec_fmod",    PAL_HOOK_EXEC, kFmod, Attach::Auto},

    {"file", "pal_open_lsm",     PAL_HOOK_FILE, kLsm,  Attach::Auto},
    {"file", "pal_unlink_lsm",   PAL_HOOK_FILE, kLsm,  Attach::Auto},
    {"file", "pal_rename_lsm",   PAL_HOOK_FILE, kLsm,  Attach::Auto},
    {"file", "pal_chmod_lsm",    PAL_HOOK_FILE, kLsm,  Attach::Auto},
    {"file", "pal_chown_lsm",    PAL_HOOK_FILE, kLsm,  Attach::Auto},
    {"file", "pal_open_fmod",    PAL_HOOK_FILE, kFmod, Attach::Auto},
    {"file", "pal_unlink_fmod",  PAL_HOOK_FILE, kFmod, Attach::Auto},
    {"file", "pal_rename_fmod",  PAL_HOOK_FILE, kFmod, Attach::Auto},
    {"file", "pal_chmod_fmod",   PAL_HOOK_FILE, kFmod, Attach::Auto},
    {"file", "pal_chown_fmod",   PAL_HOOK_FILE, kFmod, Attach::Auto},
    // Opens only: the other file events have nothing to resolve at
    // syscall exit (the engine refuses their rules with this mechanism).
    {"file", "pal_open_enter_open",    PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_enter_openat",  PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_enter_openat2", PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_enter_creat",   PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_exit_open",     PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_exit_openat",   PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_exit_openat2",  PAL_HOOK_FILE, kTp, Attach::Auto},
    {"file", "pal_open_exit_creat",    PAL_HOOK_FILE, kTp, Attach::Auto},

    // net: the cgroup hooks decide; the syscall-exit tracepoints carry
    // out kill rules once the refused call has returned.
    {"net", "pal_connect4",      PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_connect6",      PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_sendmsg4",      PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_sendmsg6",      PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_bind4",         PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_bind6",         PAL_HOOK_NET, kCgroup, Attach::Cgroup},
    {"net", "pal_exit_connect",  PAL_HOOK_NET, kCgroup, Attach::Auto},
    {"net", "pal_exit_bind",     PAL_HOOK_NET, kCgroup, Attach::Auto},
    {"net", "pal_exit_sendto",   PAL_HOOK_NET, kCgroup, Attach::Auto},
    {"net", "pal_exit_sendmsg",  PAL_HOOK_NET, kCgroup, Attach::Auto},
    {"net", "pal_exit_sendmmsg", PAL_HOOK_NET, kCgroup, Attach::Auto},
    {"net", "pal_listen_lsm",    PAL_HOOK_LISTEN, kLsm,  Attach::Auto},
    {"net", "pal_listen_fmod",   PAL_HOOK_LISTEN, kFmod, Attach::Auto},
};
// clang-format on

} // namespace

std::span<const ProgramRole> program_roles() { return kRoles; }

bool role_selected(const ProgramRole &role,
                   std::span<const uint32_t, PAL_HOOKS> mechanisms) {
  const uint32_t in_use = mechanisms[role.hook];
  if (role.mechanism == kEveryMechanism)
    return in_use != PAL_MECH_NONE || role.hook == PAL_HOOK_EXEC;
  return in_use == role.mechanism;
}

std::vector<BpfObjectBytes> enforcer_objects() {
  return {embedded_object("exec", pal_exec__elf_bytes),
          embedded_object("file", pal_file__elf_bytes),
          embedded_object("net", pal_net__elf_bytes)};
}

std::string enforcer_build_id() {
  // Hashed once: the state file records it on every apply and drop count.
  static const std::string id = [] {
    uint64_t h = 0xcbf29ce484222325ull; // FNV-1a, 64 bits
    for (const BpfObjectBytes &o : enforcer_objects())
      for (size_t i = 0; i < o.size; ++i)
        h = (h ^ static_cast<const uint8_t *>(o.data)[i]) * 0x100000001b3ull;
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(h));
    return std::string(hex);
  }();
  return id;
}

} // namespace palisade::enforce
