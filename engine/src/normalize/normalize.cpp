// Pass 2: every condition becomes an OR of ANDs of (maybe negated) atoms,
// which is exactly what a pal_rule can hold.
#include "normalize/normalize.h"

#include <algorithm>

#include <palisade/abi.h>

#include "passes.h"
#include "resolve/glob.h"

namespace palisade::engine {

Cond to_nnf(const Cond &c, bool negate) {
  Cond out;
  switch (c.kind) {
  case Cond::Kind::True:
  case Cond::Kind::False:
    out.kind = (c.kind == Cond::Kind::True) != negate ? Cond::Kind::True
                                                      : Cond::Kind::False;
    return out;
  case Cond::Kind::Match:
    out = c;
    out.match.negated = c.match.negated != negate;
    return out;
  case Cond::Kind::Not:
    return to_nnf(c.children.at(0), !negate);
  case Cond::Kind::And:
  case Cond::Kind::Or: {
    bool is_and = (c.kind == Cond::Kind::And) != negate;
    out.kind = is_and ? Cond::Kind::And : Cond::Kind::Or;
    for (const auto &child : c.children)
      out.children.push_back(to_nnf(child, negate));
    return out;
  }
  }
  return out;
}

size_t AtomTable::hash_of(uint8_t field, MatchKind kind,
                          const ValueList &values) {
  return values.hash() * 31 + field * 8 + static_cast<size_t>(kind);
}

std::optional<AtomId> AtomTable::find(uint8_t field, MatchKind kind,
                                      const ValueList &values,
                                      size_t hash) const {
  auto [from, to] = ids_.equal_range(hash);
  for (auto it = from; it != to; ++it) {
    const Atom &a = atoms_[it->second];
    if (a.field == field && a.kind == kind && a.values == values)
      return it->second;
  }
  return std::nullopt;
}

std::optional<AtomId> AtomTable::intern(const Match &m, size_t limit) {
  const size_t hash = hash_of(m.field, m.kind, m.values);
  if (auto id = find(m.field, m.kind, m.values, hash))
    return id;
  // A suffix or glob brings its anchor prefix (below): room for both.
  std::optional<Match> anchor;
  if (is_residual(m.kind)) {
    anchor.emplace();
    anchor->field = m.field;
    anchor->kind = MatchKind::Prefix;
    anchor->values = {
        glob_anchor_prefix(m.kind == MatchKind::Suffix, m.values.front())};
    anchor->loc = m.loc;
  }
  const bool anchor_new =
      anchor && !find(anchor->field, anchor->kind, anchor->values,
                      hash_of(anchor->field, anchor->kind, anchor->values));
  if (atoms_.size() + (anchor_new ? 1 : 0) >= limit)
    return std::nullopt;
  AtomId id = static_cast<AtomId>(atoms_.size());
  atoms_.push_back(Atom{m.field, m.kind, m.values, m.loc,
                        is_value_field(m.field) ? value_keys(m.field, m.values)
                                                : std::vector<ValueKey>{},
                        std::nullopt});
  ids_.emplace(hash, id);
  if (anchor) // the prefix a term that needs this atom is indexed by
    atoms_[id].anchor = intern(*anchor, limit);
  return id;
}

void simplify(std::vector<Term> &terms) {
  // In place: this runs for every node of every condition.
  size_t n = 0;
  for (auto &t : terms) {
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    bool contradiction = false;
    for (size_t i = 1; i < t.size(); ++i)
      if (t[i].atom == t[i - 1].atom) // same atom, both polarities
        contradiction = true;
    if (!contradiction) {
      if (&terms[n] != &t)
        terms[n] = std::move(t);
      ++n;
    }
  }
  terms.resize(n);
  if (n < 2)
    return;
  // A term that includes all literals of another is implied by it.
  std::vector<bool> redundant(n, false);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n && !redundant[i]; ++j) {
      if (i == j)
        continue;
      bool subset = std::includes(terms[i].begin(), terms[i].end(),
                                  terms[j].begin(), terms[j].end());
      // Equal terms: keep only the first.
      if (subset && (terms[i].size() > terms[j].size() || j < i))
        redundant[i] = true;
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; ++i)
    if (!redundant[i]) {
      if (kept != i)
        terms[kept] = std::move(terms[i]);
      ++kept;
    }
  terms.resize(kept);
}

