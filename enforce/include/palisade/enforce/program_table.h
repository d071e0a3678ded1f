// Hooks as data: which BPF program serves which hook under which
// mechanism, in which object, and how it attaches. The Enforcer loads and
// attaches from this table alone, so a new program is one row here (and
// its code in bpf/); the unit test checks every program of every object
// has exactly one row and that its section fits its mechanism.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "palisade/abi.h"

namespace palisade::enforce {

// Loaded whatever mechanism enforces the row's hook: the exec object's
// lifecycle programs (exec, fork, exit) that every event's process
// context comes from.
inline constexpr uint32_t kEveryMechanism = 0xffffffffu;

enum class Attach {
  Auto,   // bpf_program__attach: the section names the target
  Cgroup, // bpf_program__attach_cgroup on the probe's cgroup v2 root
};

// One compiled BPF object, as its skeleton embeds it.
struct BpfObjectBytes {
  std::string name; // "exec"
  const void *data = nullptr;
  size_t size = 0;
};

// `bytes`: a skeleton's X__elf_bytes().
inline BpfObjectBytes embedded_object(const char *name,
                                      const void *(*bytes)(size_t *)) {
  BpfObjectBytes b{name};
  b.data = bytes(&b.size);
  return b;
}

struct ProgramRole {
  const char *object;  // "exec", "file", "net": its skeleton's name
  const char *program; // the function name in bpf/<object>.bpf.c
  uint32_t hook;       // PAL_HOOK_*
  uint32_t mechanism;  // PAL_MECH_* it enforces with, or kEveryMechanism
  Attach attach;
};

// Every enforcement program of exec, file and net.
std::span<const ProgramRole> program_roles();

// Whether `role` is loaded when `mechanisms` (PAL_MECH_* per PAL_HOOK_*)
// enforce the hooks.
bool role_selected(const ProgramRole &role,
                   std::span<const uint32_t, PAL_HOOKS> mechanisms);

// The enforcement objects in load order: "exec" first, whose maps the
// others share (bpf/lib/maps.h), then "file" and "net".
std::vector<BpfObjectBytes> enforcer_objects();

// Identifies this build's enforcement programs (a hash of the objects'
// bytes, hex): a later process adopts pinned programs only of its own
// build, and replaces older ones.
std::string enforcer_build_id();

} // namespace palisade::enforce
