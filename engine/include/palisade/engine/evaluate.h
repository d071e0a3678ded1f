// The reference evaluator: the userspace oracle of the in-kernel matcher.
// It decides an event from a compiled MapImage's bytes with exactly the
// algorithm of bpf/lib/match.h (one longest-prefix lookup per field, then
// the slot's rules as DNF bit masks, first rule per policy decides), so the
// kernel can be tested against it, and it powers `enforcectl explain`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "palisade/engine/compile.h"

namespace palisade::engine {

// An exec as the kernel sees it after path resolution.
struct ExecEvent {
  std::string path;   // kernel-resolved executed file
  std::string binary; // caller's executable; "" with binary_known = false
  bool binary_known = true;
  bool path_truncated = false;  // path holds only the root-side head
  bool path_unresolved = false; // nothing is known about the path
};

// Mirrors the kernel's struct pal_decision. Actions are PAL_ACT_*.
struct Verdict {
  uint32_t action = 0, policy = 0, rule_id = 0;
  uint32_t would = 0, would_policy = 0, would_rule_id = 0;
  bool fail_closed = false;
  std::vector<uint32_t> atoms; // ids of the atoms that held, ascending

  bool operator==(const Verdict &) const = default;
};

// Decides `ev` against the image's slot, exactly as the kernel would.
Verdict evaluate_exec(const MapImage &image, uint32_t n_rules,
                      const ExecEvent &ev);

} // namespace palisade::engine
