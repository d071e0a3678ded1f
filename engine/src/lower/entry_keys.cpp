#include "lower/entry_keys.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <span>
#include <unordered_map>

#include "resolve/access.h"

namespace palisade::engine {

pal_lpm_key KeyView::lpm() const {
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  key.prefixlen = prefixlen;
  std::memcpy(key.data, data.data(), data.size());
  return key;
}

KeyView key_view(const pal_lpm_key &key) {
  const uint32_t width = value_width(key.data[1]); // 0 for a path field
  return {key.prefixlen,
          {reinterpret_cast<const char *>(key.data),
           width ? PAL_LPM_HDR + width : key.prefixlen / 8}};
}

pal_lpm_key lpm_key(uint32_t slot, uint8_t field, MatchKind kind,
                    const std::string &value) {
  std::string data;
  lpm_key_data(data, slot, field, kind, value);
  return KeyView{static_cast<uint32_t>(8 * data.size()), data}.lpm();
}

pal_lpm_key access_key(uint32_t slot, uint32_t mask) {
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  key.data[0] = static_cast<uint8_t>(slot);
  key.data[1] = PAL_FIELD_ACCESS;
  key.data[PAL_LPM_HDR] = static_cast<uint8_t>(mask);
  key.prefixlen = PAL_ACCESS_KEY_BITS;
  return key;
}

std::vector<std::pair<pal_lpm_key, std::vector<AtomId>>>
access_entries(const std::vector<Atom> &atoms, uint32_t slot) {
  std::vector<std::pair<pal_lpm_key, std::vector<AtomId>>> out;
  for (uint32_t mask = 1; mask <= PAL_ACCESS_ALL; ++mask) {
    std::vector<AtomId> hold;
    for (AtomId id = 0; id < atoms.size(); ++id)
      if (atoms[id].field == PAL_FIELD_ACCESS &&
          (access_mask(atoms[id].values) & mask) != 0)
        hold.push_back(id);
    if (!hold.empty())
      out.emplace_back(access_key(slot, mask), std::move(hold));
  }
  return out;
}

pal_lpm_key value_lpm_key(uint32_t slot, uint8_t field, const ValueKey &k) {
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  key.data[0] = static_cast<uint8_t>(slot);
  key.data[1] = field;
  std::memcpy(key.data + PAL_LPM_HDR, k.bytes.data(), value_width(field));
  key.prefixlen = 8 * PAL_LPM_HDR + k.bits;
  return key;
}

bool is_whole_value(const pal_lpm_key &key) {
  const uint8_t field = key.data[1];
  const uint32_t width = value_width(field); // 0 for a path field
  return width != 0 && key.prefixlen == 8 * (PAL_LPM_HDR + width);
}

pal_value_key whole_value_key(const pal_lpm_key &key) {
  pal_value_key k;
  std::memset(&k, 0, sizeof k);
  k.slot = key.data[0];
  k.field = key.data[1];
  std::memcpy(k.value, key.data + PAL_LPM_HDR, value_width(key.data[1]));
  return k;
}

std::vector<std::vector<AtomId>>
close_over_value_prefixes(const std::vector<pal_lpm_key> &keys,
                          const std::vector<std::vector<AtomId>> &own) {
  // (field, prefixlen) -> key bytes -> index; and each field's lengths.
  using Data = std::string;
  auto data_of = [](const pal_lpm_key &k, uint32_t bits) {
    Data d(reinterpret_cast<const char *>(k.data), (bits + 7) / 8);
    if (bits % 8)
      d.back() = static_cast<char>(d.back() & (0xff << (8 - bits % 8)));
    return d;
  };
  std::map<std::pair<uint8_t, uint32_t>, std::unordered_map<Data, size_t>>
      by_len;
  for (size_t i = 0; i < keys.size(); ++i)
    by_len[{keys[i].data[1], keys[i].prefixlen}].emplace(
        data_of(keys[i], keys[i].prefixlen), i);
  std::vector<std::vector<AtomId>> closed(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    closed[i] = own[i];
    const uint8_t field = keys[i].data[1];
    for (auto it = by_len.lower_bound({field, 0});
         it != by_len.end() && it->first.first == field &&
         it->first.second < keys[i].prefixlen;
         ++it) {
      auto p = it->second.find(data_of(keys[i], it->first.second));
      if (p != it->second.end())
        closed[i].insert(closed[i].end(), own[p->second].begin(),
                         own[p->second].end());
    }
    std::sort(closed[i].begin(), closed[i].end());
    closed[i].erase(std::unique(closed[i].begin(), closed[i].end()),
                    closed[i].end());
  }
  return closed;
}

namespace {

// Calls visit(i, prefixes) for every key, with the indexes of the keys
// that are its proper prefixes, shortest first. In byte order a key's
// proper prefixes come before it, and every key between a prefix and it
// has that prefix too. So one walk in that order, keeping the stack of
// keys that are prefixes of the last one, finds them all. An exact key
// (ending in its NUL; a path has no other) is never a prefix of another.
template <typename Visit>
void walk_prefixes(const std::vector<KeyView> &keys, Visit visit) {
  std::vector<size_t> by_bytes(keys.size());
  std::iota(by_bytes.begin(), by_bytes.end(), size_t{0});
  auto less = [&](size_t a, size_t b) { return keys[a].data < keys[b].data; };
  if (!std::is_sorted(by_bytes.begin(), by_bytes.end(), less))
    std::sort(by_bytes.begin(), by_bytes.end(), less);
  std::vector<size_t> stack;
  for (size_t i : by_bytes) {
    const std::string_view data = keys[i].data;
    while (!stack.empty() && !data.starts_with(keys[stack.back()].data))
      stack.pop_back();
    visit(i, std::span<const size_t>(stack));
    // Shortest meaningful prefix: slot, field and one path byte.
    if (data.size() > PAL_LPM_HDR && data.back() != '\0')
      stack.push_back(i);
  }
}

} // namespace

std::vector<std::vector<size_t>>
prefix_parents(const std::vector<KeyView> &keys) {
  std::vector<std::vector<size_t>> out(keys.size());
  walk_prefixes(keys, [&](size_t i, std::span<const size_t> parents) {
    out[i].assign(parents.begin(), parents.end());
  });
  return out;
}

static std::vector<KeyView> key_views(const std::vector<pal_lpm_key> &keys) {
  std::vector<KeyView> out;
  out.reserve(keys.size());
  for (const pal_lpm_key &k : keys)
    out.push_back(key_view(k));
  return out;
}

std::vector<std::vector<size_t>>
prefix_parents(const std::vector<pal_lpm_key> &keys) {
  return prefix_parents(key_views(keys));
}

std::vector<std::vector<AtomId>>
close_over_prefixes(const std::vector<pal_lpm_key> &keys,
                    const std::vector<std::vector<AtomId>> &own) {
  return close_over_prefixes(key_views(keys), own);
}

std::vector<std::vector<AtomId>>
close_over_prefixes(const std::vector<KeyView> &keys,
                    const std::vector<std::vector<AtomId>> &own) {
  std::vector<std::vector<AtomId>> closed(keys.size());
  walk_prefixes(keys, [&](size_t i, std::span<const size_t> parents) {
    closed[i] = own[i];
    for (size_t p : parents)
      closed[i].insert(closed[i].end(), own[p].begin(), own[p].end());
    std::sort(closed[i].begin(), closed[i].end());
    closed[i].erase(std::unique(closed[i].begin(), closed[i].end()),
                    closed[i].end());
  });
  return closed;
}

std::string_view KeyStore::keep(std::string_view bytes) {
  if (kBlock - used_ < bytes.size()) {
    blocks_.push_back(std::make_unique<char[]>(std::max(kBlock, bytes.size())));
    used_ = 0;
  }
  char *at = blocks_.back().get() + used_;
  std::memcpy(at, bytes.data(), bytes.size());
  used_ += bytes.size();
  return {at, bytes.size()};
}

// The bytes of lpm_key()'s data up to its prefixlen, into `out`: slot,
// field, the value and its NUL or '/'.
void lpm_key_data(std::string &out, uint32_t slot, uint8_t field,
                  MatchKind kind, const std::string &value) {
  out.assign({static_cast<char>(slot), static_cast<char>(field)});
  out += value;
  if (kind == MatchKind::Exact)
    out.push_back('\0'); // the lookup key ends in NUL: only this path
  else if (kind == MatchKind::Prefix)
    ; // a byte prefix: the key is the bytes themselves
  else if (value != "/")
    out.push_back('/'); // strictly below the directory
}

} // namespace palisade::engine
