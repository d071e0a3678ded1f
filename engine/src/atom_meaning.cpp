#include "atom_meaning.h"

#include <algorithm>
#include <cstdio>

#include "image_decode.h"

namespace palisade::engine {

std::map<uint32_t, AtomMeaning> atom_meanings(const MapImage &image) {
  std::vector<AtomEntry> entries;
  for (const auto &e : map_entries(image, "atoms")) {
    AtomEntry a = decode_atom_entry(e);
    if (a.slot == image.slot)
      entries.push_back(std::move(a));
  }
  std::map<uint32_t, AtomMeaning> out;
  for (const AtomEntry &a : entries) {
    pal_atom_set own = a.set;
    for (const AtomEntry &b : entries) {
      // b's key bytes are a proper prefix of a's: b's bits came by closure.
      // (An exact value ends in NUL, so it is never a prefix of another.)
      bool prefix = b.field == a.field && !b.exact &&
                    b.value.size() < a.value.size() + (a.exact ? 1 : 0) &&
                    a.value.compare(0, b.value.size(), b.value) == 0;
      if (!prefix)
        continue;
      for (int w = 0; w < PAL_ATOM_WORDS; ++w)
        own.bits[w] &= ~b.set.bits[w];
    }
    std::string value = a.value;
    if (!a.exact && value.size() > 1)
      value.pop_back(); // "/tmp/" is the key of `under "/tmp"`
    for (uint32_t id : atom_ids(own.bits)) {
      AtomMeaning &m = out[id];
      m.field = a.field;
      m.exact = a.exact;
      m.values.push_back(value);
    }
  }
  for (auto &[id, m] : out)
    std::sort(m.values.begin(), m.values.end());
  return out;
}

std::string quoted(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string atom_text(const AtomMeaning &atom, bool negated) {
  std::string field = field_name(atom.field);
  if (!atom.exact) {
    std::string dirs;
    if (atom.values.size() == 1) {
      dirs = quoted(atom.values[0]);
    } else {
      dirs = "any of [";
      for (size_t i = 0; i < atom.values.size(); ++i)
        dirs += (i ? ", " : "") + quoted(atom.values[i]);
      dirs += "]";
    }
    return (negated ? "not " : "") + field + " under " + dirs;
  }
  if (atom.values.size() == 1)
    return field + (negated ? " != " : " == ") + quoted(atom.values[0]);
  std::string list = "[";
  for (size_t i = 0; i < atom.values.size(); ++i)
    list += (i ? ", " : "") + quoted(atom.values[i]);
  return field + (negated ? " not in " : " in ") + list + "]";
}

} // namespace palisade::engine
