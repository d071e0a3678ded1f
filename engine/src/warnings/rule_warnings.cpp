// Pass 2b: warnings about rules that compile but cannot work as written
// (docs/language.md, "Warnings"). Runs on the normalised program, reports
// at most one warning per rule, never fails the compile.
#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "catalog/field_catalog.h"
#include "image/atom_meaning.h"
#include "location_text.h"
#include "lower/lower.h"
#include "lower/term_index.h"
#include "passes.h"
#include "warnings/implication.h"

namespace palisade::engine {
namespace {

// Whether an empty list makes part of the condition constantly false. The
// resolver has warned about that list already.
bool has_false_constant(const Cond &c, bool negated = false) {
  switch (c.kind) {
  case Cond::Kind::True:
    return negated;
  case Cond::Kind::False:
    return !negated;
  case Cond::Kind::Match:
    return false;
  case Cond::Kind::Not:
    return has_false_constant(c.children.at(0), !negated);
  case Cond::Kind::And:
  case Cond::Kind::Or:
    return std::any_of(
        c.children.begin(), c.children.end(),
        [&](const Cond &k) { return has_false_constant(k, negated); });
  }
  return false;
}

struct Finding {
  std::string message;
  std::vector<std::string> hints;
};

// Rule i of the program is rule i of `resolved`: normalize() keeps every
// rule, in rule_id order, or fails.
class RuleWarnings {
public:
  RuleWarnings(const Resolved &resolved, const Program &program)
      : resolved_(resolved), program_(program), found_(program.rules.size()) {}

  void run(dsl::Diagnostics &diags) {
    never_matching();
    allow_without_effect();
    never_deciding();
    for (size_t i = 0; i < found_.size(); ++i)
      if (found_[i])
        diags.warning(program_.rules[i].loc, found_[i]->message).hints =
            std::move(found_[i]->hints);
  }

private:
  const std::string &policy_name(const IrRule &r) const {
    return program_.policies[r.policy_index].info.name;
  }

  std::string text(Literal l) const {
    const Atom &a = program_.atoms[l.atom];
    AtomMeaning m{a.field, a.kind == MatchKind::Exact, a.values};
    m.op = a.kind == MatchKind::Prefix   ? "startswith"
           : a.kind == MatchKind::Suffix ? "endswith"
           : a.kind == MatchKind::Glob   ? "matches"
                                         : nullptr;
    return atom_text(m, l.negated);
  }

  std::string explain(const Contradiction &c) const {
    if (c.second)
      return text(c.first) + " and " + text(*c.second) + " cannot both hold";
    const FieldSpec *f = find_field(program_.atoms[c.first.atom].field);
    if (f && f->type == FieldType::Access)
      return "every intent of " + text(c.first) +
             " is excluded by the other comparisons of '" +
             std::string(f->name) + "'";
    return "no value of " + text(c.first) +
           " passes the other comparisons of '" +
           std::string(f ? f->name : "?") + "'";
  }

  // Keeps the terms that can hold; a rule left with none never matches.
  void never_matching() {
    live_from_.reserve(program_.rules.size() + 1);
    live_terms_.reserve(program_.rules.size());
    live_from_.push_back(0);
    for (size_t i = 0; i < program_.rules.size(); ++i) {
      const IrRule &r = program_.rules[i];
      std::vector<std::string> why;
      for (const Term &t : r.terms) {
        if (auto c = contradiction(program_.atoms, t))
          why.push_back(explain(*c));
        else
          live_terms_.push_back(&t);
      }
      live_from_.push_back(static_cast<uint32_t>(live_terms_.size()));
      if (!live(i).empty() || has_false_constant(resolved_.rules[i].condition))
        continue;
      if (r.terms.empty()) // simplify() dropped every `a and not a`
        why.push_back("it needs a comparison both to hold and not to hold");
      found_[i] = Finding{"rule never matches: its condition can never hold",
                          std::move(why)};
    }
  }

  // An allow only exempts from the rules of its own policy.
  void allow_without_effect() {
    std::map<std::pair<uint32_t, uint32_t>, bool> has_other; // policy, event
    for (const IrRule &r : program_.rules)
      has_other[{r.policy_index, r.event}] |= r.action != dsl::Action::Allow;
    for (size_t i = 0; i < program_.rules.size(); ++i) {
      const IrRule &r = program_.rules[i];
      if (found_[i] || has_other[{r.policy_index, r.event}])
        continue;
      const EventSpec *e = find_event(r.event);
      found_[i] = Finding{
          "allow rule exempts from nothing: policy '" + policy_name(r) +
              "' has no kill, deny or audit rule for '" +
              std::string(e ? e->name : "?") + "'",
          {"an allow only exempts from the rules of its own policy, never "
           "from another policy's"}};
    }
  }

  std::string shadow_hint(const IrRule &later, const IrRule &first) const {
    std::string why = first.action == later.action
                          ? std::string("the first matching ") +
                                dsl::keyword(first.action) + " rule decides"
                      : first.action == dsl::Action::Allow
                          ? std::string("allow rules decide first")
                          : std::string(dsl::keyword(first.action)) +
                                " rules decide before " +
                                dsl::keyword(later.action) + " rules";
    return "shadowed by the rule at " + where(first.loc) + " (" + why + ")";
  }

