// evaluate_exec(): bpf/lib/match.h and the kernel's LPM trie, step by step,
// on the image's bytes. Deliberately literal: it is the oracle the kernel
// is tested against, so it must not be smarter than the kernel.
#include "palisade/engine/evaluate.h"

#include <algorithm>
#include <cstring>

#include <palisade/abi.h>

#include "image_decode.h"

namespace palisade::engine {
namespace {

// First `bits` bits of a and b are equal, most significant bit of each
// byte first (the LPM trie's bit order).
bool prefix_equal(const uint8_t *a, const uint8_t *b, uint32_t bits) {
  uint32_t whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, whole) != 0)
    return false;
  if (rest == 0)
    return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// The trie's lookup: the entry with the longest prefixlen (<= the key's)
// whose first prefixlen bits equal the key's. Entries with the same prefix
// are one trie node; the loader writes them in order, so the last wins.
const pal_atom_set *lpm_lookup(const MapImage &image, const pal_lpm_key &key,
                               pal_atom_set &storage) {
  bool found = false;
  uint32_t best = 0;
  for (const auto &e : map_entries(image, "atoms")) {
    auto entry = decode<pal_lpm_key>(e.key, "atoms key");
    if (entry.prefixlen > 8 * PAL_LPM_DATA)
      throw std::runtime_error("atoms key prefixlen past the data");
    if (entry.prefixlen > key.prefixlen ||
        !prefix_equal(entry.data, key.data, entry.prefixlen))
      continue;
    if (!found || entry.prefixlen >= best) {
      storage = decode<pal_atom_set>(e.value, "atoms value");
      best = entry.prefixlen;
      found = true;
    }
  }
  return found ? &storage : nullptr;
}

// pal_atoms_for(): one lookup for one field's path.
void atoms_for(const MapImage &image, uint32_t slot, uint8_t field,
               const std::string &path, bool truncated, pal_atom_set &set) {
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  // A truncated path is only a head: without the NUL no exact entry can
  // match it, only directory prefixes.
  size_t bytes = PAL_LPM_HDR + path.size() + (truncated ? 0 : 1);
  bytes = std::min<size_t>(bytes, PAL_LPM_DATA);
  key.prefixlen = static_cast<uint32_t>(bytes * 8);
  key.data[0] = static_cast<uint8_t>(slot);
  key.data[1] = field;
  // The NUL (if it fits) is already there: the key was zeroed.
  std::memcpy(key.data + PAL_LPM_HDR, path.data(),
              std::min<size_t>(path.size(), PAL_LPM_DATA - PAL_LPM_HDR));
  pal_atom_set storage;
  if (const pal_atom_set *hit = lpm_lookup(image, key, storage))
    for (int w = 0; w < PAL_ATOM_WORDS; ++w)
      set.bits[w] |= hit->bits[w];
}

bool term_holds(const pal_term &t, const pal_atom_set &set) {
  for (int w = 0; w < PAL_ATOM_WORDS; ++w) {
    if ((set.bits[w] & t.must[w]) != t.must[w])
      return false;
    if (set.bits[w] & t.must_not[w])
      return false;
  }
  return true;
}

bool rule_holds(const pal_rule &r, const pal_atom_set &set) {
  for (uint32_t t = 0; t < PAL_MAX_TERMS; ++t) {
    if (t >= r.n_terms)
      return false;
    if (term_holds(r.terms[t], set))
      return true;
  }
  return false;
}

// A map entry by its __u32 index key, as an array lookup would return it.
template <typename T>
bool lookup_index(const MapImage &image, const char *map, uint32_t index,
                  T &out) {
  for (const auto &e : map_entries(image, map))
    if (decode<uint32_t>(e.key, map) == index) {
      out = decode<T>(e.value, map);
      return true;
    }
  return false;
}

} // namespace

Verdict evaluate_exec(const MapImage &image, uint32_t n_rules,
                      const ExecEvent &ev) {
  Verdict v;
  const uint32_t slot = image.slot & 1;
  pal_atom_set set;
  std::memset(&set, 0, sizeof set);
  // An unresolved path gets no lookup; an unknown binary neither.
  if (!ev.path_unresolved)
    atoms_for(image, slot, PAL_FIELD_PATH, ev.path, ev.path_truncated, set);
  if (ev.binary_known)
    atoms_for(image, slot, PAL_FIELD_BINARY, ev.binary, false, set);

  uint64_t decided = 0; // bit per policy index
  for (uint32_t i = 0; i < n_rules && i < PAL_MAX_RULES; ++i) {
    pal_rule r;
    if (!lookup_index(image, "rules", slot * PAL_MAX_RULES + i, r))
      break;
    if (r.event != PAL_EVENT_EXEC)
      continue;
    uint32_t p = r.policy & (PAL_MAX_POLICIES - 1);
    if (decided & (uint64_t{1} << p))
      continue;
    // Fail closed: with an unresolvable path every deny/kill rule holds
    // and no allow exception does.
    bool holds = ev.path_unresolved ? r.action >= PAL_ACT_DENY
                                    : rule_holds(r, set);
    if (!holds)
      continue;
    decided |= uint64_t{1} << p;
    if (r.action == PAL_ACT_ALLOW)
      continue;
    pal_policy pol;
    if (!lookup_index(image, "policies", slot * PAL_MAX_POLICIES + p, pol))
      continue;
    if (pol.mode == PAL_MODE_ENFORCE && r.action > v.action) {
      v.action = r.action;
      v.policy = p;
      v.rule_id = r.rule_id;
    } else if (pol.mode == PAL_MODE_AUDIT && r.action > v.would) {
      v.would = r.action;
      v.would_policy = p;
      v.would_rule_id = r.rule_id;
    }
  }
  v.fail_closed = ev.path_unresolved && v.action >= PAL_ACT_DENY;
  v.atoms = atom_ids(set.bits);
  return v;
}

} // namespace palisade::engine
