#include "image/image_decode.h"

#include <algorithm>

#include "palisade/engine/abi_names.h"

#include "catalog/field_catalog.h"
#include "lower/value_keys.h"
#include "resolve/access.h"

namespace palisade::engine {

const MapEntries &map_entries(const MapImage &image, const char *map) {
  static const MapEntries none;
  auto it = image.maps.find(map);
  return it == image.maps.end() ? none : it->second;
}

uint32_t array_max_entries(const std::string &map) {
  if (map == "slots")
    return PAL_SLOTS;
  if (map == "cands")
    return PAL_SLOTS * PAL_SLOT_CANDS;
  if (map == "rules")
    return PAL_SLOTS * PAL_MAX_RULES;
  if (map == "terms")
    return PAL_SLOTS * PAL_SLOT_TERMS;
  if (map == "lits")
    return PAL_SLOTS * PAL_SLOT_LITS;
  if (map == "policies")
    return PAL_SLOTS * PAL_MAX_POLICIES;
  return 0;
}

uint64_t path_hash(uint64_t seed, std::string_view path) {
  uint64_t h = seed ^ (uint64_t{path.size()} * PAL_HASH_LEN);
  for (size_t i = 0; i < path.size(); i += 8) {
    uint64_t w = 0; // little-endian, zero past the end
    for (size_t b = 0; b < 8 && i + b < path.size(); ++b)
      w |= uint64_t{static_cast<uint8_t>(path[i + b])} << (8 * b);
    h = (h ^ w) * PAL_HASH_MUL;
    h ^= h >> 31;
  }
  return h;
}

AtomEntry decode_exact_entry(const ConstMapEntry &e) {
  auto key = decode<pal_exact_key>(e.key, "exact key");
  auto value = decode<pal_exact>(e.value, "exact value");
  if (value.len > PAL_MATCH_PATH_MAX)
    throw std::runtime_error("exact path longer than PAL_MATCH_PATH_MAX");
  const auto *bytes = reinterpret_cast<const char *>(value.path);
  for (size_t i = value.len; i < sizeof value.path; ++i)
    if (bytes[i])
      throw std::runtime_error("non-zero byte past an exact path");
  AtomEntry out;
  out.slot = static_cast<uint8_t>(key.slot);
  out.field = static_cast<uint8_t>(key.field);
  if (out.slot != key.slot || out.field != key.field)
    throw std::runtime_error("bad slot or field in exact key");
  out.map = "exact";
  out.exact = true;
  out.value.assign(bytes, value.len);
  out.hash = key.hash;
  out.entry = value.entry;
  return out;
}

std::vector<AtomEntry> decode_entries(const MapImage &image) {
  std::vector<AtomEntry> out;
  for (const auto &e : map_entries(image, "atoms"))
    out.push_back(decode_atom_entry(e));
  for (const auto &e : map_entries(image, "exact"))
    out.push_back(decode_exact_entry(e));
  for (const auto &e : map_entries(image, "values"))
    out.push_back(decode_value_entry(e));
  return out;
}

namespace {

// An entry of the trie, or a whole value given as the trie key it would
// be (`what` names the map in errors).
AtomEntry describe_lpm_entry(const pal_lpm_key &key, const pal_entry &entry,
                             const std::string &what) {
  AtomEntry out;
  out.entry = entry;
  if (is_value_field(key.data[1])) {
    // A bit prefix of the field's value bytes.
    const uint32_t width = value_width(key.data[1]);
    if (key.prefixlen < 8 * PAL_LPM_HDR ||
        key.prefixlen > 8 * (PAL_LPM_HDR + width))
      throw std::runtime_error("bad prefixlen in a value key of " + what);
    for (size_t i = PAL_LPM_HDR + width; i < PAL_LPM_DATA; ++i)
      if (key.data[i])
        throw std::runtime_error("non-zero byte past a value in " + what +
                                 " key");
    out.slot = key.data[0];
    out.field = key.data[1];
    out.prefixlen = key.prefixlen;
    std::memcpy(out.key.bytes.data(), key.data + PAL_LPM_HDR, width);
    out.key.bits = key.prefixlen - 8 * PAL_LPM_HDR;
    ValueKey clean = out.key;
    for (uint32_t b = clean.bits; b < 8 * width; ++b)
      clean.bytes[b / 8] &= static_cast<uint8_t>(~(0x80 >> (b % 8)));
    if (clean != out.key)
      throw std::runtime_error("bits set past the prefix of a value key");
    out.value = value_key_text(out.field, out.key);
    out.is_value = true;
    return out;
  }
  size_t len = key.prefixlen / 8;
  if (key.prefixlen % 8 || len <= PAL_LPM_HDR || len > PAL_LPM_DATA)
    throw std::runtime_error("bad prefixlen in " + what + " key");
  for (size_t i = len; i < PAL_LPM_DATA; ++i)
    if (key.data[i])
      throw std::runtime_error("non-zero byte past prefixlen in " + what +
                               " key");
  out.slot = key.data[0];
  out.field = key.data[1];
  out.prefixlen = key.prefixlen;
  if (out.field == PAL_FIELD_ACCESS) {
    // One mask byte, looked up whole (prefixlen 24).
    out.mask = key.data[PAL_LPM_HDR];
    if (key.prefixlen != PAL_ACCESS_KEY_BITS || out.mask == 0 ||
        out.mask > PAL_ACCESS_ALL)
      throw std::runtime_error("bad access key in " + what);
    out.value = access_mask_text(out.mask);
    return out;
  }
  out.value.assign(reinterpret_cast<const char *>(key.data + PAL_LPM_HDR),
                   len - PAL_LPM_HDR);
  // A key ending in NUL matches one path; any other is a prefix.
  out.exact = out.value.back() == '\0';
  if (out.exact)
    out.value.pop_back();
  return out;
}

} // namespace

AtomEntry decode_atom_entry(const ConstMapEntry &e) {
  return describe_lpm_entry(decode<pal_lpm_key>(e.key, "atoms key"),
                            decode<pal_entry>(e.value, "atoms value"), "atoms");
}

AtomEntry decode_value_entry(const ConstMapEntry &e) {
  auto key = decode<pal_value_key>(e.key, "values key");
  const uint32_t width = value_width(static_cast<uint8_t>(key.field));
  if (key.field > PAL_FIELDS || width == 0)
    throw std::runtime_error("values key of a field without values");
  if (key.slot >= PAL_SLOTS)
    throw std::runtime_error("values key of no slot");
  for (size_t i = width; i < PAL_VALUE_MAX; ++i)
    if (key.value[i])
      throw std::runtime_error("non-zero byte past a value in values key");
  // The trie key it stands for: the whole value, every bit.
  pal_lpm_key lpm;
  std::memset(&lpm, 0, sizeof lpm);
  lpm.data[0] = static_cast<uint8_t>(key.slot);
  lpm.data[1] = static_cast<uint8_t>(key.field);
  std::memcpy(lpm.data + PAL_LPM_HDR, key.value, width);
  lpm.prefixlen = 8 * (PAL_LPM_HDR + width);
  AtomEntry out = describe_lpm_entry(
      lpm, decode<pal_entry>(e.value, "values value"), "values");
  out.map = "values";
  return out;
}

ImageView::ImageView(const MapImage &image) : slot_(image.slot) {
  for (const auto &[name, entries] : image.maps) {
    if (name == "atoms") {
      for (const auto &e : entries) {
        auto key = decode<pal_lpm_key>(e.key, "atoms key");
        if (key.prefixlen > 8 * PAL_LPM_DATA)
          throw std::runtime_error("atoms key prefixlen past the data");
        trie_.emplace_back(key, decode<pal_entry>(e.value, "atoms value"));
      }
    } else if (name == "exact") {
      for (const auto &e : entries) {
        auto key = decode<pal_exact_key>(e.key, "exact key");
        exact_[{key.slot, key.field, key.hash}] =
            decode<pal_exact>(e.value, "exact value");
      }
    } else if (name == "values") {
      for (const auto &e : entries) {
        decode<pal_value_key>(e.key, "values key");
        values_[{e.key.begin(), e.key.end()}] =
            decode<pal_entry>(e.value, "values value");
      }
    } else if (name == "held") {
      for (const auto &e : entries) {
        auto key = decode<pal_held_key>(e.key, "held key");
        decode<uint32_t>(e.value, "held value");
        held_.insert({key.slot, key.entry, key.atom});
      }
    } else if (name == "globs") {
      for (const auto &e : entries) {
        auto key = decode<pal_glob_key>(e.key, "globs key");
        globs_[{key.slot, key.atom}] = decode<pal_glob>(e.value, "globs value");
      }
    } else if (array_max_entries(name) != 0) {
      auto &index = arrays_[name];
      for (const auto &e : entries)
        index[decode<uint32_t>(e.key, name.c_str())] = e.value;
    } else {
      throw std::runtime_error("unknown map '" + name + "' in the image");
    }
  }
}

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

} // namespace

