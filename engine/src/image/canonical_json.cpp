// to_canonical_json(): decodes the image's bytes back through abi.h, so a
// golden file shows what the kernel will read, not what the IR meant. It
// throws on bytes the kernel would misread or that contradict each other.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "image/image_decode.h"
#include "palisade/engine/compile.h"
#include "resolve/glob.h"

namespace palisade::engine {
namespace {

using nlohmann::json;

void check(bool ok, const char *what) {
  if (!ok)
    throw std::runtime_error(what);
}

// Every index-keyed entry of `map` is in the image's slot.
void check_slot(const MapImage &image, const char *map, uint32_t per_slot) {
  for (const auto &e : map_entries(image, map))
    if (decode<uint32_t>(e.key, map) / per_slot != image.slot)
      throw std::runtime_error(std::string(map) + " key of another slot");
}

// The written elements of the image's array maps, by index.
class Written {
public:
  explicit Written(const MapImage &image) {
    for (const auto &[name, entries] : image.maps)
      if (array_max_entries(name) != 0)
        for (const auto &e : entries)
          index_[name][decode<uint32_t>(e.key, name.c_str())] = e.value;
  }
  // Reading an unwritten element means a list or index points past what
  // the engine wrote.
  template <typename T> T get(const char *map, uint32_t index) const {
    auto m = index_.find(map);
    if (m != index_.end()) {
      auto it = m->second.find(index);
      if (it != m->second.end())
        return decode<T>(it->second, map);
    }
    throw std::runtime_error(std::string("reference to an unwritten ") + map +
                             " element");
  }

private:
  std::map<std::string, std::unordered_map<uint32_t, std::span<const uint8_t>>>
      index_;
};

struct Decoder {
  const MapImage &image;
  const Written &w;
  uint32_t slot;
  pal_slot hdr{};
  std::vector<pal_rule> rules; // by index in the slot

  std::string literal(uint32_t index) const {
    check(index < PAL_SLOT_LITS, "literal index past the slot");
    auto lit = w.get<pal_lit>("lits", slot * PAL_SLOT_LITS + index);
    check(lit.atom < PAL_MAX_ATOMS, "atom id past PAL_MAX_ATOMS");
    // A suffix or glob literal: "path~:7" (checked against the path).
    return field_name(static_cast<uint8_t>(lit.field & 0xff)) +
           (lit.field & PAL_LIT_GLOB ? "~:" : ":") + std::to_string(lit.atom);
  }

  json term(uint32_t ti) const {
    check(ti < PAL_SLOT_TERMS, "term index past the slot");
    auto t = w.get<pal_term>("terms", slot * PAL_SLOT_TERMS + ti);
    check(t.n_must <= PAL_MAX_TERM_LITS && t.n_must_not <= PAL_MAX_TERM_LITS,
          "term with too many literals");
    json must = json::array(), must_not = json::array();
    uint32_t checks = 0;
    for (uint32_t k = 0; k < uint32_t{t.n_must} + t.n_must_not; ++k) {
      auto lit = w.get<pal_lit>("lits", slot * PAL_SLOT_LITS + t.lit + k);
      checks += lit.field != t.anchor_field;
      (k < t.n_must ? must : must_not).push_back(literal(t.lit + k));
    }
    check(checks == t.n_checks, "term n_checks does not match its literals");
    check(t.anchor_field != 0 || t.n_must == 0,
          "a term with a must atom has no anchor field");
    return {{"must", must},
            {"must_not", must_not},
            {"anchor_field", t.anchor_field ? field_name(t.anchor_field)
                                            : std::string("none")}};
  }

  json rule_json(uint32_t i) const {
    const pal_rule &r = rules[i];
    check(r.n_terms <= PAL_MAX_TERMS, "n_terms past PAL_MAX_TERMS");
    json terms = json::array();
    for (uint32_t t = 0; t < r.n_terms; ++t)
      terms.push_back(term(r.term_first + t));
    return {{"index", i},
            {"policy", r.policy},
            {"rule_id", r.rule_id},
            {"event", event_name(r.event)},
            {"action", action_name(r.action)},
            {"terms", terms}};
  }

