// Reading a MapImage's bytes back through abi.h. Shared by the canonical
// JSON, the reference evaluator and `explain`, so all three see exactly
// the structs the kernel will read.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <palisade/abi.h>

#include "palisade/engine/compile.h"

namespace palisade::engine {

// The struct stored in `bytes`; throws if the size is not the struct's
// (the kernel map would refuse such an entry).
template <typename T>
T decode(const std::vector<uint8_t> &bytes, const char *what) {
  if (bytes.size() != sizeof(T))
    throw std::runtime_error(std::string("bad size of ") + what);
  T v;
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

// The entries of one map of the image; none if the image lacks the map.
const std::vector<MapEntry> &map_entries(const MapImage &image,
                                         const char *map);

// One "atoms" entry in words. Throws on keys the kernel would misread
// (prefixlen not whole bytes or past the data, non-zero bytes past it).
struct AtomEntry {
  uint8_t slot = 0;
  uint8_t field = 0;  // PAL_FIELD_*
  bool exact = false; // the key ends in NUL
  std::string value;  // path bytes without the NUL ("/tmp/" for under)
  uint32_t prefixlen = 0;
  pal_atom_set set{}; // the entry's (closed) atom set
};
AtomEntry decode_atom_entry(const MapEntry &e);

// Ids of the bits set in a PAL_ATOM_WORDS-word set, ascending.
std::vector<uint32_t> atom_ids(const __u64 *words);

bool has_atom(const __u64 *words, uint32_t id);

const char *action_name(uint32_t action); // PAL_ACT_* -> "deny"
const char *mode_name(uint32_t mode);     // PAL_MODE_* -> "audit"
std::string field_name(uint8_t field);    // PAL_FIELD_* -> "path"
std::string event_name(uint32_t event);   // PAL_EVENT_* -> "exec"

} // namespace palisade::engine