std::optional<pal_entry> ImageView::lpm_lookup(const pal_lpm_key &key) const {
  // Entries with the same prefix are one trie node; the loader writes
  // them in order, so the last wins.
  std::optional<pal_entry> found;
  uint32_t best = 0;
  for (const auto &[entry, value] : trie_) {
    if (entry.prefixlen > key.prefixlen ||
        !prefix_equal(entry.data, key.data, entry.prefixlen))
      continue;
    if (!found || entry.prefixlen >= best) {
      found = value;
      best = entry.prefixlen;
    }
  }
  return found;
}

std::optional<pal_exact> ImageView::exact_lookup(uint32_t slot, uint32_t field,
                                                 uint64_t hash) const {
  auto it = exact_.find({slot, field, hash});
  if (it == exact_.end())
    return std::nullopt;
  return it->second;
}

std::optional<pal_entry> ImageView::value_lookup(uint32_t slot, uint32_t field,
                                                 const uint8_t *value,
                                                 uint32_t len) const {
  pal_value_key key;
  std::memset(&key, 0, sizeof key);
  key.slot = slot;
  key.field = field;
  std::memcpy(key.value, value, std::min<uint32_t>(len, PAL_VALUE_MAX));
  std::vector<uint8_t> bytes(sizeof key);
  std::memcpy(bytes.data(), &key, sizeof key);
  auto it = values_.find(bytes);
  if (it == values_.end())
    return std::nullopt;
  return it->second;
}

