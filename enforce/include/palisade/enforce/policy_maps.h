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
#include <vector>

#include "palisade/abi.h"
#include "palisade/enforce/inode_table.h"
#include "palisade/engine/compile.h"

struct bpf_map;
struct bpf_object;

namespace palisade::enforce {

// The policy maps of a loaded BPF object that includes bpf/lib/maps.h,
// found by name: the image's map "atoms" is the object's "pal_atoms". So
// the list of maps is written in two places only, where it has to be:
// their definitions (bpf/lib/maps.h) and the image the engine emits
// (engine/src/lower/lower.cpp); the loader writes whatever the image names.
class PolicyMapSet {
public:
  PolicyMapSet() = default;
  explicit PolicyMapSet(bpf_object *obj) : obj_(obj) {}

  // The object's map for an image name ("atoms"), or null.
  bpf_map *find(const std::string &image_name) const;

  // The maps the loader uses by name, beyond writing an image: the
  // config (slot flip, mechanisms), policy modes, the inode table (not in
  // the image: the loader's stat()s; absent from some test objects).
  bpf_map *config() const { return find("config"); }
  bpf_map *policies() const { return find("policies"); }
  bpf_map *inodes() const { return find("inodes"); }
  bpf_map *inode_slots() const { return find("inode_slots"); }

  // Image names of the arrays indexed slot * (max_entries / PAL_SLOTS) + i.
  std::vector<std::string> slotted_arrays() const;

private:
  bpf_object *obj_ = nullptr;
};

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

  // Takes over maps an earlier process filled (pinned): reads the active
  // slot from the config, which must have this ABI and these mechanisms,
  // and treats the inactive slot as wholly written (cleared in full by the
  // next apply).
  bool adopt(std::string &error);

  // Writes `compiled` (built for inactive_slot()) and the canonical names
  // by inode `inodes` (for the same slot; none when null) and makes them
  // active in one write. On failure the previously active policy stays in
  // force.
  bool apply(const engine::CompiledPolicy &compiled, std::string &error,
             const InodeTable *inodes = nullptr);

  // Switches one policy of the active slot between enforce and audit.
  bool set_mode(uint32_t policy_index, dsl::Mode mode, std::string &error);

  // The kernel's counts for each rule of the active slot, by rule_id
  // (abi.h "hits"); empty when the map cannot be read.
  std::vector<pal_rule_hits> hits() const;
  // Names the rules of the active slot (an adopted one's), so that the
  // next apply carries their counts over.
  void describe_active(const engine::CompiledPolicy &compiled);

  uint32_t active_slot() const { return active_slot_; }
  const PolicyMapSet &map_set() const { return maps_; }
  uint32_t inactive_slot() const { return active_slot_ ^ 1; }

private:
  bool write_config(uint32_t active_slot, std::string &error);
  bool write_image(const engine::MapImage &image, std::string &error);
  bool write_inodes(const InodeTable &table, uint32_t slot, std::string &error);
  void clear_slot(uint32_t slot);
  // Copies the counts of the active slot's rules that `compiled` keeps
  // (same policy, event, action and text) into slot `slot`.
  void carry_hits(const engine::CompiledPolicy &compiled, uint32_t slot);

  PolicyMapSet maps_;
  std::array<uint32_t, PAL_HOOKS> mechanisms_{};
  uint32_t active_slot_ = 0;
  // Per slot and array map: elements (from the slot's first) that may be
  // non-zero, so clearing a slot writes zeros over only those.
  std::map<std::string, uint32_t> dirty_[2];
  // Per slot, each rule's identity by rule_id (rule_keys()).
  std::vector<std::string> rule_keys_[2];
};

} // namespace palisade::enforce