  // Duplicates, and rules every alternative of which an earlier-deciding
  // rule of the same policy implies, or several cover together. Walks
  // each (policy, event) in decision order, indexing the terms of the
  // rules that may decide.
  void never_deciding() {
    // The sort keys, made once: comparing them then reads no rule.
    std::vector<std::tuple<uint32_t, uint32_t, int, uint32_t>> keys;
    keys.reserve(program_.rules.size());
    for (uint32_t i = 0; i < program_.rules.size(); ++i) {
      const IrRule &r = program_.rules[i];
      keys.emplace_back(r.policy_index, r.event, action_precedence(r.action),
                        i);
    }
    std::sort(keys.begin(), keys.end());
    std::vector<uint32_t> order;
    order.reserve(keys.size());
    for (const auto &k : keys)
      order.push_back(std::get<3>(k));

    for (size_t begin = 0; begin < order.size();) {
      const IrRule &head = program_.rules[order[begin]];
      size_t end = begin;
      while (end < order.size() &&
             program_.rules[order[end]].policy_index == head.policy_index &&
             program_.rules[order[end]].event == head.event)
        ++end;
      check_group({order.data() + begin, end - begin});
      begin = end;
    }
  }

  void check_group(std::span<const uint32_t> rules) {
    TermIndex index(program_.atoms);
    std::unordered_multimap<size_t, uint32_t> seen; // see same_as_earlier
    for (uint32_t i : rules) {
      const IrRule &r = program_.rules[i];
      if (found_[i] || live(i).empty())
        continue; // never matches, so it shadows nothing
      if (auto first = same_as_earlier(i, seen)) {
        found_[i] =
            Finding{"duplicate rule in policy '" + policy_name(r) + "'",
                    {"same action, event and condition as the rule at " +
                     where(program_.rules[*first].loc)}};
        continue;
      }
      if (auto by = shadowing_rules(i, index)) {
        // Several rules: each covers a part, none the whole rule.
        const std::string whose = by->size() == 1
                                      ? "an earlier-deciding rule of policy '" +
                                            policy_name(r) + "' matches"
                                      : "earlier-deciding rules of policy '" +
                                            policy_name(r) + "' match";
        found_[i] =
            Finding{"rule never decides: " + whose + " whenever it does", {}};
        for (uint32_t s : *by)
          found_[i]->hints.push_back(shadow_hint(r, program_.rules[s]));
        continue;
      }
      for (const Term *t : live(i))
        index.add(*t, i);
    }
  }

  // An earlier rule of the group with rule i's action and terms (in any
  // order); files rule i in `seen` when there is none.
  std::optional<uint32_t>
  same_as_earlier(uint32_t i, std::unordered_multimap<size_t, uint32_t> &seen) {
    const IrRule &r = program_.rules[i];
    size_t hash = static_cast<size_t>(r.action);
    for (const Term &t : r.terms) {
      size_t h = 0;
      for (Literal l : t)
        h = h * 1000003 + l.atom * 2 + l.negated;
      hash += std::hash<size_t>{}(h); // a sum: term order does not matter
    }
    auto [from, to] = seen.equal_range(hash);
    for (auto it = from; it != to; ++it) {
      const IrRule &e = program_.rules[it->second];
      if (e.action == r.action &&
          std::is_permutation(e.terms.begin(), e.terms.end(), r.terms.begin(),
                              r.terms.end()))
        return it->second;
    }
    seen.emplace(hash, i);
    return std::nullopt;
  }

  // The rules that together cover every live term of rule i (one implies
  // the term, or several cover it on one field), in decision order;
  // nullopt when some term is covered by none.
  std::optional<std::vector<uint32_t>> shadowing_rules(uint32_t i,
                                                       const TermIndex &index) {
    std::vector<uint32_t> by;
    for (const Term *t : live(i)) {
      auto owners = index.find_covering(*t);
      if (!owners)
        return std::nullopt;
      for (uint32_t o : *owners)
        if (std::find(by.begin(), by.end(), o) == by.end())
          by.push_back(o);
    }
    auto rank = [&](uint32_t r) {
      return std::make_pair(action_precedence(program_.rules[r].action), r);
    };
    std::sort(by.begin(), by.end(),
              [&](uint32_t a, uint32_t b) { return rank(a) < rank(b); });
    return by;
  }

  const Resolved &resolved_;
  const Program &program_;
  // The terms that can hold, rule by rule: rule i's are live_terms_
  // [live_from_[i], live_from_[i + 1]) (one array, not one per rule).
  std::span<const Term *const> live(size_t i) const {
    return {live_terms_.data() + live_from_[i],
            live_terms_.data() + live_from_[i + 1]};
  }
  std::vector<const Term *> live_terms_;
  std::vector<uint32_t> live_from_;
  std::vector<std::optional<Finding>> found_; // by rule: its warning
};

} // namespace

void warn_about_rules(const Resolved &resolved, const Program &program,
                      dsl::Diagnostics &diags) {
  RuleWarnings(resolved, program).run(diags);
}

} // namespace palisade::engine
