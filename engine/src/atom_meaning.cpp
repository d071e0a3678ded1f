#include "atom_meaning.h"

#include <algorithm>
#include <cstdio>

#include "image_decode.h"

namespace palisade::engine {

std::map<uint32_t, AtomMeaning> atom_meanings(const MapImage &image) {
  ImageView view(image);
  std::vector<AtomEntry> entries;
  std::vector<std::vector<uint32_t>> held;
  std::map<uint32_t, AtomMeaning> out;
  for (AtomEntry &a : decode_entries(image)) {
    if (a.slot != image.slot)
      continue;
    if (a.mask) {
      // An access atom is held by every mask it meets; the one-intent
      // masks name its intents.
      if ((a.mask & (a.mask - 1)) == 0)
        for (uint32_t id : view.held_atoms(a.entry.id)) {
          AtomMeaning &m = out[id];
          m.field = a.field;
          m.exact = true;
          m.values.push_back(a.value);
        }
      continue;
    }
    held.push_back(view.held_atoms(a.entry.id));
    entries.push_back(std::move(a));
  }
  // Entries that can be a prefix of another: the `under` ones (an exact
  // value ends in NUL, so it is never a prefix), by field and bytes.
  std::map<std::pair<uint8_t, std::string>, size_t> dirs;
  for (size_t j = 0; j < entries.size(); ++j)
    if (!entries[j].exact)
      dirs.emplace(std::make_pair(entries[j].field, entries[j].value), j);
  for (size_t i = 0; i < entries.size(); ++i) {
    const AtomEntry &a = entries[i];
    std::vector<uint32_t> own = held[i];
    // The atoms of an entry whose key bytes are a proper prefix of a's
    // came by closure.
    size_t bytes = a.value.size() + (a.exact ? 1 : 0);
    for (size_t len = 1; len < bytes; ++len) {
      auto it = dirs.find({a.field, a.value.substr(0, len)});
      if (it == dirs.end())
        continue;
      const auto &theirs = held[it->second];
      std::erase_if(own, [&](uint32_t id) {
        return std::binary_search(theirs.begin(), theirs.end(), id);
      });
    }
    std::string value = a.value;
    if (!a.exact && value.size() > 1)
      value.pop_back(); // "/tmp/" is the key of `under "/tmp"`
    for (uint32_t id : own) {
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
