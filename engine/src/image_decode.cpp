#include "image_decode.h"

#include "field_catalog.h"

namespace palisade::engine {

const std::vector<MapEntry> &map_entries(const MapImage &image,
                                         const char *map) {
  static const std::vector<MapEntry> none;
  auto it = image.maps.find(map);
  return it == image.maps.end() ? none : it->second;
}

AtomEntry decode_atom_entry(const MapEntry &e) {
  auto key = decode<pal_lpm_key>(e.key, "atoms key");
  AtomEntry out;
  out.set = decode<pal_atom_set>(e.value, "atoms value");
  size_t len = key.prefixlen / 8;
  if (key.prefixlen % 8 || len <= PAL_LPM_HDR || len > PAL_LPM_DATA)
    throw std::runtime_error("bad prefixlen in atoms key");
  for (size_t i = len; i < PAL_LPM_DATA; ++i)
    if (key.data[i])
      throw std::runtime_error("non-zero byte past prefixlen in atoms key");
  out.slot = key.data[0];
  out.field = key.data[1];
  out.prefixlen = key.prefixlen;
  out.value.assign(reinterpret_cast<const char *>(key.data + PAL_LPM_HDR),
                   len - PAL_LPM_HDR);
  // A key ending in NUL matches one path; any other is a prefix.
  out.exact = out.value.back() == '\0';
  if (out.exact)
    out.value.pop_back();
  return out;
}

std::vector<uint32_t> atom_ids(const __u64 *words) {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < PAL_MAX_ATOMS; ++id)
    if (has_atom(words, id))
      ids.push_back(id);
  return ids;
}

bool has_atom(const __u64 *words, uint32_t id) {
  return id < PAL_MAX_ATOMS && (words[id / 64] >> (id % 64) & 1);
}

const char *action_name(uint32_t a) {
  switch (a) {
  case PAL_ACT_NONE:
    return "none";
  case PAL_ACT_ALLOW:
    return "allow";
  case PAL_ACT_AUDIT:
    return "audit";
  case PAL_ACT_DENY:
    return "deny";
  case PAL_ACT_KILL:
    return "kill";
  }
  return "invalid";
}

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
