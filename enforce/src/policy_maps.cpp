#include "palisade/enforce/policy_maps.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade/abi.h"

namespace palisade::enforce {
namespace {

std::string errno_text() { return std::strerror(errno); }

// A test of a hash key's bytes: does the key (an abi.h key struct with a
// `slot` member) belong to `slot`?
template <typename Key> auto key_in_slot(uint32_t slot) {
  return [slot](const uint8_t *k) {
    Key key;
    std::memcpy(&key, k, sizeof key);
    return key.slot == slot;
  };
}

// Maps the image writes by __u32 index, slot * (max_entries / PAL_SLOTS) + i;
// the others (trie, hashes) hold the slot in their keys.
bool is_array(const bpf_map *map) {
  return bpf_map__type(map) == BPF_MAP_TYPE_ARRAY;
}

// Deletes every key of `map` for which `of_slot(key bytes)` holds. Collects
// first: deleting while iterating would restart the walk.
template <typename OfSlot> void delete_keys(bpf_map *map, OfSlot of_slot) {
  if (!map)
    return;
  const int fd = bpf_map__fd(map);
  const size_t ks = bpf_map__key_size(map);
  std::vector<uint8_t> key(ks), next(ks), doomed;
  void *prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
    if (of_slot(next.data()))
      doomed.insert(doomed.end(), next.begin(), next.end());
    key = next;
    prev = key.data();
  }
  for (size_t off = 0; off < doomed.size(); off += ks)
    bpf_map_delete_elem(fd, doomed.data() + off);
}

// Writes n elements (keys and values each contiguous) with as few system
// calls as the kernel allows: batches where the map supports them.
bool update_many(bpf_map *map, std::span<const uint8_t> keys,
                 std::span<const uint8_t> values, std::string &error) {
  const size_t ks = bpf_map__key_size(map), vs = bpf_map__value_size(map);
  const size_t n = keys.size() / ks;
  const int fd = bpf_map__fd(map);
  size_t done = 0;
  bool batch = bpf_map__type(map) != BPF_MAP_TYPE_LPM_TRIE;
  while (done < n) {
    if (batch) {
      __u32 count = static_cast<__u32>(std::min<size_t>(n - done, 4096));
      LIBBPF_OPTS(bpf_map_batch_opts, opts);
      if (bpf_map_update_batch(fd, keys.data() + done * ks,
                               values.data() + done * vs, &count, &opts) == 0) {
        done += count;
        continue;
      }
      if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
        error = "write map '" + std::string(bpf_map__name(map)) +
                "': " + errno_text();
        return false;
      }
      batch = false; // not supported here: one element at a time
      done += count; // elements before a failure were written
      continue;
    }
    if (bpf_map_update_elem(fd, keys.data() + done * ks,
                            values.data() + done * vs, BPF_ANY) != 0) {
      error = "write map '" + std::string(bpf_map__name(map)) +
              "': " + errno_text();
      return false;
    }
    done++;
  }
  return true;
}

// What makes a rule the same rule in the next policy set: its policy, its
// event, action and text, and which of identical rules of that policy it
// is. By rule_id.
std::vector<std::string> rule_keys(const engine::CompiledPolicy &compiled) {
  std::vector<std::string> keys(compiled.rules.size());
  std::map<std::string, int> seen;
  for (size_t id = 0; id < compiled.rules.size(); ++id) {
    const engine::RuleInfo &r = compiled.rules[id];
    std::string policy;
    for (const auto &p : compiled.policies)
      if (p.index == r.policy_index)
        policy = p.name;
    std::string key = policy + '\0' + r.event + '\0' +
                      std::to_string(static_cast<int>(r.action)) + '\0' +
                      r.source_text;
    key += '\0' + std::to_string(seen[key]++);
    keys[id] = std::move(key);
  }
  return keys;
}

} // namespace

bpf_map *PolicyMapSet::find(const std::string &image_name) const {
  return obj_
             ? bpf_object__find_map_by_name(obj_, ("pal_" + image_name).c_str())
             : nullptr;
}

std::vector<std::string> PolicyMapSet::slotted_arrays() const {
  std::vector<std::string> names;
  bpf_map *map;
  bpf_object__for_each_map(map, obj_) {
    const std::string name = bpf_map__name(map);
    const uint32_t n = bpf_map__max_entries(map);
    if (is_array(map) && !bpf_map__is_internal(map) && n >= PAL_SLOTS &&
        n % PAL_SLOTS == 0 && name.rfind("pal_", 0) == 0)
      names.push_back(name.substr(4));
  }
  return names;
}

