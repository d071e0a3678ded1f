#include "image/atom_meaning.h"

#include <algorithm>
#include <cstdio>

#include <palisade/abi.h>

#include "image/image_decode.h"

namespace palisade::engine {

namespace {

// "6000-6015", "6016-6063" -> "6000-6063": a port atom's prefixes, as the
// ranges they make up.
std::vector<std::string> merge_ports(const std::vector<std::string> &values) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto &v : values) {
    auto dash = v.find('-');
    uint64_t lo = std::stoull(v.substr(0, dash));
    uint64_t hi =
        dash == std::string::npos ? lo : std::stoull(v.substr(dash + 1));
    ranges.emplace_back(lo, hi);
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (auto r : ranges)
    if (!merged.empty() && r.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  std::vector<std::string> out;
  for (auto [lo, hi] : merged)
    out.push_back(lo == hi ? std::to_string(lo)
                           : std::to_string(lo) + "-" + std::to_string(hi));
  return out;
}

// Value entries: an entry's own atoms are its held ones minus those of
// the entries of its field whose key covers it.
void value_meanings(const ImageView &view,
                    const std::vector<AtomEntry> &entries,
                    std::map<uint32_t, AtomMeaning> &out) {
  std::vector<std::vector<uint32_t>> held;
  for (const auto &e : entries)
    held.push_back(view.held_atoms(e.entry.id));
  std::map<uint32_t, AtomMeaning> found;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<uint32_t> own = held[i];
    for (size_t j = 0; j < entries.size(); ++j) {
      if (j == i || entries[j].field != entries[i].field ||
          entries[j].key.bits >= entries[i].key.bits ||
          !key_covers(entries[j].key, entries[i].key))
        continue;
      std::erase_if(own, [&](uint32_t id) {
        return std::binary_search(held[j].begin(), held[j].end(), id);
      });
    }
    for (uint32_t id : own) {
      AtomMeaning &m = found[id];
      m.field = entries[i].field;
      m.exact = true;
      m.values.push_back(entries[i].value);
    }
  }
  for (auto &[id, m] : found) {
    if (is_number_field(m.field))
      m.values = merge_ports(m.values);
    out[id] = std::move(m);
  }
}

} // namespace

std::map<uint32_t, AtomMeaning> atom_meanings(const MapImage &image) {
  ImageView view(image);
  std::vector<AtomEntry> entries;
  std::vector<std::vector<uint32_t>> held;
  std::vector<AtomEntry> values;
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
    if (a.is_value) {
      values.push_back(std::move(a));
      continue;
    }
    held.push_back(view.held_atoms(a.entry.id));
    entries.push_back(std::move(a));
  }
  value_meanings(view, values, out);
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
    const bool prefix = !a.exact && !value.ends_with('/');
    if (!a.exact && value.size() > 1 && !prefix)
      value.pop_back(); // "/tmp/" is the key of `under "/tmp"`
    for (uint32_t id : own) {
      AtomMeaning &m = out[id];
      m.field = a.field;
      m.exact = a.exact;
      m.op = prefix ? "startswith" : nullptr;
      m.values.push_back(value);
    }
  }
  for (const auto &[id, g] : view.globs()) {
    AtomMeaning &m = out[id];
    m.field = g.field;
    m.op = g.kind == PAL_GLOB_SUFFIX ? "endswith" : "matches";
    m.values = {std::string(g.text, std::min<size_t>(g.len, sizeof g.text))};
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

std::string value_text(uint8_t field, const std::string &canonical) {
  if (is_number_field(field)) {
    std::string v = canonical;
    if (auto dash = v.find('-'); dash != std::string::npos)
      v.replace(dash, 1, "..");
    return v;
  }
  if (field == PAL_FIELD_ADDRESS) {
    // One address: without its full prefix length.
    auto slash = canonical.find('/');
    std::string bits =
        slash == std::string::npos ? "" : canonical.substr(slash);
    bool v4 = canonical.find(':') == std::string::npos;
    if ((v4 && bits == "/32") || (!v4 && bits == "/128"))
      return quoted(canonical.substr(0, slash));
    return quoted(canonical);
  }
  return quoted(canonical);
}

std::string atom_text(const AtomMeaning &meaning, bool negated) {
  AtomMeaning atom = meaning;
  if (is_number_field(atom.field)) // by number: 53 before 123
    std::stable_sort(atom.values.begin(), atom.values.end(),
                     [](const std::string &a, const std::string &b) {
                       return std::stoull(a) < std::stoull(b);
                     });
  std::string field = field_name(atom.field);
  if (atom.op) {
    std::string vals;
    for (size_t i = 0; i < atom.values.size(); ++i)
      vals += (i ? " or " + field + " " + atom.op + " " : "") +
              quoted(atom.values[i]);
    return (negated ? "not " : "") + field + " " + atom.op + " " + vals;
  }
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
    return field + (negated ? " != " : " == ") +
           value_text(atom.field, atom.values[0]);
  std::string list = "[";
  for (size_t i = 0; i < atom.values.size(); ++i)
    list += (i ? ", " : "") + value_text(atom.field, atom.values[i]);
  return field + (negated ? " not in " : " in ") + list + "]";
}

} // namespace palisade::engine