  // A candidate list: "rule I term T" (T within the rule), or "rule I"
  // for a fail-closed candidate (no term).
  json list(uint32_t first, uint32_t count, bool fail_closed) const {
    json out = json::array();
    uint32_t last_rule = 0;
    for (uint32_t k = 0; k < count; ++k) {
      check(first + k < PAL_SLOT_CANDS, "candidate index past the slot");
      auto c = w.get<pal_cand>("cands", slot * PAL_SLOT_CANDS + first + k);
      check(c.rule < rules.size(), "candidate of a rule past n_rules");
      check(k == 0 || c.rule >= last_rule, "candidates not in rule order");
      last_rule = c.rule;
      const pal_rule &r = rules[c.rule];
      if (fail_closed) {
        check(c.term == PAL_NO_TERM && r.action >= PAL_ACT_DENY,
              "fail-closed candidate is not a deny/kill rule");
        out.push_back("rule " + std::to_string(c.rule));
        continue;
      }
      check(c.term >= r.term_first && c.term - r.term_first < r.n_terms,
            "candidate term is not one of its rule's");
      out.push_back("rule " + std::to_string(c.rule) + " term " +
                    std::to_string(c.term - r.term_first));
    }
    return out;
  }

  json entries() const {
    ImageView view(image);
    json out = json::array();
    std::vector<uint32_t> ids;
    uint64_t lens[PAL_PATH_FIELDS][4] = {};
    uint32_t value_fields = 0, prefix_fields = 0;
    for (const AtomEntry &a : decode_entries(image)) {
      check(a.slot == slot, "entry of another slot");
      check(a.field >= 1 && a.field <= PAL_FIELDS, "entry of no field");
      check(a.entry.cand_count <= PAL_MAX_LIST, "candidate list too long");
      ids.push_back(a.entry.id);
      json j = {
          {"id", a.entry.id},
          {"map", a.map},
          {"field", field_name(a.field)},
          {"match", a.mask                   ? "mask"
                    : a.is_value             ? "prefix"
                    : a.exact                ? "exact"
                    : a.value.ends_with('/') ? "under"
                                             : "startswith"},
          {"value", a.value},
          {"held", view.held_atoms(a.entry.id)},
          {"candidates", list(a.entry.cand_first, a.entry.cand_count, false)}};
      if (a.map == std::string_view("values"))
        value_fields |= 1u << a.field;
      else if (a.mask || a.is_value)
        prefix_fields |= 1u << a.field;
      if (a.prefixlen) {
        j["prefixlen"] = a.prefixlen;
      } else {
        // An "exact" entry: its key must be the one the kernel computes.
        check(a.field <= PAL_PATH_FIELDS, "an exact entry of no path field");
        check(a.hash == path_hash(hdr.hash_seed, a.value),
              "exact key hash does not match its path");
        lens[a.field - 1][a.value.size() / 64] |= uint64_t{1}
                                                  << (a.value.size() % 64);
      }
      out.push_back(std::move(j));
    }
    check(std::memcmp(lens, hdr.exact_lens, sizeof lens) == 0,
          "exact_lens does not match the exact paths");
    // The kernel skips a map whose bit is clear: a missing bit hides
    // entries.
    check(hdr.value_fields == value_fields,
          "value_fields does not match the values entries");
    check(hdr.prefix_fields == prefix_fields,
          "prefix_fields does not match the value prefixes in the trie");
    std::sort(ids.begin(), ids.end());
    for (size_t i = 0; i < ids.size(); ++i)
      check(ids[i] == i + 1, "entry ids are not 1..n_entries");
    check(ids.size() == hdr.n_entries, "n_entries does not match the trie");
    for (const auto &e : map_entries(image, "held")) {
      auto k = decode<pal_held_key>(e.key, "held key");
      check(k.slot == slot, "held key of another slot");
      check(k.entry >= 1 && k.entry <= ids.size(), "held key of no entry");
      check(decode<uint32_t>(e.value, "held value") == 1, "held value not 1");
    }
    // Reviewers read entries by field and path, not by key bytes.
    std::stable_sort(out.begin(), out.end(), [](const json &a, const json &b) {
      return std::tie(a["field"].get_ref<const std::string &>(),
                      a["value"].get_ref<const std::string &>(),
                      a["match"].get_ref<const std::string &>()) <
             std::tie(b["field"].get_ref<const std::string &>(),
                      b["value"].get_ref<const std::string &>(),
                      b["match"].get_ref<const std::string &>());
    });
    return out;
  }
};

json decode_policies(const CompiledPolicy &c) {
  json out = json::array();
  for (const auto &e : map_entries(c.image, "policies")) {
    auto index = decode<uint32_t>(e.key, "policies key");
    auto policy = decode<pal_policy>(e.value, "policies value");
    uint32_t i = index % PAL_MAX_POLICIES;
    out.push_back({{"index", i},
                   {"mode", mode_name(policy.mode)},
                   {"name", i < c.policies.size() ? c.policies[i].name : ""}});
  }
  return out;
}

json rule_info(const CompiledPolicy &c) {
  json out = json::array();
  for (const auto &r : c.rules) {
    json j = {{"rule_id", r.rule_id},      {"policy", r.policy_index},
              {"file", r.loc.file_name()}, {"line", r.loc.line},
              {"col", r.loc.column},       {"message", r.message},
              {"text", r.source_text}};
    if (!r.label.empty()) // only labelled rules: other goldens keep their text
      j["label"] = r.label;
    out.push_back(std::move(j));
  }
  return out;
}

} // namespace

std::string to_canonical_json(const CompiledPolicy &c) {
  const MapImage &image = c.image;
  check(image.slot < PAL_SLOTS, "no such slot");
  check_slot(image, "slots", 1);
  check_slot(image, "rules", PAL_MAX_RULES);
  check_slot(image, "terms", PAL_SLOT_TERMS);
  check_slot(image, "lits", PAL_SLOT_LITS);
  check_slot(image, "cands", PAL_SLOT_CANDS);
  check_slot(image, "policies", PAL_MAX_POLICIES);
  for (const auto &e : map_entries(image, "atoms")) {
    const AtomEntry a = decode_atom_entry(e);
    check(!a.exact, "an exact path in the trie");
    // The kernel finds a whole value in "values" and takes the trie's
    // answer only on a miss there; the same value in the trie would be a
    // second entry of it.
    check(!a.mask && !(a.is_value && a.key.bits == 8 * value_width(a.field)),
          "a whole value in the trie");
  }
  ImageView view(image); // rejects unknown maps and bad sizes

  Written w(image);
  Decoder d{image, w, image.slot, {}, {}};
  if (!map_entries(image, "slots").empty())
    d.hdr = w.get<pal_slot>("slots", image.slot);
  check(map_entries(image, "rules").size() == d.hdr.n_rules,
        "n_rules does not match the rules written");
  check(d.hdr.n_rules <= PAL_MAX_RULES, "n_rules past PAL_MAX_RULES");
  for (uint32_t i = 0; i < d.hdr.n_rules; ++i)
    d.rules.push_back(w.get<pal_rule>("rules", image.slot * PAL_MAX_RULES + i));
  check(d.hdr.always_count <= PAL_MAX_LIST, "always list too long");
  uint32_t events = 0; // the hooks skip events no rule is for
  for (const pal_rule &r : d.rules)
    events |= r.event < 32 ? 1u << r.event : 0;
  check(d.hdr.events == events, "events does not match the rules' events");

  json rules = json::array();
  for (uint32_t i = 0; i < d.rules.size(); ++i)
    rules.push_back(d.rule_json(i));
  // Suffixes and globs: the text, where the NFA starts, and the prefix
  // atom it needs (the NFA tables follow from the text).
  json globs = json::array();
  for (const auto &[atom, g] : view.globs()) {
    check(g.kind == PAL_GLOB_SUFFIX || g.kind == PAL_GLOB_PATTERN,
          "glob of no kind");
    check(g.len <= PAL_MATCH_PATH_MAX, "glob text too long");
    const std::string text(g.text, g.len);
    pal_glob again =
        compile_glob(g.kind == PAL_GLOB_SUFFIX, text, g.prefix_atom);
    again.field = g.field;
    check(std::memcmp(&again, &g, sizeof g) == 0,
          "glob NFA does not match its text");
    json jg = {{"atom", atom},
               {"field", field_name(g.field)},
               {"kind", g.kind == PAL_GLOB_SUFFIX ? "endswith" : "matches"},
               {"text", text},
               {"skip", g.skip}};
    if (g.prefix_atom != PAL_NO_ATOM)
      jg["prefix_atom"] = g.prefix_atom;
    globs.push_back(std::move(jg));
  }
  json j = {
      {"slot", image.slot},
      {"n_rules", d.hdr.n_rules},
      {"hash_seed", d.hdr.hash_seed},
      {"entries", d.entries()},
      {"always", d.list(d.hdr.always_first, d.hdr.always_count, false)},
      {"fail_closed", d.list(d.hdr.closed_first, d.hdr.closed_count, true)},
      {"rules", rules},
      {"policies", decode_policies(c)},
      {"rule_info", rule_info(c)}};
  if (!globs.empty())
    j["globs"] = std::move(globs);
  return j.dump(2) + "\n";
}

} // namespace palisade::engine
