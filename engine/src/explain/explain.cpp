// explain_event(): the verdict from the reference evaluator, and the rules
// behind it, read from the same image bytes in the same order.
#include "palisade/engine/explain.h"

#include <algorithm>
#include <map>

#include <palisade/abi.h>

#include "image/atom_meaning.h"
#include "image/image_decode.h"

namespace palisade::engine {
namespace {

// What the event's lookups found: the atoms each field holds.
struct Held {
  std::vector<uint32_t> by_field[PAL_FIELDS + 1]; // index PAL_FIELD_*
  // Suffixes and globs are checked against the event's paths.
  const MapImage *image = nullptr;
  const Event *event = nullptr;

  bool has(uint32_t field, uint32_t atom) const {
    if (field > PAL_FIELDS)
      return false;
    const auto &set = by_field[field];
    return std::binary_search(set.begin(), set.end(), atom);
  }
};

std::string literal_text(const std::map<uint32_t, AtomMeaning> &meanings,
                         uint32_t atom, bool negated) {
  auto it = meanings.find(atom);
  if (it != meanings.end())
    return atom_text(it->second, negated);
  // No entry names it: the atom can never hold.
  return (negated ? "not atom #" : "atom #") + std::to_string(atom);
}

TermExplanation explain_term(const ImageView &img, uint32_t term,
                             const Held &held,
                             const std::map<uint32_t, AtomMeaning> &meanings) {
  TermExplanation out;
  out.holds = true;
  const uint32_t slot = img.slot() & 1;
  auto t = img.array<pal_term>("terms", slot * PAL_SLOT_TERMS + term);
  if (!t)
    return out;
  for (uint32_t k = 0; k < uint32_t{t->n_must} + t->n_must_not; ++k) {
    auto l = img.array<pal_lit>("lits", slot * PAL_SLOT_LITS + t->lit + k);
    if (!l)
      break;
    LiteralExplanation lit;
    lit.atom = l->atom;
    lit.negated = k >= t->n_must;
    lit.atom_held = l->field & PAL_LIT_GLOB
                        ? glob_atom_holds(*held.image, *held.event,
                                          l->field & 0xff, l->atom)
                        : held.has(l->field, l->atom);
    lit.text = literal_text(meanings, l->atom, lit.negated);
    out.holds = out.holds && lit.holds();
    out.literals.push_back(std::move(lit));
  }
  return out;
}

RuleExplanation explain_rule(uint32_t index, const pal_rule &r,
                             const CompiledPolicy &compiled, const Event &ev,
                             const ImageView &img, const Held &held,
                             const std::map<uint32_t, AtomMeaning> &meanings) {
  RuleExplanation out;
  out.index = index;
  out.rule_id = r.rule_id;
  out.action = r.action;
  for (uint32_t t = 0; t < r.n_terms && t < PAL_MAX_TERMS; ++t) {
    out.terms.push_back(explain_term(img, r.term_first + t, held, meanings));
    out.holds = out.holds || out.terms.back().holds;
  }
  // The kernel's fail-closed rule replaces the condition (match.h).
  if (unresolved(ev)) {
    out.holds = r.action >= PAL_ACT_DENY;
    out.fail_closed = out.holds;
  }
  if (r.rule_id < compiled.rules.size()) {
    const RuleInfo &info = compiled.rules[r.rule_id];
    out.file = info.loc.file_name();
    out.line = info.loc.line;
    out.column = info.loc.column;
    out.text = info.source_text;
    out.message = info.message;
    out.label = info.label;
  }
  return out;
}

std::vector<PolicyExplanation> policies_of(const CompiledPolicy &compiled) {
  std::vector<PolicyExplanation> out;
  for (const auto &e : map_entries(compiled.image, "policies")) {
    auto index = decode<uint32_t>(e.key, "policies key");
    if (index / PAL_MAX_POLICIES != compiled.image.slot)
      continue;
    PolicyExplanation p;
    p.index = index % PAL_MAX_POLICIES;
    p.mode = decode<pal_policy>(e.value, "policies value").mode;
    if (p.index < compiled.policies.size())
      p.name = compiled.policies[p.index].name;
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace

std::string RuleExplanation::location() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const TermExplanation *RuleExplanation::deciding_term() const {
  for (const auto &t : terms)
    if (t.holds)
      return &t;
  return nullptr;
}

Explanation explain_event(const CompiledPolicy &compiled, const Event &ev) {
  Explanation out;
  out.event = ev;
  const Verdict &v = out.verdict = evaluate(compiled.image, ev);
  const auto meanings = atom_meanings(compiled.image);
  const ImageView img(compiled.image);
  Held held;
  held.image = &compiled.image;
  held.event = &ev;
  const std::pair<uint32_t, uint32_t> found[] = {
      {PAL_FIELD_PATH, v.path_entry},
      {PAL_FIELD_BINARY, v.binary_entry},
      {PAL_FIELD_TARGET, v.target_entry},
      {PAL_FIELD_CGROUP, v.cgroup_entry},
      {PAL_FIELD_PARENT_BINARY, v.parent_binary_entry},
      {PAL_FIELD_ACCESS, v.access_entry},
      {PAL_FIELD_PORT, v.port_entry},
      {PAL_FIELD_ADDRESS, v.address_entry},
      {PAL_FIELD_PROTOCOL, v.protocol_entry},
      {PAL_FIELD_FAMILY, v.family_entry},
      {PAL_FIELD_UID, v.uid_entry},
      {PAL_FIELD_GID, v.gid_entry},
      {PAL_FIELD_EUID, v.euid_entry},
      {PAL_FIELD_PID, v.pid_entry}};
  for (auto [field, entry] : found)
    if (entry)
      held.by_field[field] = img.held_atoms(entry);
  for (uint32_t id : held_atoms(compiled.image, v))
    out.atoms.push_back({id, literal_text(meanings, id, false)});
  out.policies = policies_of(compiled);
  std::map<uint32_t, PolicyExplanation *> by_index;
  for (auto &p : out.policies)
    by_index[p.index] = &p;

  // The slot's rules in slot order: the kernel only looks at candidates,
  // but decides as if it tried them in this order (docs/abi.md).
  const uint32_t slot = compiled.image.slot & 1;
  const uint32_t n_rules =
      img.array<pal_slot>("slots", slot).value_or(pal_slot{}).n_rules;
  for (uint32_t i = 0; i < n_rules && i < PAL_MAX_RULES; ++i) {
    const pal_rule r = *img.array<pal_rule>("rules", slot * PAL_MAX_RULES + i);
    auto pol = by_index.find(r.policy & (PAL_MAX_POLICIES - 1));
    if (r.event != ev.kind || pol == by_index.end())
      continue;
    PolicyExplanation &p = *pol->second;
    RuleExplanation rule =
        explain_rule(i, r, compiled, ev, img, held, meanings);
    if (p.decided_by) {
      if (rule.holds)
        p.shadowed.push_back(std::move(rule));
    } else if (rule.holds) {
      p.decided_by = std::move(rule);
    } else {
      p.not_held.push_back(std::move(rule));
    }
  }
  return out;
}

} // namespace palisade::engine
