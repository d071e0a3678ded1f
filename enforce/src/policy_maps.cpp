#include "palisade/enforce/policy_maps.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade/abi.h"

namespace palisade::enforce {
namespace {

std::string errno_text() { return std::strerror(errno); }

} // namespace

bool PolicyMaps::write_config(uint32_t active_slot, std::string &error) {
  pal_config cfg{};
  cfg.abi_version = PAL_ABI_VERSION;
  cfg.exec_mechanism = mechanism_;
  cfg.active_slot = active_slot;
  cfg.n_rules[0] = n_rules_[0];
  cfg.n_rules[1] = n_rules_[1];
  __u32 zero = 0;
  if (bpf_map_update_elem(bpf_map__fd(maps_.config), &zero, &cfg, BPF_ANY) != 0) {
    error = "write config: " + errno_text();
    return false;
  }
  return true;
}

bool PolicyMaps::init(std::string &error) {
  active_slot_ = 0;
  n_rules_[0] = n_rules_[1] = 0;
  return write_config(0, error);
}

void PolicyMaps::clear_slot(uint32_t slot) {
  // Atoms: delete every LPM key whose slot byte is `slot`. Collect first:
  // deleting while iterating would restart the walk.
  int atoms_fd = bpf_map__fd(maps_.atoms);
  std::vector<pal_lpm_key> doomed;
  pal_lpm_key key{}, next{};
  void *prev = nullptr;
  while (bpf_map_get_next_key(atoms_fd, prev, &next) == 0) {
    if (next.data[0] == slot)
      doomed.push_back(next);
    key = next;
    prev = &key;
  }
  for (const auto &k : doomed)
    bpf_map_delete_elem(atoms_fd, &k);

  pal_rule empty_rule{};
  for (__u32 i = 0; i < PAL_MAX_RULES; i++) {
    __u32 idx = slot * PAL_MAX_RULES + i;
    bpf_map_update_elem(bpf_map__fd(maps_.rules), &idx, &empty_rule, BPF_ANY);
  }
  pal_policy empty_policy{};
  for (__u32 i = 0; i < PAL_MAX_POLICIES; i++) {
    __u32 idx = slot * PAL_MAX_POLICIES + i;
    bpf_map_update_elem(bpf_map__fd(maps_.policies), &idx, &empty_policy,
                        BPF_ANY);
  }
}

bool PolicyMaps::write_image(const engine::MapImage &image,
                             std::string &error) {
  for (const auto &[name, entries] : image.maps) {
    bpf_map *map = name == "atoms"      ? maps_.atoms
                   : name == "rules"    ? maps_.rules
                   : name == "policies" ? maps_.policies
                                        : nullptr;
    if (!map) {
      error = "compiled image has unknown map '" + name + "'";
      return false;
    }
    for (const auto &e : entries) {
      if (e.key.size() != bpf_map__key_size(map) ||
          e.value.size() != bpf_map__value_size(map)) {
        error = "compiled entry for map '" + name + "' has the wrong size";
        return false;
      }
      if (bpf_map_update_elem(bpf_map__fd(map), e.key.data(), e.value.data(),
                              BPF_ANY) != 0) {
        error = "write map '" + name + "': " + errno_text();
        return false;
      }
    }
  }
  return true;
}

bool PolicyMaps::apply(const engine::CompiledPolicy &compiled,
                       std::string &error) {
  const uint32_t slot = inactive_slot();
  if (compiled.image.slot != slot) {
    error = "policy was compiled for slot " +
            std::to_string(compiled.image.slot) + ", expected " +
            std::to_string(slot);
    return false;
  }
  // The inactive slot may hold what the previous apply replaced; it is
  // cleared now rather than right after that flip, when a decision in
  // flight could still have been reading it.
  clear_slot(slot);
  if (!write_image(compiled.image, error)) {
    clear_slot(slot);
    return false;
  }
  // Two writes, each changing one field: n_rules of the slot nobody reads
  // yet, then active_slot. A reader sees the old or the new policy whole.
  const uint32_t old_count = n_rules_[slot];
  n_rules_[slot] = compiled.n_rules;
  if (!write_config(active_slot_, error) || !write_config(slot, error)) {
    n_rules_[slot] = old_count;
    return false;
  }
  active_slot_ = slot;
  return true;
}

bool PolicyMaps::set_mode(uint32_t policy_index, dsl::Mode mode,
                          std::string &error) {
  if (policy_index >= PAL_MAX_POLICIES) {
    error = "no policy with index " + std::to_string(policy_index);
    return false;
  }
  __u32 idx = active_slot_ * PAL_MAX_POLICIES + policy_index;
  pal_policy p{};
  p.mode = mode == dsl::Mode::Enforce ? PAL_MODE_ENFORCE : PAL_MODE_AUDIT;
  if (bpf_map_update_elem(bpf_map__fd(maps_.policies), &idx, &p, BPF_ANY) != 0) {
    error = "write policy mode: " + errno_text();
    return false;
  }
  return true;
}

} // namespace palisade::enforce
