// Condition normalisation: negation normal form, then disjunctive normal
// form over interned atoms. Exposed for unit tests; normalize() in
// passes.h is the pass.
#pragma once

#include <functional>
#include <optional>
#include <unordered_map>

#include "ir.h"

namespace palisade::engine {

// Most alternatives built while expanding one condition; past this the
// expansion stops and the rule is reported as too big.
inline constexpr size_t kDnfExpansionCap = 256;

// Pushes every Not down to the comparisons (De Morgan), flipping their
// `negated` flag and the constants. The result has no Kind::Not. to_dnf()
// rewrites the same way as it goes, without building this copy.
Cond to_nnf(const Cond &c, bool negate = false);

// Interns atoms: identical (field, kind, values) get one id, in order of
// first appearance.
class AtomTable {
public:
  // nullopt when a new atom would exceed `limit`.
  std::optional<AtomId> intern(const Match &m, size_t limit);
  const std::vector<Atom> &atoms() const { return atoms_; }
  std::vector<Atom> take() { return std::move(atoms_); }

private:
  // The id of the atom (field, kind, values), or nullopt.
  std::optional<AtomId> find(uint8_t field, MatchKind kind,
                             const ValueList &values, size_t hash) const;
  static size_t hash_of(uint8_t field, MatchKind kind, const ValueList &values);

  std::vector<Atom> atoms_;
  // By hash of (field, kind, values): looking up an atom compares the
  // lists only on a hash match, and lists the resolver shares by pointer.
  std::unordered_multimap<size_t, AtomId> ids_;
};

// Sorts and dedups each term, drops contradictory terms (a and not a),
// duplicates and terms implied by a smaller one (a or a and b == a). Term
// order is otherwise kept, so alternatives stay in source order.
void simplify(std::vector<Term> &terms);

struct Dnf {
  std::vector<Term> terms;
  bool overflow = false; // more than kDnfExpansionCap alternatives
};

// DNF of a condition (of `not condition` when `negate`), pushing every Not
// down on the way as to_nnf() does. `atom_of` gives the atom id of a Match.
Dnf to_dnf(const Cond &c, const std::function<AtomId(const Match &)> &atom_of,
           bool negate = false);

} // namespace palisade::engine
