// The reference evaluator: the userspace oracle of the in-kernel matcher.
// It decides an event from a compiled MapImage's bytes with exactly the
// algorithm of bpf/lib/match.h (one longest-prefix lookup per field, then
// the candidate lists of the entries found merged in rule order, the first
// rule per policy that holds decides), so the kernel can be tested against
// it, and it powers `enforcectl explain`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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

// Mirrors the kernel's struct pal_decision, and what the matcher test
// program reports besides. Actions are PAL_ACT_*.
struct Verdict {
  uint32_t action = 0, policy = 0, rule_id = 0;
  uint32_t would = 0, would_policy = 0, would_rule_id = 0;
  bool fail_closed = false;
  uint32_t path_entry = 0, binary_entry = 0; // entry ids found; 0: none
  uint32_t considered = 0; // candidates whose term was evaluated

  bool operator==(const Verdict &) const = default;
};

// Decides `ev` against the image's slot, exactly as the kernel would.
Verdict evaluate_exec(const MapImage &image, const ExecEvent &ev);

// The key hash of an exact path under `seed` (map "exact"; docs/abi.md),
// as bpf/lib/match.h computes it.
uint64_t exact_path_hash(uint64_t seed, std::string_view path);

class ImageView;

// The same for many events on one image, which is read once.
class ExecEvaluator {
public:
  explicit ExecEvaluator(const MapImage &image);
  ~ExecEvaluator();
  Verdict operator()(const ExecEvent &ev) const;

private:
  std::unique_ptr<ImageView> view_;
};

// The atoms that hold for an event whose lookups found these entries (the
// "held" pairs of both), ascending. The kernel never lists them: it only
// tests the ones a candidate names.
std::vector<uint32_t> held_atoms(const MapImage &image, uint32_t path_entry,
                                 uint32_t binary_entry);

} // namespace palisade::engine
