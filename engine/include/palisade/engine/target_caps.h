// What the kernel a policy is compiled for can enforce: the engine's only
// view of a kernel.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "palisade/abi.h"

namespace palisade::engine {

// What the running kernel can enforce, filled from enforce's feature probe
// and passed in so the engine never touches the kernel itself. compile()
// refuses, at the rule, every rule whose event this kernel cannot enforce
// (docs/mechanisms.md): a rule nothing enforces must not look active.
struct TargetCaps {
  // false: no kernel in view (check, explain, compile); every rule compiles.
  bool known = false;
  // PAL_MECH_* per PAL_HOOK_*; PAL_MECH_NONE: nothing enforces that hook.
  std::array<uint32_t, PAL_HOOKS> mechanism{};
  // Why each hook got its mechanism (the probe's evidence), quoted by the
  // error at a rule that cannot be enforced.
  std::array<std::string, PAL_HOOKS> why;
};

} // namespace palisade::engine
