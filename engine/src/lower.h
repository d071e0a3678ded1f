// Lowering helpers, exposed for unit tests; lower() in passes.h is the pass.
#pragma once

#include <cstring>

#include <palisade/abi.h>

#include "ir.h"

namespace palisade::engine {

// "atoms" entries one image may have: while a new policy is written into
// the inactive slot the live one still holds its entries, so both must fit
// in the one trie at the same time.
inline constexpr size_t kMaxAtomEntriesPerSlot =
    PAL_LPM_MAX_ENTRIES / PAL_SLOTS;

// Raw bytes of a zero-initialised abi.h struct, as the kernel map stores it.
template <typename T> std::vector<uint8_t> bytes_of(const T &v) {
  std::vector<uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

// The LPM key of one value of an atom (see docs/abi.md "Path matching"):
// exact "/a/b" -> [slot, field, "/a/b", 0]; under "/a" -> [slot, field,
// "/a/"]; under "/" -> [slot, field, "/"]. prefixlen covers those bytes.
pal_lpm_key lpm_key(uint32_t slot, uint8_t field, MatchKind kind,
                    const std::string &value);

// ORs into each "atoms" entry the bits of every entry whose key is a
// proper prefix of it (same slot and field, shorter prefixlen, equal on the
// shorter one's bytes), so the kernel's single longest-prefix lookup sees
// every atom that holds. Entries hold pal_lpm_key / pal_atom_set bytes.
void close_over_prefixes(std::vector<MapEntry> &entries);

// 0 for allow, then kill, deny, audit: the order rules of one policy are
// tried in, so an allow exception is seen before any deny.
int action_precedence(dsl::Action a);

uint32_t abi_action(dsl::Action a);
uint32_t abi_mode(dsl::Mode m);

} // namespace palisade::engine