namespace {

// What a node becomes under a negation (De Morgan).
Cond::Kind dual(Cond::Kind k) {
  switch (k) {
  case Cond::Kind::True:
    return Cond::Kind::False;
  case Cond::Kind::False:
    return Cond::Kind::True;
  case Cond::Kind::And:
    return Cond::Kind::Or;
  case Cond::Kind::Or:
    return Cond::Kind::And;
  default:
    return k; // a Match flips its literal, a Not its child
  }
}

} // namespace

namespace {

// Whether the condition (negated when `negate`) is a plain conjunction of
// comparisons: an `and` of comparisons, `not`s of them and nested `and`s,
// with no `or` and no constant. Counts its comparisons into `n`.
bool is_conjunction(const Cond &c, bool negate, size_t &n) {
  switch (negate ? dual(c.kind) : c.kind) {
  case Cond::Kind::Match:
    ++n;
    return true;
  case Cond::Kind::Not:
    return is_conjunction(c.children.at(0), !negate, n);
  case Cond::Kind::And:
    return std::all_of(
        c.children.begin(), c.children.end(),
        [&](const Cond &k) { return is_conjunction(k, negate, n); });
  default:
    return false;
  }
}

// Appends the literals of a conjunction, in the order to_dnf() visits them.
void collect_literals(const Cond &c,
                      const std::function<AtomId(const Match &)> &atom_of,
                      bool negate, Term &out) {
  if (c.kind == Cond::Kind::Match)
    out.push_back(Literal{atom_of(c.match), c.match.negated != negate});
  else if (c.kind == Cond::Kind::Not)
    collect_literals(c.children.at(0), atom_of, !negate, out);
  else
    for (const auto &child : c.children)
      collect_literals(child, atom_of, negate, out);
}

} // namespace

Dnf to_dnf(const Cond &c, const std::function<AtomId(const Match &)> &atom_of,
           bool negate) {
  Dnf out;
  size_t n = 0;
  if ((negate ? dual(c.kind) : c.kind) == Cond::Kind::And &&
      is_conjunction(c, negate, n)) {
    // Most conditions: one term of all their literals, built in place
    // rather than as a product of one-term alternatives (same result).
    Term t;
    t.reserve(n);
    collect_literals(c, atom_of, negate, t);
    out.terms.push_back(std::move(t));
    simplify(out.terms);
    return out;
  }
  switch (negate ? dual(c.kind) : c.kind) {
  case Cond::Kind::True:
    out.terms.push_back({});
    return out;
  case Cond::Kind::False:
    return out;
  case Cond::Kind::Match:
    out.terms.push_back({Literal{atom_of(c.match), c.match.negated != negate}});
    return out;
  case Cond::Kind::Not:
    return to_dnf(c.children.at(0), atom_of, !negate);
  case Cond::Kind::Or:
    for (const auto &child : c.children) {
      Dnf d = to_dnf(child, atom_of, negate);
      if (d.overflow)
        return d;
      out.terms.insert(out.terms.end(),
                       std::make_move_iterator(d.terms.begin()),
                       std::make_move_iterator(d.terms.end()));
      simplify(out.terms);
      if (out.terms.size() > kDnfExpansionCap) {
        out.overflow = true;
        return out;
      }
    }
    return out;
  case Cond::Kind::And:
    out.terms.push_back({});
    for (const auto &child : c.children) {
      Dnf d = to_dnf(child, atom_of, negate);
      if (d.overflow)
        return d;
      if (out.terms.size() * d.terms.size() > kDnfExpansionCap) {
        out.overflow = true;
        return out;
      }
      if (d.terms.size() == 1) {
        // The product with one alternative (the usual `a and b`): append
        // it to every term in place.
        for (Term &t : out.terms)
          t.insert(t.end(), d.terms[0].begin(), d.terms[0].end());
        simplify(out.terms);
        continue;
      }
      std::vector<Term> product;
      for (const auto &a : out.terms) {
        for (const auto &b : d.terms) {
          Term t;
          t.reserve(a.size() + b.size());
          t.insert(t.end(), a.begin(), a.end());
          t.insert(t.end(), b.begin(), b.end());
          product.push_back(std::move(t));
        }
      }
      simplify(product);
      out.terms = std::move(product);
    }
    return out;
  }
  return out;
}

