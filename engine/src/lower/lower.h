// Lowering helpers, exposed for unit tests; lower() in passes.h is the pass.
// The entries' keys and their prefix closures are in entry_keys.h.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <palisade/abi.h>

#include "ir.h"
#include "lower/entry_keys.h"

namespace palisade::engine {

// Entries one image may have ("atoms", "exact" and "values" together;
// each map has room for this many per slot): while a new policy is
// written into the inactive slot the live one still holds its entries, so
// both must fit at the same time.
inline constexpr size_t kMaxAtomEntriesPerSlot = PAL_SLOT_ENTRIES;

// Raw bytes of a zero-initialised abi.h struct, as the kernel map stores it.
template <typename T> std::vector<uint8_t> bytes_of(const T &v) {
  std::vector<uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

// What choose_anchor() weighs for one atom.
struct AnchorCost {
  size_t reach = 0; // entries whose closure holds the atom
  size_t uses = 0;  // terms that need the atom (must)
  MatchKind kind = MatchKind::Exact;
};

// The must atom a term is indexed by (docs/abi.md "Anchors"): the fewest
// candidate records (reach * uses), then exact before under, then the
// lowest id. `must` is not empty.
AtomId choose_anchor(const std::vector<AtomId> &must,
                     const std::vector<AnchorCost> &cost);

// 0 for allow, then kill, deny, audit: the order rules of one policy are
// tried in, so an allow exception is seen before any deny.
int action_precedence(dsl::Action a);

uint32_t abi_action(dsl::Action a);
uint32_t abi_mode(dsl::Mode m);

} // namespace palisade::engine