bool PolicyMaps::write_config(uint32_t active_slot, std::string &error) {
  pal_config cfg{};
  cfg.abi_version = PAL_ABI_VERSION;
  for (uint32_t hook = 0; hook < PAL_HOOKS; ++hook)
    cfg.mechanism[hook] = mechanisms_[hook];
  cfg.active_slot = active_slot;
  __u32 zero = 0;
  if (bpf_map_update_elem(bpf_map__fd(maps_.config()), &zero, &cfg, BPF_ANY) !=
      0) {
    error = "write config: " + errno_text();
    return false;
  }
  return true;
}

bool PolicyMaps::init(std::string &error) {
  active_slot_ = 0;
  dirty_[0].clear();
  dirty_[1].clear();
  return write_config(0, error);
}

bool PolicyMaps::adopt(std::string &error) {
  pal_config cfg{};
  __u32 zero = 0;
  if (!maps_.config() ||
      bpf_map_lookup_elem(bpf_map__fd(maps_.config()), &zero, &cfg) != 0) {
    error = "read config: " + errno_text();
    return false;
  }
  if (cfg.abi_version != PAL_ABI_VERSION) {
    error = "the pinned maps have ABI " + std::to_string(cfg.abi_version) +
            ", this build " + std::to_string(PAL_ABI_VERSION);
    return false;
  }
  for (uint32_t hook = 0; hook < PAL_HOOKS; ++hook)
    if (cfg.mechanism[hook] != mechanisms_[hook]) {
      error = "the pinned enforcement uses other mechanisms";
      return false;
    }
  active_slot_ = cfg.active_slot & 1;
  // What the inactive slot holds is unknown here: every element of every
  // slotted array is cleared before it is written again.
  dirty_[0].clear();
  dirty_[1].clear();
  for (const std::string &name : maps_.slotted_arrays())
    dirty_[inactive_slot()][name] =
        bpf_map__max_entries(maps_.find(name)) / PAL_SLOTS;
  return true;
}

void PolicyMaps::clear_slot(uint32_t slot) {
  // The trie and the hashes: delete every key of `slot`.
  delete_keys(maps_.find("atoms"), [slot](const uint8_t *k) {
    return k[offsetof(pal_lpm_key, data)] == slot;
  });
  delete_keys(maps_.find("exact"), key_in_slot<pal_exact_key>(slot));
  delete_keys(maps_.find("values"), key_in_slot<pal_value_key>(slot));
  delete_keys(maps_.find("held"), key_in_slot<pal_held_key>(slot));
  delete_keys(maps_.find("globs"), key_in_slot<pal_glob_key>(slot));
  if (bpf_map *inodes = maps_.inodes(), *slots = maps_.inode_slots();
      inodes && slots) {
    // The header first: a slot with count 0 is never looked up.
    pal_inode_slot empty{};
    __u32 key = slot;
    bpf_map_update_elem(bpf_map__fd(slots), &key, &empty, BPF_ANY);
    delete_keys(inodes, key_in_slot<pal_inode_key>(slot));
  }

  // The arrays: zeros over every element an image may have written.
  for (auto &[name, dirty] : dirty_[slot]) {
    bpf_map *map = maps_.find(name);
    if (!map || dirty == 0)
      continue;
    const uint32_t per_slot = bpf_map__max_entries(map) / PAL_SLOTS;
    std::vector<uint8_t> keys(dirty * sizeof(__u32));
    std::vector<uint8_t> zeros(size_t{dirty} * bpf_map__value_size(map));
    for (uint32_t i = 0; i < dirty; ++i) {
      __u32 idx = slot * per_slot + i;
      std::memcpy(keys.data() + i * sizeof idx, &idx, sizeof idx);
    }
    std::string ignored;
    if (update_many(map, keys, zeros, ignored))
      dirty = 0;
  }
}

bool PolicyMaps::write_image(const engine::MapImage &image,
                             std::string &error) {
  for (const auto &[name, entries] : image.maps) {
    bpf_map *map = maps_.find(name);
    if (!map) {
      error = "compiled image has map '" + name +
              "', which the BPF object does not define (pal_" + name + ")";
      return false;
    }
    if (entries.empty())
      continue;
    if (entries.key_size() != bpf_map__key_size(map) ||
        entries.value_size() != bpf_map__value_size(map)) {
      error = "compiled entry for map '" + name + "' has the wrong size";
      return false;
    }
    if (is_array(map)) {
      const uint32_t per_slot = bpf_map__max_entries(map) / PAL_SLOTS;
      for (const auto &e : entries) {
        __u32 idx;
        std::memcpy(&idx, e.key.data(), sizeof idx);
        if (idx / per_slot != image.slot) {
          error = "compiled entry for map '" + name + "' is not in slot " +
                  std::to_string(image.slot);
          return false;
        }
        // Recorded before the write, so that a failed write is cleared.
        uint32_t &dirty = dirty_[image.slot][name];
        dirty = std::max(dirty, idx % per_slot + 1);
      }
    }
    // The image holds each map's keys and values back to back already.
    if (!update_many(map, entries.keys(), entries.values(), error))
      return false;
  }
  return true;
}

