// What one comparison says about another: implication and exclusion
// between atoms, literals and DNF terms, from what the values mean (an
// exact path, or a subtree below a directory). Used by the rule warnings.
//
// Conservative: "implies" and "contradiction" are only claimed when they
// hold for every event, including one whose field has no known path (then
// no atom of that field holds and every negated one does).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ir.h"

namespace palisade::engine {

// `path` is strictly inside the subtree below `dir` (both canonical).
bool strictly_under(std::string_view path, std::string_view dir);

// The atom holds for a field whose value is `path`.
bool holds_for(const Atom &atom, std::string_view path);

// Every path that satisfies `narrow` satisfies `wide` (same field).
bool covers(const Atom &wide, const Atom &narrow);

// Every path that one value of a path or access atom of kind `kind`
// names satisfies `wide` (a path field or access; not a value field):
// covers() value by value, so that several atoms can cover one list.
bool covers_value(const Atom &wide, MatchKind kind, std::string_view value);

// No value satisfies both (same field); never for access atoms.
bool disjoint(const Atom &a, const Atom &b);

// Whenever literal `a` holds, literal `b` does.
bool implies(std::span<const Atom> atoms, Literal a, Literal b);

// Whenever every literal of `narrow` holds, every literal of `wide` does:
// each literal of `wide` is implied by one literal of `narrow`.
bool term_implies(std::span<const Atom> atoms, const Term &narrow,
                  const Term &wide);

// How many literals of `wide` no literal of `narrow` implies, counting
// to two; `missing` is the last one counted. 0: term_implies(). 1 and
// positive: `wide` holds whenever `narrow` and `missing` do.
int unimplied(std::span<const Atom> atoms, const Term &narrow, const Term &wide,
              Literal &missing);

// Why a term can never hold. `second` unset: no value of `first` (an exact
// atom) satisfies the term's other comparisons of its field.
//
// Access atoms (open intents) are exact value sets too, so one implies
// another when its intents are a subset; but an open can have several
// intents, so two access atoms are never disjoint.
struct Contradiction {
  Literal first;
  std::optional<Literal> second;
};

// Why the term is a contradiction, or nullopt when it may hold.
std::optional<Contradiction> contradiction(std::span<const Atom> atoms,
                                           const Term &term);

} // namespace palisade::engine
