// Writes compiled policies into the policy maps of a loaded BPF object
// (pal_config and the per-slot maps of bpf/lib/maps.h; see docs/abi.md):
// double-buffered slots, one write to switch, one write to change a mode.
// Shared by every object that embeds bpf/lib/maps.h, including the
// matcher test program.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "palisade/abi.h"
#include "palisade/engine/compile.h"
#include "palisade/enforce/inode_table.h"

struct bpf_map;

namespace palisade::enforce {

struct PolicyMapSet {
  bpf_map *config = nullptr;
  bpf_map *slots = nullptr;
  bpf_map *atoms = nullptr;
  bpf_map *exact = nullptr;
  bpf_map *values = nullptr;
  bpf_map *held = nullptr;
  bpf_map *cands = nullptr;
  bpf_map *rules = nullptr;
  bpf_map *terms = nullptr;
  bpf_map *lits = nullptr;
  bpf_map *policies = nullptr;
  bpf_map *inodes = nullptr;      // not in the image: the loader's stat()s
  bpf_map *inode_slots = nullptr;
  bpf_map *globs = nullptr;
};

// The policy maps of a libbpf skeleton that includes bpf/lib/maps.h.
template <typename Skeleton> PolicyMapSet policy_map_set(Skeleton *s) {
  return {s->maps.pal_config, s->maps.pal_slots,  s->maps.pal_atoms,
          s->maps.pal_exact,  s->maps.pal_values, s->maps.pal_held,
          s->maps.pal_cands,  s->maps.pal_rules,  s->maps.pal_terms,
          s->maps.pal_lits,   s->maps.pal_policies, s->maps.pal_inodes,
          s->maps.pal_inode_slots, s->maps.pal_globs};
}

class PolicyMaps {
public:
  PolicyMaps() = default;
  // `mechanisms`: PAL_MECH_* per PAL_HOOK_*, written to config for the
  // programs and for `status`.
  PolicyMaps(PolicyMapSet maps, std::array<uint32_t, PAL_HOOKS> mechanisms)
      : maps_(maps), mechanisms_(mechanisms) {}

  // Writes the initial config: slot 0 active and empty. The maps must be
  // freshly created (all array elements zero, trie and hash empty).
  bool init(std::string &error);

  // Writes `compiled` (built for inactive_slot()) and the canonical names
  // by inode `inodes` (for the same slot; none when null) and makes them
  // active in one write. On failure the previously active policy stays in
  // force.
  bool apply(const engine::CompiledPolicy &compiled, std::string &error,
             const InodeTable *inodes = nullptr);

  // Switches one policy of the active slot between enforce and audit.
  bool set_mode(uint32_t policy_index, dsl::Mode mode, std::string &error);

  uint32_t active_slot() const { return active_slot_; }
  const PolicyMapSet &map_set() const { return maps_; }
  uint32_t inactive_slot() const { return active_slot_ ^ 1; }

private:
  bpf_map *map_named(const std::string &image_name) const;
  bool write_config(uint32_t active_slot, std::string &error);
  bool write_image(const engine::MapImage &image, std::string &error);
  bool write_inodes(const InodeTable &table, uint32_t slot, std::string &error);
  void clear_slot(uint32_t slot);

  PolicyMapSet maps_;
  std::array<uint32_t, PAL_HOOKS> mechanisms_{};
  uint32_t active_slot_ = 0;
  // Per slot and array map: elements (from the slot's first) that may be
  // non-zero, so clearing a slot writes zeros over only those.
  std::map<std::string, uint32_t> dirty_[2];
};

} // namespace palisade::enforce
