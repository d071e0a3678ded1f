// Reading a MapImage's bytes back through abi.h. Shared by the canonical
// JSON, the reference evaluator and `explain`, so all three see exactly
// the structs the kernel will read.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <palisade/abi.h>

#include "lower/value_keys.h"
#include "palisade/engine/compile.h"

namespace palisade::engine {

// The struct stored in `bytes`; throws if the size is not the struct's
// (the kernel map would refuse such an entry).
template <typename T>
T decode(std::span<const uint8_t> bytes, const char *what) {
  if (bytes.size() != sizeof(T))
    throw std::runtime_error(std::string("bad size of ") + what);
  T v;
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

// The entries of one map of the image; none if the image lacks the map.
const MapEntries &map_entries(const MapImage &image, const char *map);

// Elements of an array map of the image (both slots), as the BPF objects
// declare them; 0 for a name that is not an array map.
uint32_t array_max_entries(const std::string &map);

// The key hash of an exact path: pal_path_hash() of bpf/lib/match.h.
uint64_t path_hash(uint64_t seed, std::string_view path);

// One entry in words: an "atoms" entry (a directory or a value prefix),
// an "exact" one (a path) or a "values" one (a whole value or access
// mask). Throws on bytes the kernel would misread (prefixlen not whole
// bytes or past the data, non-zero bytes past it, past an exact path or
// past a value, an access key that is not one whole mask).
struct AtomEntry {
  const char *map = "atoms"; // the image's map holding it
  uint8_t slot = 0;
  uint8_t field = 0;      // PAL_FIELD_*
  bool exact = false;     // from "exact"; an "atoms" key ending in NUL too
  std::string value;      // path bytes without the NUL ("/tmp/" for under);
                          // access: the mask's intents, "read|write"
  uint32_t mask = 0;      // access: the PAL_ACCESS_* mask of the key
  bool is_value = false;  // port, address, protocol, family: `key` holds
  ValueKey key;           //   the prefix, `value` its value_key_text()
  uint32_t prefixlen = 0; // "atoms", and "values" as if it were a key
                          //   of the trie (the field's whole width)
  uint64_t hash = 0;      // "exact" only: the key's
  pal_entry entry{};      // the value's
};
AtomEntry decode_atom_entry(const ConstMapEntry &e);
AtomEntry decode_exact_entry(const ConstMapEntry &e);
AtomEntry decode_value_entry(const ConstMapEntry &e);

// Every entry of the image ("atoms", "exact", then "values").
std::vector<AtomEntry> decode_entries(const MapImage &image);

// The image read the way the kernel reads its maps: array elements by
// index, the trie by longest prefix, the held hash by key.
class ImageView {
public:
  explicit ImageView(const MapImage &image);

  uint32_t slot() const { return slot_; }

  // Element `index` of array map `map`: nullopt past the map's size (the
  // kernel's lookup fails), all zero when the image does not write it (an
  // array element always exists).
  template <typename T>
  std::optional<T> array(const char *map, uint32_t index) const {
    if (index >= array_max_entries(map))
      return std::nullopt;
    auto m = arrays_.find(map);
    if (m != arrays_.end()) {
      auto it = m->second.find(index);
      if (it != m->second.end())
        return decode<T>(it->second, map);
    }
    T zero;
    std::memset(&zero, 0, sizeof zero);
    return zero;
  }

  // The trie's lookup: the entry with the longest prefixlen (<= the
  // key's) whose first prefixlen bits equal the key's.
  std::optional<pal_entry> lpm_lookup(const pal_lpm_key &key) const;

  // "values" at key {slot, field, value bytes zero past len}.
  std::optional<pal_entry> value_lookup(uint32_t slot, uint32_t field,
                                        const uint8_t *value,
                                        uint32_t len) const;

  // "exact" at key {slot, field, hash}.
  std::optional<pal_exact> exact_lookup(uint32_t slot, uint32_t field,
                                        uint64_t hash) const;

  // "held" has the key {slot, entry, atom}.
  bool held(uint32_t slot, uint32_t entry, uint32_t atom) const;

  // The atoms "held" lists for `entry` of the image's slot, ascending.
  std::vector<uint32_t> held_atoms(uint32_t entry) const;

  // "globs" at key {slot, atom}.
  std::optional<pal_glob> glob(uint32_t slot, uint32_t atom) const;
  // Every "globs" entry of the image's slot, by atom.
  std::map<uint32_t, pal_glob> globs() const;

private:
  uint32_t slot_ = 0;
  std::map<std::string, std::unordered_map<uint32_t, std::span<const uint8_t>>>
      arrays_;
  std::vector<std::pair<pal_lpm_key, pal_entry>> trie_;
  std::map<std::tuple<uint32_t, uint32_t, uint64_t>, pal_exact> exact_;
  std::map<std::vector<uint8_t>, pal_entry> values_; // by key bytes
  std::set<std::array<uint32_t, 3>> held_;
  std::map<std::pair<uint32_t, uint32_t>, pal_glob> globs_;
};

const char *action_name(uint32_t action); // PAL_ACT_* -> "deny"
const char *mode_name(uint32_t mode);     // PAL_MODE_* -> "audit"
std::string field_name(uint8_t field);    // PAL_FIELD_* -> "path"
std::string event_name(uint32_t event);   // PAL_EVENT_* -> "exec"

} // namespace palisade::engine
