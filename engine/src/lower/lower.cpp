// Pass 3: the normalised program becomes the bytes of one slot's maps:
// the rules in slot order with their terms and literals, the entries
// (trie prefixes, exact paths, whole values) with their prefix closures
// ("held") and candidate lists, and the slot header. docs/abi.md
// describes every map.
#include "lower/lower.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>

#include "catalog/field_catalog.h"
#include "image/image_decode.h"
#include "lower/value_keys.h"
#include "passes.h"
#include "resolve/access.h"
#include "resolve/glob.h"

namespace palisade::engine {

AtomId choose_anchor(const std::vector<AtomId> &must,
                     const std::vector<AnchorCost> &cost) {
  auto rank = [&](AtomId a) {
    const AnchorCost &c = cost[a];
    return std::make_tuple(c.reach * c.uses, c.kind == MatchKind::Under, a);
  };
  AtomId best = must.at(0);
  for (AtomId a : must)
    if (rank(a) < rank(best))
      best = a;
  return best;
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

using Bytes = std::vector<uint8_t>;

// One map of the image, its keys in key-byte order. Every key is written
// once by construction (array indexes, distinct hashes, distinct (entry,
// atom) pairs), so appending and sorting once gives what a std::map
// would, without a tree insert per entry.
MapEntries sorted(MapEntries entries) {
  entries.sort_by_key();
  for (size_t i = 1; i < entries.size(); ++i)
    assert(!std::ranges::equal(entries[i - 1].key, entries[i].key));
  return entries;
}

std::string field_text(uint8_t field) {
  const FieldSpec *f = find_field(field);
  return f ? std::string(f->name) : "field " + std::to_string(field);
}

// One term as the kernel will see it.
struct TermPlan {
  const IrRule *rule = nullptr;
  uint32_t rule_index = 0; // in slot order
  // Views into Lowering::lits (one buffer for every term's literals, not
  // two vectors per term), each sorted by (field, atom).
  std::span<const pal_lit> must, must_not;
  bool anchored = false;
  AtomId anchor = 0;
  uint8_t anchor_field = 0;
};

// One entry of the slot: a directory or a value prefix ("atoms"), an
// exact path ("exact"), or a whole value or access mask ("values"). Its
// key is the LPM key it would have in the trie, whichever map holds it:
// entry ids and prefix closures are computed over those keys.
struct EntryPlan {
  KeyView key;
  std::vector<AtomId> closure; // sorted: its own atoms and its prefixes'
  std::vector<pal_cand> cands;

  uint8_t field() const { return key.field(); }
  bool access() const { return field() == PAL_FIELD_ACCESS; }
  bool value_field() const { return is_value_field(field()); }
  // lpm_key() ends an exact path's key in NUL; an access key is a mask, a
  // value key a bit prefix.
  bool exact() const {
    return !access() && !value_field() && key.data.back() == '\0';
  }
  ValueKey value_key() const {
    ValueKey k;
    std::memcpy(k.bytes.data(), key.data.data() + PAL_LPM_HDR,
                value_width(field()));
    k.bits = key.prefixlen - 8 * PAL_LPM_HDR;
    return k;
  }
  // The path: without the NUL of an exact key; with the '/' of an under
  // key ("/tmp/"), except "/". The mask's intents for access: "read|write".
  std::string value() const {
    if (access())
      return access_mask_text(static_cast<uint8_t>(key.data[PAL_LPM_HDR]));
    if (value_field())
      return value_key_text(field(), value_key());
    return std::string(path());
  }
  // A path entry's path, as value() says it.
  std::string_view path() const {
    return key.data.substr(PAL_LPM_HDR,
                           key.data.size() - PAL_LPM_HDR - exact());
  }
  // Description for diagnostics: `path == "/x"`, `path under "/d"`,
  // `access mask read|write`.
  std::string text() const {
    if (access())
      return field_text(field()) + " mask " + value();
    if (value_field())
      return field_text(field()) + " " + value();
    std::string v = value();
    if (!exact() && !v.ends_with('/'))
      return field_text(field()) + " startswith \"" + v + "\"";
    if (!exact() && v.size() > 1)
      v.pop_back();
    return field_text(field()) + (exact() ? " == \"" : " under \"") + v + "\"";
  }
};

struct Lowering {
  const Program &p;
  uint32_t slot;
  dsl::Diagnostics &diags;

  std::vector<const IrRule *> order;
  std::vector<TermPlan> terms;
  std::vector<pal_lit> lits;      // what the terms' must and must_not view
  KeyStore key_bytes;             // what the entries' keys view
  std::vector<EntryPlan> entries; // id = index + 1
  std::vector<pal_cand> always, closed;
  uint64_t hash_seed = 0;

  bool order_rules();
  bool plan_terms();
  void term_literals(const Term &t, std::vector<pal_lit> &must,
                     std::vector<pal_lit> &must_not) const;
  bool plan_entries();
  // Every (key, atom) a path value names, grouped: the distinct keys in
  // the order of their data, each with the atoms naming it, ascending.
  void group_path_keys(std::vector<KeyView> &keys,
                       std::vector<std::vector<AtomId>> &owns);
  bool plan_path_keys(std::vector<KeyView> &keys,
                      std::vector<std::vector<AtomId>> &owns,
                      std::vector<std::vector<AtomId>> &closed,
                      std::vector<uint32_t> &check_order);
  bool plan_candidates();
  // The located errors of plan_candidates(); each returns false.
  bool fail_slot_candidates(const TermPlan &t);
  bool fail_always_list(const TermPlan &t);
  bool fail_entry_list(const EntryPlan &entry, const TermPlan &t);
  void plan_fail_closed();
  void plan_hash_seed();

  // The entry maps, filled together: each entry goes into one of exact,
  // values or atoms, and its atoms into held.
  struct EntryMaps {
    MapEntries exact, values, atoms, held;
  };
  void emit_terms(MapEntries &term_map, MapEntries &lit_map) const;
  void emit_rules(MapEntries &rules) const;
  std::vector<uint32_t> emit_candidates(MapEntries &cands, pal_slot &hdr) const;
  void emit_exact(const EntryPlan &entry, const pal_entry &v, MapEntries &exact,
                  pal_slot &hdr) const;
  void emit_entries(const std::vector<uint32_t> &cand_firsts, pal_slot &hdr,
                    EntryMaps &m) const;
  void emit_globs(MapEntries &globs) const;
  void emit_policies(MapEntries &policies) const;
  MapImage emit() const;
};

bool Lowering::order_rules() {
  // The order of the slot; see docs/abi.md "Slot order".
  for (const auto &r : p.rules)
    order.push_back(&r);
  std::sort(order.begin(), order.end(), [](const IrRule *a, const IrRule *b) {
    return std::make_tuple(a->policy_index, action_precedence(a->action),
                           a->rule_id) <
           std::make_tuple(b->policy_index, action_precedence(b->action),
                           b->rule_id);
  });
  return true;
}

// The literals of one term as the kernel checks them, each list sorted by
// (field, atom): a suffix or glob literal is marked PAL_LIT_GLOB, and the
// prefix atom of a glob's fixed leading bytes joins `must`, which the
// term implies and the index finds it by.
void Lowering::term_literals(const Term &t, std::vector<pal_lit> &must,
                             std::vector<pal_lit> &must_not) const {
  must.clear();
  must_not.clear();
  for (const Literal &lit : t) {
    const Atom &atom = p.atoms.at(lit.atom);
    pal_lit l{};
    l.field = atom.field;
    l.atom = lit.atom;
    if (is_residual(atom.kind)) {
      l.field |= PAL_LIT_GLOB; // checked against the path ("globs")
      if (!lit.negated && atom.anchor &&
          std::find(t.begin(), t.end(), Literal{*atom.anchor, false}) ==
              t.end())
        must.push_back(pal_lit{atom.field, *atom.anchor});
    }
    (lit.negated ? must_not : must).push_back(l);
  }
  auto by_field = [](const pal_lit &a, const pal_lit &b) {
    return std::tie(a.field, a.atom) < std::tie(b.field, b.atom);
  };
  std::sort(must.begin(), must.end(), by_field);
  must.erase(std::unique(must.begin(), must.end(),
                         [](const pal_lit &a, const pal_lit &b) {
                           return a.field == b.field && a.atom == b.atom;
                         }),
             must.end());
  std::sort(must_not.begin(), must_not.end(), by_field);
}

bool Lowering::plan_terms() {
  size_t n_lits = 0;
  std::vector<pal_lit> must, must_not; // of one term
  struct Span {
    size_t first, n_must, n_must_not; // in lits
  };
  std::vector<Span> spans; // of each term, set as views once lits is whole
  size_t n_terms = 0, n_literals = 0;
  for (const IrRule *r : order)
    for (const Term &t : r->terms)
      n_terms++, n_literals += t.size();
  terms.reserve(n_terms);
  spans.reserve(n_terms);
  lits.reserve(n_literals); // and the anchors of globs, if any
  for (uint32_t i = 0; i < order.size(); ++i) {
    const IrRule &r = *order[i];
    for (const Term &t : r.terms) {
      TermPlan plan;
      plan.rule = &r;
      plan.rule_index = i;
      term_literals(t, must, must_not);
      if (must.size() > PAL_MAX_TERM_LITS ||
          must_not.size() > PAL_MAX_TERM_LITS) {
        // normalize() reports this at the condition; a hand-built
        // program can still get here.
        diags.error(r.loc, "an alternative of this condition has more than " +
                               std::to_string(PAL_MAX_TERM_LITS) +
                               " comparisons of one polarity");
        return false;
      }
      n_lits += must.size() + must_not.size();
      spans.push_back({lits.size(), must.size(), must_not.size()});
      lits.insert(lits.end(), must.begin(), must.end());
      lits.insert(lits.end(), must_not.begin(), must_not.end());
      terms.push_back(plan);
      if (terms.size() > PAL_SLOT_TERMS) {
        diags
            .error(r.loc, "the conditions expand to more than " +
                              std::to_string(PAL_SLOT_TERMS) +
                              " alternatives over all policies")
            .hints.push_back("each 'or' that is not inside a list becomes "
                             "an alternative; write alternatives of one "
                             "field as a list (path in [...])");
        return false;
      }
      if (n_lits > PAL_SLOT_LITS) {
        diags.error(r.loc, "the conditions need more than " +
                               std::to_string(PAL_SLOT_LITS) +
                               " comparisons over all policies");
        return false;
      }
    }
  }
  for (size_t ti = 0; ti < terms.size(); ++ti) {
    const pal_lit *first = lits.data() + spans[ti].first;
    terms[ti].must = {first, spans[ti].n_must};
    terms[ti].must_not = {first + spans[ti].n_must, spans[ti].n_must_not};
  }
  return true;
}

// memcmp of two keys' data as pal_lpm_key holds it: zero past the bytes
// a KeyView keeps.
int compare_data(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  if (int c = std::memcmp(a.data(), b.data(), n))
    return c;
  auto nonzero_past_n = [n](std::string_view d) {
    return d.find_first_not_of('\0', n) != std::string_view::npos;
  };
  return nonzero_past_n(a) ? 1 : nonzero_past_n(b) ? -1 : 0;
}

// Key bytes -> own atoms, as the keys (in key order) and their atoms.
std::pair<std::vector<pal_lpm_key>, std::vector<std::vector<AtomId>>>
split_keys(std::map<Bytes, std::vector<AtomId>> own) {
  std::pair<std::vector<pal_lpm_key>, std::vector<std::vector<AtomId>>> out;
  for (auto &[bytes, atoms] : own) {
    pal_lpm_key key;
    std::memcpy(&key, bytes.data(), sizeof key);
    out.first.push_back(key);
    out.second.push_back(std::move(atoms));
  }
  return out;
}

// An atom whose values are path keys: not access (entries per mask), a
// value field (bit prefixes) or a suffix or glob (never looked up).
bool path_keyed(const Atom &atom) {
  return atom.field != PAL_FIELD_ACCESS && !is_value_field(atom.field) &&
         !is_residual(atom.kind);
}

void Lowering::group_path_keys(std::vector<KeyView> &keys,
                               std::vector<std::vector<AtomId>> &owns) {
  struct Named {
    KeyView key;
    AtomId atom;
  };
  size_t n_named = 0;
  for (const Atom &atom : p.atoms)
    n_named += path_keyed(atom) ? atom.values.size() : 0;
  std::vector<Named> named;
  named.reserve(n_named);
  std::string data;
  for (AtomId id = 0; id < p.atoms.size(); ++id) {
    const Atom &atom = p.atoms[id];
    if (!path_keyed(atom))
      continue;
    for (const auto &value : atom.values) {
      lpm_key_data(data, slot, atom.field, atom.kind, value);
      named.push_back(
          {{static_cast<uint32_t>(8 * data.size()), key_bytes.keep(data)}, id});
    }
  }
  std::sort(named.begin(), named.end(), [](const Named &a, const Named &b) {
    return std::tie(a.key.data, a.atom) < std::tie(b.key.data, b.atom);
  });
  keys.reserve(named.size()); // at most: pages past the last key stay
  owns.reserve(named.size()); // untouched
  for (size_t i = 0; i < named.size(); ++i) {
    if (i == 0 || named[i].key.data != named[i - 1].key.data) {
      keys.push_back(named[i].key);
      owns.emplace_back();
    }
    auto &own = owns.back();
    if (own.empty() || own.back() != named[i].atom)
      own.push_back(named[i].atom);
  }
}

// The path entries in the order of their key bytes, their own atoms and
// their closures; and their indexes in the order of whole pal_lpm_key
// bytes (prefixlen first), which the limits are checked and blamed in.
bool Lowering::plan_path_keys(std::vector<KeyView> &keys,
                              std::vector<std::vector<AtomId>> &owns,
                              std::vector<std::vector<AtomId>> &closed,
                              std::vector<uint32_t> &check_order) {
  group_path_keys(keys, owns);
  if (keys.size() <= kMaxAtomEntriesPerSlot) {
    closed = close_over_prefixes(keys, owns);
    check_order.resize(keys.size());
    std::iota(check_order.begin(), check_order.end(), 0u);
    // Equal prefixlens keep the order of their data, as memcmp would.
    std::stable_sort(
        check_order.begin(), check_order.end(), [&](uint32_t a, uint32_t b) {
          return std::memcmp(&keys[a].prefixlen, &keys[b].prefixlen,
                             sizeof(uint32_t)) < 0;
        });
    return true;
  }
  // Too many: blame the atom whose value was the first key past the limit.
  std::string data;
  std::set<std::string> seen;
  for (AtomId id = 0; id < p.atoms.size(); ++id) {
    const Atom &atom = p.atoms[id];
    if (!path_keyed(atom))
      continue;
    for (const auto &value : atom.values) {
      lpm_key_data(data, slot, atom.field, atom.kind, value);
      if (seen.insert(data).second && seen.size() > kMaxAtomEntriesPerSlot) {
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
  }
  return false; // not reached: the keys came from these values
}

bool Lowering::plan_entries() {
  size_t n_globs = 0;
  for (const Atom &atom : p.atoms)
    if (is_residual(atom.kind) && ++n_globs > PAL_SLOT_GLOBS) {
      diags
          .error(atom.loc, "the policies have more than " +
                               std::to_string(PAL_SLOT_GLOBS) +
                               " different endswith and matches values")
          .hints.push_back("the kernel keeps a matcher for each; merge "
                           "patterns, or use startswith and under where "
                           "they say the same");
      return false;
    }
  std::vector<KeyView> keys;
  std::vector<std::vector<AtomId>> owns, closed;
  std::vector<uint32_t> check_order; // of the path keys, then the others
  if (!plan_path_keys(keys, owns, closed, check_order))
    return false;
  auto kept = [&](const pal_lpm_key &key) {
    KeyView v = key_view(key);
    v.data = key_bytes.keep(v.data);
    return v;
  };
  // Value fields: each key of each value is an entry; its closure adds the
  // atoms of every shorter key of the field that covers it.
  std::map<Bytes, std::vector<AtomId>> value_own;
  for (AtomId id = 0; id < p.atoms.size(); ++id) {
    const Atom &atom = p.atoms[id];
    if (!is_value_field(atom.field))
      continue;
    const auto keys_of_atom =
        atom.keys.empty() ? value_keys(atom.field, atom.values) : atom.keys;
    for (const ValueKey &k : keys_of_atom) {
      auto &atoms = value_own[bytes_of(value_lpm_key(slot, atom.field, k))];
      if (atoms.empty() || atoms.back() != id)
        atoms.push_back(id);
    }
  }
  {
    auto [vkeys, vowns] = split_keys(std::move(value_own));
    auto vclosed = close_over_value_prefixes(vkeys, vowns);
    for (size_t i = 0; i < vkeys.size(); ++i) {
      keys.push_back(kept(vkeys[i]));
      owns.push_back(std::move(vowns[i]));
      closed.push_back(std::move(vclosed[i]));
    }
  }
  // Access: the kernel looks the open's whole mask up, so each mask some
  // atom meets is an entry holding exactly the atoms that hold for it; no
  // prefix closure (a mask is not a prefix of another).
  for (const auto &[key, atoms] : access_entries(p.atoms, slot)) {
    keys.push_back(kept(key));
    owns.push_back(atoms);
    closed.push_back(atoms);
  }
  for (size_t i = check_order.size(); i < keys.size(); ++i)
    check_order.push_back(static_cast<uint32_t>(i));
  // The path keys alone fit (plan_path_keys), so the last key is a value
  // or access one: as last in check order.
  if (keys.size() > kMaxAtomEntriesPerSlot) {
    diags.error(p.atoms.at(owns.back().front()).loc,
                "the policies need more than " +
                    std::to_string(kMaxAtomEntriesPerSlot) +
                    " path, access and value entries");
    return false;
  }
  size_t held = 0;
  for (uint32_t i : check_order) {
    held += closed[i].size();
    if (held > PAL_SLOT_HELD) {
      diags
          .error(p.atoms.at(owns[i].front()).loc,
                 "the policies need more than " +
                     std::to_string(PAL_SLOT_HELD) +
                     " (path, comparison) pairs in the kernel")
          .hints.push_back("each path or directory named in a rule counts "
                           "once for each comparison that holds for it, "
                           "including every 'under' of a directory above "
                           "it");
      return false;
    }
  }
  entries.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    entries.push_back(EntryPlan{keys[i], std::move(closed[i]), {}});
  // Ids follow the key data (slot, field, path bytes): the order a reader
  // of the canonical JSON sees the entries in.
  std::sort(entries.begin(), entries.end(),
            [](const EntryPlan &a, const EntryPlan &b) {
              int c = compare_data(a.key.data, b.key.data);
              return c != 0 ? c < 0 : a.key.prefixlen < b.key.prefixlen;
            });
  return true;
}

// Which entries' closures hold each atom. One array, atom by atom
// (counted first): first[a] is where atom a's entries start, ascending,
// and first[a + 1] where they end.
class AtomReach {
public:
  AtomReach(const std::vector<EntryPlan> &entries, size_t n_atoms)
      : first_(n_atoms + 1) {
    for (const EntryPlan &entry : entries)
      for (AtomId a : entry.closure)
        first_.at(a + 1)++;
    std::partial_sum(first_.begin(), first_.end(), first_.begin());
    all_.resize(first_.back());
    std::vector<uint32_t> next(first_.begin(), first_.end() - 1);
    for (uint32_t e = 0; e < entries.size(); ++e)
      for (AtomId a : entries[e].closure)
        all_[next[a]++] = e;
  }
  // The entries (indexes) whose closure holds `a`.
  std::span<const uint32_t> of(AtomId a) const {
    return {all_.data() + first_[a], first_[a + 1] - first_[a]};
  }

private:
  std::vector<uint32_t> first_, all_;
};

// Whether a term anchored in `entry` goes to it: its closure satisfies the
// term's other literals of the anchor's field, which the kernel then need
// not check. A suffix or glob literal has the PAL_LIT_GLOB bit in its
// field, so it is never one of them.
bool entry_admits(const EntryPlan &entry, const TermPlan &t) {
  auto holds = [&](const pal_lit &l) {
    return std::binary_search(entry.closure.begin(), entry.closure.end(),
                              l.atom);
  };
  for (const pal_lit &l : t.must)
    if (l.field == t.anchor_field && !holds(l))
      return false;
  for (const pal_lit &l : t.must_not)
    if (l.field == t.anchor_field && holds(l))
      return false;
  return true;
}

bool Lowering::fail_slot_candidates(const TermPlan &t) {
  diags
      .error(t.rule->loc, "the policies need more than " +
                              std::to_string(PAL_SLOT_CANDS) +
                              " candidate records in the kernel")
      .hints.push_back("a condition counts once for each path entry "
                       "that can make it hold; a comparison 'under' a "
                       "directory counts for every path named below it");
  return false;
}

bool Lowering::fail_always_list(const TermPlan &t) {
  auto &d =
      diags.error(t.rule->loc, "more than " + std::to_string(PAL_MAX_LIST) +
                                   " rule conditions have no comparison that "
                                   "must hold, and each is checked for every "
                                   "event of its kind");
  d.hints.push_back("conditions made only of !=, 'not in' and 'not' "
                    "(or no condition) cannot be indexed; add a "
                    "comparison that must hold, or merge rules with "
                    "the same action into one");
  return false;
}

bool Lowering::fail_entry_list(const EntryPlan &entry, const TermPlan &t) {
  auto &d = diags.error(
      t.rule->loc, "more than " + std::to_string(PAL_MAX_LIST) +
                       " rule conditions can hold through " + entry.text());
  d.hints.push_back("the kernel checks at most " +
                    std::to_string(PAL_MAX_LIST) + " conditions per " +
                    (entry.access()        ? "access mask"
                     : entry.value_field() ? "value"
                                           : "path") +
                    "; give rules more specific " +
                    (entry.value_field() ? "values" : "paths") +
                    ", or "
                    "merge rules with the same action into one with a list");
  return false;
}

bool Lowering::plan_candidates() {
  // How many entries hold each atom, and how many terms need it: what
  // choose_anchor() weighs.
  const AtomReach reach(entries, p.atoms.size());
  std::vector<AnchorCost> cost(p.atoms.size());
  for (AtomId a = 0; a < p.atoms.size(); ++a) {
    cost[a].reach = reach.of(a).size();
    cost[a].kind = p.atoms[a].kind;
  }
  for (const TermPlan &t : terms)
    for (const pal_lit &l : t.must)
      cost[l.atom].uses++;

  // Every list shares the slot's part of "cands"; the fail-closed one is
  // already planned.
  size_t total = closed.size();
  std::vector<AtomId> must; // of one term, found by a lookup
  for (uint32_t ti = 0; ti < terms.size(); ++ti) {
    TermPlan &t = terms[ti];
    const pal_cand cand{t.rule_index, ti};
    if (t.must.empty()) {
      // No atom must hold: only negations, or no condition at all. The
      // kernel checks these for every event.
      always.push_back(cand);
      if (always.size() > PAL_MAX_LIST)
        return fail_always_list(t);
      if (++total > PAL_SLOT_CANDS)
        return fail_slot_candidates(t);
      continue;
    }
    must.clear();
    for (const pal_lit &l : t.must)
      if (!(l.field & PAL_LIT_GLOB)) // never found by a lookup
        must.push_back(l.atom);
    t.anchored = true;
    t.anchor = choose_anchor(must, cost);
    t.anchor_field = p.atoms[t.anchor].field;
    for (uint32_t e : reach.of(t.anchor)) {
      EntryPlan &entry = entries[e];
      if (!entry_admits(entry, t))
        continue;
      entry.cands.push_back(cand);
      if (entry.cands.size() > PAL_MAX_LIST)
        return fail_entry_list(entry, t);
      if (++total > PAL_SLOT_CANDS)
        return fail_slot_candidates(t);
    }
  }
  return true;
}

void Lowering::plan_fail_closed() {
  // Unresolved path: for each policy and event the first deny/kill rule of
  // the slot order holds whatever its condition (docs/abi.md); the kernel
  // considers only the rules of the event's kind. Walked in slot order, so
  // the list is sorted by rule index.
  std::set<std::pair<uint32_t, uint32_t>> seen; // (policy, event)
  for (uint32_t i = 0; i < order.size(); ++i) {
    const IrRule &r = *order[i];
    if (abi_action(r.action) < PAL_ACT_DENY ||
        !seen.emplace(r.policy_index, r.event).second)
      continue;
    closed.push_back(pal_cand{i, PAL_NO_TERM});
  }
}

void Lowering::plan_hash_seed() {
  // The first seed under which no two exact paths of one field share a
  // key; a collision with an event's path is harmless (the kernel compares
  // the path), one between two entries would hide one of them.
  std::vector<std::pair<uint8_t, uint64_t>> keys;
  for (;; ++hash_seed) {
    keys.clear();
    for (const EntryPlan &e : entries)
      if (e.exact())
        keys.emplace_back(e.field(), path_hash(hash_seed, e.path()));
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) == keys.end())
      return;
  }
}

// "terms" and "lits": each term's must literals, then its must_not ones,
// back to back in term order.
void Lowering::emit_terms(MapEntries &term_map, MapEntries &lit_map) const {
  size_t n_lits = 0;
  for (const TermPlan &t : terms)
    n_lits += t.must.size() + t.must_not.size();
  lit_map.reserve(n_lits, sizeof(uint32_t), sizeof(pal_lit));
  term_map.reserve(terms.size(), sizeof(uint32_t), sizeof(pal_term));
  uint32_t lit_count = 0;
  for (uint32_t ti = 0; ti < terms.size(); ++ti) {
    const TermPlan &t = terms[ti];
    pal_term v;
    std::memset(&v, 0, sizeof v);
    v.lit = lit_count;
    v.n_must = static_cast<__u8>(t.must.size());
    v.n_must_not = static_cast<__u8>(t.must_not.size());
    v.anchor_field = t.anchor_field;
    for (const auto list : {t.must, t.must_not})
      for (const pal_lit &l : list) {
        lit_map.add(uint32_t{slot * PAL_SLOT_LITS + lit_count++}, l);
        if (l.field != t.anchor_field)
          v.n_checks++;
      }
    term_map.add(uint32_t{slot * PAL_SLOT_TERMS + ti}, v);
  }
}

// "rules", in slot order, each with its run of terms.
void Lowering::emit_rules(MapEntries &rules) const {
  rules.reserve(order.size(), sizeof(uint32_t), sizeof(pal_rule));
  uint32_t term_first = 0;
  for (uint32_t i = 0; i < order.size(); ++i) {
    const IrRule &r = *order[i];
    pal_rule v;
    std::memset(&v, 0, sizeof v);
    v.policy = r.policy_index;
    v.rule_id = r.rule_id;
    v.event = r.event;
    v.action = abi_action(r.action);
    v.n_terms = static_cast<uint32_t>(r.terms.size());
    v.term_first = term_first;
    term_first += v.n_terms;
    rules.add(uint32_t{slot * PAL_MAX_RULES + i}, v);
  }
}

// "cands": the always list, the fail-closed list, then each entry's, in
// entry order. Returns where each entry's list starts.
std::vector<uint32_t> Lowering::emit_candidates(MapEntries &cands,
                                                pal_slot &hdr) const {
  size_t n = always.size() + closed.size();
  for (const EntryPlan &e : entries)
    n += e.cands.size();
  cands.reserve(n, sizeof(uint32_t), sizeof(pal_cand));
  uint32_t next = 0;
  auto put = [&](const std::vector<pal_cand> &list) {
    const uint32_t first = next;
    for (const pal_cand &c : list)
      cands.add(uint32_t{slot * PAL_SLOT_CANDS + next++}, c);
    return first;
  };
  hdr.always_first = put(always);
  hdr.always_count = static_cast<uint32_t>(always.size());
  hdr.closed_first = put(closed);
  hdr.closed_count = static_cast<uint32_t>(closed.size());
  std::vector<uint32_t> firsts;
  firsts.reserve(entries.size());
  for (const EntryPlan &e : entries)
    firsts.push_back(put(e.cands));
  return firsts;
}

// An exact path: a hash lookup, and a bit for its length in the header.
void Lowering::emit_exact(const EntryPlan &entry, const pal_entry &v,
                          MapEntries &exact, pal_slot &hdr) const {
  const std::string_view path = entry.path();
  pal_exact_key k;
  std::memset(&k, 0, sizeof k);
  k.slot = slot;
  k.field = entry.field();
  k.hash = path_hash(hash_seed, path);
  pal_exact x;
  std::memset(&x, 0, sizeof x);
  x.entry = v;
  x.len = static_cast<uint32_t>(path.size());
  std::memcpy(x.path, path.data(), path.size());
  exact.add(k, x);
  hdr.exact_lens[entry.field() - 1][path.size() / 64] |= uint64_t{1}
                                                         << (path.size() % 64);
}

// Every entry into the one of "exact", "values" or "atoms" its key
// belongs in, and the atoms it holds into "held".
void Lowering::emit_entries(const std::vector<uint32_t> &cand_firsts,
                            pal_slot &hdr, EntryMaps &m) const {
  size_t n_exact = 0, n_values = 0, n_held = 0;
  for (const EntryPlan &e : entries) {
    n_held += e.closure.size();
    n_exact += e.exact();
    n_values += !e.exact() && is_whole_value(e.key.lpm());
  }
  m.exact.reserve(n_exact, sizeof(pal_exact_key), sizeof(pal_exact));
  m.values.reserve(n_values, sizeof(pal_value_key), sizeof(pal_entry));
  m.atoms.reserve(entries.size() - n_exact - n_values, sizeof(pal_lpm_key),
                  sizeof(pal_entry));
  m.held.reserve(n_held, sizeof(pal_held_key), sizeof(uint32_t));
  for (uint32_t e = 0; e < entries.size(); ++e) {
    const EntryPlan &entry = entries[e];
    pal_entry v;
    std::memset(&v, 0, sizeof v);
    v.id = e + 1;
    v.cand_count = static_cast<uint32_t>(entry.cands.size());
    v.cand_first = cand_firsts[e];
    if (entry.exact()) {
      emit_exact(entry, v, m.exact, hdr);
    } else if (const pal_lpm_key key = entry.key.lpm(); is_whole_value(key)) {
      // One value: a hash lookup of its bytes, flat in the number of
      // values (the trie's lookup deepens with every key it holds).
      m.values.add(whole_value_key(key), v);
      hdr.value_fields |= 1u << entry.field();
    } else {
      m.atoms.add(key, v);
      if (value_width(entry.field()) != 0)
        hdr.prefix_fields |= 1u << entry.field(); // a range, a CIDR
    }
    for (AtomId a : entry.closure) {
      pal_held_key k;
      std::memset(&k, 0, sizeof k);
      k.slot = slot;
      k.entry = v.id;
      k.atom = a;
      m.held.add(k, uint32_t{1});
    }
  }
}

// "globs": the compiled pattern of each suffix and glob atom.
void Lowering::emit_globs(MapEntries &globs) const {
  for (AtomId id = 0; id < p.atoms.size(); ++id) {
    const Atom &a = p.atoms[id];
    if (!is_residual(a.kind))
      continue;
    const bool suffix = a.kind == MatchKind::Suffix;
    const std::string &v = a.values.front();
    // A pattern's fixed leading bytes are checked by its prefix atom; a
    // suffix and a "**" pattern have none (their anchor "/" is every path).
    const uint32_t prefix =
        !suffix && v.starts_with('/') && a.anchor ? *a.anchor : PAL_NO_ATOM;
    pal_glob g = compile_glob(suffix, v, prefix);
    g.field = a.field;
    pal_glob_key k;
    std::memset(&k, 0, sizeof k);
    k.slot = slot;
    k.atom = id;
    globs.add(k, g);
  }
}

void Lowering::emit_policies(MapEntries &policies) const {
  for (const auto &pol : p.policies) {
    pal_policy v;
    std::memset(&v, 0, sizeof v);
    v.mode = abi_mode(pol.info.mode);
    policies.add(uint32_t{slot * PAL_MAX_POLICIES + pol.info.index}, v);
  }
}

MapImage Lowering::emit() const {
  pal_slot hdr;
  std::memset(&hdr, 0, sizeof hdr);
  hdr.n_rules = static_cast<uint32_t>(order.size());
  hdr.n_entries = static_cast<uint32_t>(entries.size());
  hdr.hash_seed = hash_seed;
  for (const IrRule *r : order)
    hdr.events |= 1u << r->event; // lets a hook with no rules return early
  for (const Atom &a : p.atoms)
    hdr.fields |= 1u << a.field; // the kernel looks up only these fields

  MapEntries terms_map, lits, rules, cands, slots, globs, policies;
  EntryMaps entry_maps;
  emit_terms(terms_map, lits);
  emit_rules(rules);
  emit_entries(emit_candidates(cands, hdr), hdr, entry_maps);
  slots.add(uint32_t{slot}, hdr);
  emit_globs(globs);
  emit_policies(policies);

  MapImage image;
  image.slot = slot;
  image.maps["slots"] = sorted(std::move(slots));
  image.maps["atoms"] = sorted(std::move(entry_maps.atoms));
  image.maps["exact"] = sorted(std::move(entry_maps.exact));
  image.maps["values"] = sorted(std::move(entry_maps.values));
  image.maps["held"] = sorted(std::move(entry_maps.held));
  image.maps["cands"] = sorted(std::move(cands));
  image.maps["rules"] = sorted(std::move(rules));
  image.maps["terms"] = sorted(std::move(terms_map));
  image.maps["lits"] = sorted(std::move(lits));
  image.maps["policies"] = sorted(std::move(policies));
  if (!globs.empty()) // only a policy with suffix or glob atoms has any
    image.maps["globs"] = sorted(std::move(globs));
  return image;
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

  Lowering l{p, slot, diags, {}, {}, {}, {}, {}, {}, {}};
  if (!l.order_rules() || !l.plan_terms() || !l.plan_entries())
    return std::nullopt;
  l.plan_fail_closed();
  if (!l.plan_candidates())
    return std::nullopt;
  l.plan_hash_seed();
  return l.emit();
}

} // namespace palisade::engine
