// The engine's internal forms, between the passes:
//   AST --resolve--> Resolved (names checked, values canonical, still a tree)
//       --normalize--> Program (interned atoms, each rule in DNF)
//       --lower--> MapImage (abi.h bytes)
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "lower/value_keys.h"
#include "palisade/dsl/ast.h"
#include "palisade/engine/compiled_policy.h"
#include "resolve/value_list.h"

namespace palisade::engine {

using AtomId = uint32_t;

// How an atom's values are compared with the kernel-resolved path.
enum class MatchKind : uint8_t {
  Exact,  // the path is one of the values
  Under,  // the path is strictly below one of the directories
  Prefix, // the path starts with one of the byte strings (startswith)
  Suffix, // the path ends with the value (endswith; one value)
  Glob,   // the path matches the pattern (matches; one value)
};

// Suffix and Glob atoms are never looked up: the kernel checks them
// against the path of each candidate that names them ("globs").
inline bool is_residual(MatchKind k) {
  return k == MatchKind::Suffix || k == MatchKind::Glob;
}

// ---- after resolve --------------------------------------------------------

// One comparison, resolved: `field <kind> any of values`, maybe negated.
// The one-byte members first: a Cond holds a Match in every node.
struct Match {
  uint8_t field = 0; // PAL_FIELD_*
  MatchKind kind = MatchKind::Exact;
  bool negated = false;    // != and `not in`
  ValueList values;        // canonical, sorted, unique, non-empty; shared
  dsl::SourceLocation loc; // the whole comparison
};

struct Cond {
  enum class Kind : uint8_t { True, False, Match, And, Or, Not };
  Kind kind = Kind::True;
  Match match;                // Kind::Match
  std::vector<Cond> children; // And/Or: two or more; Not: one
};

struct ResolvedRule {
  uint32_t rule_id = 0;
  uint32_t policy_index = 0;
  dsl::Action action = dsl::Action::Deny;
  uint32_t event = 0;           // PAL_EVENT_*
  Cond condition;               // True when the rule has none
  dsl::SourceLocation loc;      // the rule
  dsl::SourceLocation cond_loc; // its condition (the rule when none)
};

struct ResolvedPolicy {
  PolicyInfo info;
  dsl::SourceLocation name_loc;
};

struct Resolved {
  std::vector<ResolvedPolicy> policies; // by policy index
  std::vector<ResolvedRule> rules;      // by rule_id
  std::vector<RuleInfo> rule_info;      // by rule_id
};

// ---- after normalize ------------------------------------------------------

// A predicate the kernel evaluates with one LPM lookup per field. Identical
// atoms are interned, so every rule that tests the same thing shares a bit.
struct Atom {
  uint8_t field = 0;
  MatchKind kind = MatchKind::Exact;
  ValueList values;        // shared with the comparisons that test it
  dsl::SourceLocation loc; // first comparison that produced it
  // A value field's (port, address, protocol, family): the keys of all
  // values, sorted (value_keys.h); filled by normalize.
  std::vector<ValueKey> keys;
  // A Suffix or Glob atom: the Prefix atom of its fixed leading bytes
  // ("/" when none), which a term that needs it is indexed by; filled by
  // normalize.
  std::optional<AtomId> anchor;

  auto key() const { return std::tie(field, kind, values); }
};

struct Literal {
  AtomId atom = 0;
  bool negated = false;
  auto operator<=>(const Literal &) const = default;
};

// A conjunction of literals, sorted and unique. Empty: always true.
using Term = std::vector<Literal>;

struct IrRule {
  uint32_t rule_id = 0;
  uint32_t policy_index = 0;
  dsl::Action action = dsl::Action::Deny;
  uint32_t event = 0;
  std::vector<Term> terms; // OR of these; empty: never matches
  dsl::SourceLocation loc;
};

struct Program {
  std::vector<Atom> atoms; // by AtomId
  std::vector<IrRule> rules;
  std::vector<ResolvedPolicy> policies;
};

} // namespace palisade::engine