bool ImageView::held(uint32_t slot, uint32_t entry, uint32_t atom) const {
  return held_.count({slot, entry, atom}) != 0;
}

std::vector<uint32_t> ImageView::held_atoms(uint32_t entry) const {
  std::vector<uint32_t> out;
  for (auto it = held_.lower_bound({slot_, entry, 0});
       it != held_.end() && (*it)[0] == slot_ && (*it)[1] == entry; ++it)
    out.push_back((*it)[2]);
  return out;
}

std::optional<pal_glob> ImageView::glob(uint32_t slot, uint32_t atom) const {
  auto it = globs_.find({slot, atom});
  if (it == globs_.end())
    return std::nullopt;
  return it->second;
}

std::map<uint32_t, pal_glob> ImageView::globs() const {
  std::map<uint32_t, pal_glob> out;
  for (const auto &[key, g] : globs_)
    if (key.first == slot_)
      out[key.second] = g;
  return out;
}

const char *action_name(uint32_t a) { return abi_action_name(a); }

const char *mode_name(uint32_t m) {
  switch (m) {
  case PAL_MODE_OFF:
    return "off";
  case PAL_MODE_ENFORCE:
    return "enforce";
  case PAL_MODE_AUDIT:
    return "audit";
  }
  return "invalid";
}

std::string field_name(uint8_t id) {
  const FieldSpec *f = find_field(id);
  return f ? std::string(f->name) : "field#" + std::to_string(id);
}

std::string event_name(uint32_t id) {
  const EventSpec *e = find_event(id);
  return e ? std::string(e->name) : "event#" + std::to_string(id);
}

} // namespace palisade::engine
