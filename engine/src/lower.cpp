// Pass 3: the normalised program becomes the bytes of the "atoms",
// "rules" and "policies" maps for one slot.
#include "lower.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string_view>

#include "passes.h"

namespace palisade::engine {

pal_lpm_key lpm_key(uint32_t slot, uint8_t field, MatchKind kind,
                    const std::string &value) {
  pal_lpm_key key;
  std::memset(&key, 0, sizeof key);
  std::string bytes = value;
  if (kind == MatchKind::Exact)
    bytes.push_back('\0'); // the lookup key ends in NUL: only this path
  else if (bytes != "/")
    bytes.push_back('/'); // strictly below the directory
  key.data[0] = static_cast<uint8_t>(slot);
  key.data[1] = field;
  std::memcpy(key.data + PAL_LPM_HDR, bytes.data(), bytes.size());
  key.prefixlen = static_cast<uint32_t>(8 * (PAL_LPM_HDR + bytes.size()));
  return key;
}

void close_over_prefixes(std::vector<MapEntry> &entries) {
  // Index every key by the bytes its prefix covers (all prefixlens are
  // whole bytes here), then look up each shorter byte prefix of each key.
  std::map<std::string, size_t, std::less<>> by_prefix;
  std::vector<pal_lpm_key> keys(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    std::memcpy(&keys[i], entries[i].key.data(), sizeof(pal_lpm_key));
    by_prefix.emplace(std::string(reinterpret_cast<const char *>(keys[i].data),
                                  keys[i].prefixlen / 8),
                      i);
  }
  std::vector<pal_atom_set> closed(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    std::memcpy(&closed[i], entries[i].value.data(), sizeof(pal_atom_set));
    std::string_view data(reinterpret_cast<const char *>(keys[i].data),
                          keys[i].prefixlen / 8);
    // Shortest meaningful prefix: slot, field and one path byte.
    for (size_t len = PAL_LPM_HDR + 1; len < data.size(); ++len) {
      auto it = by_prefix.find(data.substr(0, len));
      if (it == by_prefix.end())
        continue;
      pal_atom_set shorter;
      std::memcpy(&shorter, entries[it->second].value.data(), sizeof shorter);
      for (size_t w = 0; w < PAL_ATOM_WORDS; ++w)
        closed[i].bits[w] |= shorter.bits[w];
    }
  }
  for (size_t i = 0; i < entries.size(); ++i)
    entries[i].value = bytes_of(closed[i]);
}

int action_precedence(dsl::Action a) {
  switch (a) {
  case dsl::Action::Allow:
    return 0;
  case dsl::Action::Kill:
    return 1;
  case dsl::Action::Deny:
    return 2;
  case dsl::Action::Audit:
    return 3;
  }
  return 4;
}

uint32_t abi_action(dsl::Action a) {
  switch (a) {
  case dsl::Action::Allow:
    return PAL_ACT_ALLOW;
  case dsl::Action::Audit:
    return PAL_ACT_AUDIT;
  case dsl::Action::Deny:
    return PAL_ACT_DENY;
  case dsl::Action::Kill:
    return PAL_ACT_KILL;
  }
  return PAL_ACT_NONE;
}

uint32_t abi_mode(dsl::Mode m) {
  return m == dsl::Mode::Audit ? PAL_MODE_AUDIT : PAL_MODE_ENFORCE;
}

namespace {

void set_bit(__u64 *words, AtomId id) {
  words[id / 64] |= __u64{1} << (id % 64);
}

std::vector<MapEntry>
sorted(std::map<std::vector<uint8_t>, std::vector<uint8_t>> m) {
  std::vector<MapEntry> out;
  for (auto &[k, v] : m)
    out.push_back(MapEntry{k, std::move(v)});
  return out;
}

// False (and one error at the atom that overflowed) past the map's size.
bool lower_atoms(const Program &p, uint32_t slot, MapImage &image,
                 dsl::Diagnostics &diags) {
  std::map<std::vector<uint8_t>, pal_atom_set> sets;
  for (AtomId id = 0; id < p.atoms.size(); ++id) {
    const Atom &atom = p.atoms[id];
    for (const auto &value : atom.values) {
      auto [it, fresh] = sets.try_emplace(
          bytes_of(lpm_key(slot, atom.field, atom.kind, value)));
      if (fresh) {
        std::memset(&it->second, 0, sizeof it->second);
        if (sets.size() > kMaxAtomEntriesPerSlot) {
          diags
              .error(atom.loc, "the policies need more than " +
                                   std::to_string(kMaxAtomEntriesPerSlot) +
                                   " path entries")
              .hints.push_back("the kernel's map holds " +
                               std::to_string(PAL_LPM_MAX_ENTRIES) +
                               " entries, shared by the live slot and the "
                               "one being written");
          return false;
        }
      }
      set_bit(it->second.bits, id);
    }
  }
  std::vector<MapEntry> entries;
  for (auto &[key, set] : sets)
    entries.push_back(MapEntry{key, bytes_of(set)});
  close_over_prefixes(entries);
  image.maps["atoms"] = std::move(entries);
  return true;
}

pal_rule rule_value(const IrRule &r) {
  pal_rule v;
  std::memset(&v, 0, sizeof v);
  v.policy = r.policy_index;
  v.rule_id = r.rule_id;
  v.event = r.event;
  v.action = abi_action(r.action);
  v.n_terms = static_cast<uint32_t>(r.terms.size());
  for (size_t t = 0; t < r.terms.size(); ++t)
    for (const Literal &lit : r.terms[t])
      set_bit(lit.negated ? v.terms[t].must_not : v.terms[t].must, lit.atom);
  return v;
}

} // namespace

std::optional<MapImage> lower(const Program &p, uint32_t slot,
                              dsl::Diagnostics &diags) {
  size_t errors_before = diags.error_count();
  if (p.policies.size() > PAL_MAX_POLICIES)
    diags.error(p.policies[PAL_MAX_POLICIES].name_loc,
                "too many policies: the limit is " +
                    std::to_string(PAL_MAX_POLICIES));
  if (p.rules.size() > PAL_MAX_RULES)
    diags.error(p.rules[PAL_MAX_RULES].loc, "too many rules: the limit is " +
                                                std::to_string(PAL_MAX_RULES) +
                                                " over all policies");
  if (slot >= PAL_SLOTS)
    diags.error({}, "slot " + std::to_string(slot) + " does not exist");
  if (diags.error_count() != errors_before)
    return std::nullopt;

  MapImage image;
  image.slot = slot;
  if (!lower_atoms(p, slot, image, diags))
    return std::nullopt;

  // The kernel walks a slot's rules in this order; see docs/abi.md.
  std::vector<const IrRule *> order;
  for (const auto &r : p.rules)
    order.push_back(&r);
  std::sort(order.begin(), order.end(), [](const IrRule *a, const IrRule *b) {
    return std::make_tuple(a->policy_index, action_precedence(a->action),
                           a->rule_id) <
           std::make_tuple(b->policy_index, action_precedence(b->action),
                           b->rule_id);
  });
  std::map<std::vector<uint8_t>, std::vector<uint8_t>> rules, policies;
  for (uint32_t i = 0; i < order.size(); ++i)
    rules[bytes_of(uint32_t{slot * PAL_MAX_RULES + i})] =
        bytes_of(rule_value(*order[i]));
  for (const auto &pol : p.policies) {
    pal_policy v;
    std::memset(&v, 0, sizeof v);
    v.mode = abi_mode(pol.info.mode);
    policies[bytes_of(uint32_t{slot * PAL_MAX_POLICIES + pol.info.index})] =
        bytes_of(v);
  }
  image.maps["rules"] = sorted(std::move(rules));
  image.maps["policies"] = sorted(std::move(policies));
  return image;
}

} // namespace palisade::engine