namespace {

// Interns a condition's atoms in source order, so atom ids follow the text
// rather than the expansion, and appends each comparison's id to `ids` in
// that order (the order to_dnf() visits them in). False when the atom
// limit was hit.
bool intern_all(const Cond &c, AtomTable &table, std::vector<AtomId> &ids,
                dsl::Diagnostics &diags) {
  if (c.kind == Cond::Kind::Match) {
    if (auto id = table.intern(c.match, PAL_MAX_ATOMS)) {
      ids.push_back(*id);
      return true;
    }
    diags
        .error(c.match.loc, "too many distinct comparisons: the limit is " +
                                std::to_string(PAL_MAX_ATOMS) +
                                " over all policies")
        .hints.push_back("comparisons of one field with lists of paths "
                         "(path in [...]) share one atom");
    return false;
  }
  for (const auto &child : c.children)
    if (!intern_all(child, table, ids, diags))
      return false;
  return true;
}

// A term names at most PAL_MAX_TERM_LITS atoms that must hold and as many
// that must not (struct pal_term). False, with one error, otherwise.
bool terms_fit(const std::vector<Term> &terms, const dsl::SourceLocation &loc,
               dsl::Diagnostics &diags) {
  for (const Term &t : terms) {
    size_t negated = 0;
    for (const Literal &lit : t)
      negated += lit.negated;
    size_t most = std::max(negated, t.size() - negated);
    if (most <= PAL_MAX_TERM_LITS)
      continue;
    auto &d = diags.error(
        loc, "an alternative of this condition needs " + std::to_string(most) +
                 (most == negated ? " comparisons to be false"
                                  : " comparisons to be true") +
                 "; the limit is " + std::to_string(PAL_MAX_TERM_LITS));
    d.hints.push_back(most == negated
                          ? "several != or 'not in' of one field can be one "
                            "'not in' list"
                          : "split the rule in two, or compare with fewer "
                            "directories and paths at once");
    return false;
  }
  return true;
}

} // namespace

std::optional<Program> normalize(const Resolved &resolved,
                                 dsl::Diagnostics &diags) {
  size_t errors_before = diags.error_count();
  AtomTable table;
  bool atoms_ok = true;
  Program program;
  program.policies = resolved.policies;
  program.rules.reserve(resolved.rules.size());
  std::vector<AtomId> ids; // of the rule's comparisons, in source order
  for (const auto &rule : resolved.rules) {
    ids.clear();
    if (atoms_ok)
      atoms_ok = intern_all(rule.condition, table, ids, diags);
    if (!atoms_ok)
      continue; // the limit is reported once; ids are unusable after it

    // to_dnf() visits the comparisons in the order intern_all() did: the
    // next id is the next comparison's, without looking it up again.
    size_t next = 0;
    Dnf dnf =
        to_dnf(rule.condition, [&](const Match &) { return ids.at(next++); });
    if (dnf.overflow || dnf.terms.size() > PAL_MAX_TERMS) {
      std::string n = dnf.overflow
                          ? "more than " + std::to_string(kDnfExpansionCap)
                          : std::to_string(dnf.terms.size());
      auto &d = diags.error(rule.cond_loc, "condition expands to " + n +
                                               " alternatives; the limit is " +
                                               std::to_string(PAL_MAX_TERMS));
      d.hints.push_back("each 'or' that is not inside a list becomes an "
                        "alternative; write alternatives of one field as a "
                        "list (path in [...]) or split the rule in two");
      continue;
    }
    if (!terms_fit(dnf.terms, rule.cond_loc, diags))
      continue;
    program.rules.push_back(IrRule{rule.rule_id, rule.policy_index, rule.action,
                                   rule.event, std::move(dnf.terms), rule.loc});
  }
  if (diags.error_count() != errors_before)
    return std::nullopt;
  program.atoms = table.take();
  return program;
}

} // namespace palisade::engine
