// The keys of a slot's entries (docs/abi.md "Entries"): LPM keys of paths,
// directories, byte prefixes, values and access masks, compact views of
// them for planning, and the prefix closures that give each entry the
// atoms of every shorter key that covers it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <palisade/abi.h>

#include "ir.h"
#include "lower/value_keys.h"

namespace palisade::engine {

// An LPM key as its prefixlen and the bytes of its data the key functions
// below can set (pal_lpm_key holds zeros past them): a path's bytes up to
// prefixlen, a value field's whole width. A path key is a few dozen bytes
// this way rather than 260; the bytes live elsewhere.
struct KeyView {
  uint32_t prefixlen = 0;
  std::string_view data; // slot, field, then path or value bytes

  uint8_t field() const { return static_cast<uint8_t>(data[1]); }
  pal_lpm_key lpm() const; // the whole key, zero past `data`
};

// The KeyView of `key`, viewing key.data.
KeyView key_view(const pal_lpm_key &key);

// The LPM key of one value of an atom (see docs/abi.md "Keys"):
// exact "/a/b" -> [slot, field, "/a/b", 0]; under "/a" -> [slot, field,
// "/a/"]; under "/" -> [slot, field, "/"]. prefixlen covers those bytes.
pal_lpm_key lpm_key(uint32_t slot, uint8_t field, MatchKind kind,
                    const std::string &value);

// The key of access mask `mask`, as the LPM key entries are planned with:
// [slot, PAL_FIELD_ACCESS, mask], prefixlen PAL_ACCESS_KEY_BITS (a whole
// value: the entry goes to "values", so only an open of exactly that mask
// finds it).
pal_lpm_key access_key(uint32_t slot, uint32_t mask);

// The access field's entries: for each mask 1..PAL_ACCESS_ALL that the
// intents of at least one access atom meet, its key and those atoms (the
// ones that hold for an open of that mask), ascending by mask.
std::vector<std::pair<pal_lpm_key, std::vector<AtomId>>>
access_entries(const std::vector<Atom> &atoms, uint32_t slot);

// The key of value prefix `k` of value field `field`: [slot, field, the
// field's value_width() bytes], prefixlen 8 * PAL_LPM_HDR + k.bits. A
// shorter prefix is an "atoms" key; a whole value goes to "values".
pal_lpm_key value_lpm_key(uint32_t slot, uint8_t field, const ValueKey &k);

// A key of a value field (access included) as long as the field: one
// whole value, stored in "values" rather than in the trie.
bool is_whole_value(const pal_lpm_key &key);

// The "values" key of whole-value key `key`: its slot, field and value
// bytes, zero past the field's width.
pal_value_key whole_value_key(const pal_lpm_key &key);

// The prefix closure of value keys: each key's own atoms with those of
// every key of the same field whose bits are a proper prefix of its bits,
// sorted and unique. Found by cutting each key to every prefix length its
// field has and looking the cut key up.
std::vector<std::vector<AtomId>>
close_over_value_prefixes(const std::vector<pal_lpm_key> &keys,
                          const std::vector<std::vector<AtomId>> &own);

// For each key, the indexes of the other keys that are a proper prefix of
// it (same slot and field: both are in the prefix), shortest first. Keys
// must be distinct and cover whole bytes, as lpm_key() makes them.
std::vector<std::vector<size_t>>
prefix_parents(const std::vector<KeyView> &keys);
std::vector<std::vector<size_t>>
prefix_parents(const std::vector<pal_lpm_key> &keys);

// The prefix closure: each key's own atoms with those of every key that is
// its proper prefix, sorted and unique. One longest-prefix lookup then
// tells every atom that holds for a value.
std::vector<std::vector<AtomId>>
close_over_prefixes(const std::vector<KeyView> &keys,
                    const std::vector<std::vector<AtomId>> &own);
std::vector<std::vector<AtomId>>
close_over_prefixes(const std::vector<pal_lpm_key> &keys,
                    const std::vector<std::vector<AtomId>> &own);

// Storage for key bytes that never moves what it keeps, so the views into
// it stay valid while it grows.
class KeyStore {
public:
  std::string_view keep(std::string_view bytes);

private:
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = kBlock; // of the last block
};

// The bytes of lpm_key()'s data up to its prefixlen, into `out`: slot,
// field, the value and its NUL or '/'.
void lpm_key_data(std::string &out, uint32_t slot, uint8_t field,
                  MatchKind kind, const std::string &value);

} // namespace palisade::engine
