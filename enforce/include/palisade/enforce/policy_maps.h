// Writes compiled policies into the policy maps of a loaded BPF object
// (pal_config, pal_atoms, pal_rules, pal_policies; see docs/abi.md):
// double-buffered slots, one write to switch, one write to change a mode.
// Shared by every object that embeds bpf/lib/maps.h, including the
// matcher test program.
#pragma once

#include <cstdint>
#include <string>

#include "palisade/engine/compile.h"

struct bpf_map;

namespace palisade::enforce {

struct PolicyMapSet {
  bpf_map *config = nullptr;
  bpf_map *atoms = nullptr;
  bpf_map *rules = nullptr;
  bpf_map *policies = nullptr;
};

class PolicyMaps {
public:
  PolicyMaps() = default;
  PolicyMaps(PolicyMapSet maps, uint32_t exec_mechanism)
      : maps_(maps), mechanism_(exec_mechanism) {}

  // Writes the initial config: slot 0 active and empty.
  bool init(std::string &error);

  // Writes `compiled` (built for inactive_slot()) and makes it active in
  // one write. On failure the previously active policy stays in force.
  bool apply(const engine::CompiledPolicy &compiled, std::string &error);

  // Switches one policy of the active slot between enforce and audit.
  bool set_mode(uint32_t policy_index, dsl::Mode mode, std::string &error);

  uint32_t active_slot() const { return active_slot_; }
  const PolicyMapSet &map_set() const { return maps_; }
  uint32_t inactive_slot() const { return active_slot_ ^ 1; }

private:
  bool write_config(uint32_t active_slot, std::string &error);
  bool write_image(const engine::MapImage &image, std::string &error);
  void clear_slot(uint32_t slot);

  PolicyMapSet maps_;
  uint32_t mechanism_ = 0;
  uint32_t active_slot_ = 0;
  uint32_t n_rules_[2] = {0, 0};
};

} // namespace palisade::enforce