bool PolicyMaps::write_inodes(const InodeTable &table, uint32_t slot,
                              std::string &error) {
  bpf_map *inodes = maps_.inodes(), *inode_slots = maps_.inode_slots();
  if (!inodes || !inode_slots) {
    error = "the BPF object has no inode maps";
    return false;
  }
  std::vector<uint8_t> keys, values;
  for (const auto &e : table.entries) {
    if (e.key.slot != slot) {
      error = "inode entry is not in slot " + std::to_string(slot);
      return false;
    }
    auto k = reinterpret_cast<const uint8_t *>(&e.key);
    auto v = reinterpret_cast<const uint8_t *>(&e.value);
    keys.insert(keys.end(), k, k + sizeof e.key);
    values.insert(values.end(), v, v + sizeof e.value);
  }
  if (!update_many(inodes, keys, values, error))
    return false;
  // The header last: the walk looks up only entries it counts.
  __u32 key = slot;
  if (bpf_map_update_elem(bpf_map__fd(inode_slots), &key, &table.header,
                          BPF_ANY) != 0) {
    error = "write map 'pal_inode_slots': " + errno_text();
    return false;
  }
  return true;
}

bool PolicyMaps::apply(const engine::CompiledPolicy &compiled,
                       std::string &error, const InodeTable *inodes) {
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
  // The kernel counts into hits[slot] for every rule_id once it is active.
  uint32_t &hits = dirty_[slot]["hits"];
  hits = std::max(hits, static_cast<uint32_t>(compiled.rules.size()));
  if (!write_image(compiled.image, error) ||
      (inodes && !write_inodes(*inodes, slot, error))) {
    clear_slot(slot);
    return false;
  }
  // Counts made between this copy and the flip stay with the old slot:
  // a window of microseconds.
  carry_hits(compiled, slot);
  // One write switches every map of the slot: a reader sees the old or
  // the new policy whole.
  if (!write_config(slot, error))
    return false;
  active_slot_ = slot;
  rule_keys_[slot] = rule_keys(compiled);
  return true;
}

void PolicyMaps::carry_hits(const engine::CompiledPolicy &compiled,
                            uint32_t slot) {
  bpf_map *map = maps_.find("hits");
  const std::vector<std::string> &old_keys = rule_keys_[active_slot_];
  if (!map || old_keys.empty())
    return;
  std::map<std::string, uint32_t> old_id;
  for (uint32_t id = 0; id < old_keys.size(); ++id)
    old_id[old_keys[id]] = id;
  const int fd = bpf_map__fd(map);
  const std::vector<std::string> keys = rule_keys(compiled);
  for (uint32_t id = 0; id < keys.size(); ++id) {
    auto it = old_id.find(keys[id]);
    if (it == old_id.end())
      continue;
    __u32 from = active_slot_ * PAL_MAX_RULES + it->second;
    __u32 to = slot * PAL_MAX_RULES + id;
    pal_rule_hits h{};
    if (bpf_map_lookup_elem(fd, &from, &h) == 0)
      bpf_map_update_elem(fd, &to, &h, BPF_ANY);
  }
}

std::vector<pal_rule_hits> PolicyMaps::hits() const {
  bpf_map *map = maps_.find("hits");
  const size_t n = rule_keys_[active_slot_].size();
  std::vector<pal_rule_hits> out(n);
  for (uint32_t id = 0; map && id < n; ++id) {
    __u32 key = active_slot_ * PAL_MAX_RULES + id;
    if (bpf_map_lookup_elem(bpf_map__fd(map), &key, &out[id]) != 0)
      return {};
  }
  return map ? out : std::vector<pal_rule_hits>{};
}

void PolicyMaps::describe_active(const engine::CompiledPolicy &compiled) {
  rule_keys_[active_slot_] = rule_keys(compiled);
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
  if (bpf_map_update_elem(bpf_map__fd(maps_.policies()), &idx, &p, BPF_ANY) !=
      0) {
    error = "write policy mode: " + errno_text();
    return false;
  }
  return true;
}

} // namespace palisade::enforce
