// `enforcectl explain`: why the kernel would decide an event the way it
// does. The verdict comes from the reference evaluator (evaluate.h); the
// explanation walks the same image bytes and names, per policy, the rule
// that decided, the atoms of its condition that held or not, and the rules
// that the precedence order shadowed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "palisade/engine/compile.h"
#include "palisade/engine/evaluate.h"

namespace palisade::engine {

// One (maybe negated) atom of a term, e.g. `binary not in [...]`.
struct LiteralExplanation {
  uint32_t atom = 0;
  bool negated = false;
  bool atom_held = false; // held for the event (the "held" closure of the
                          // entry its field's lookup found)
  std::string text;       // the literal as .rules text

  bool holds() const { return atom_held != negated; }
};

// One AND-term of a rule's DNF; no literals: always holds.
struct TermExplanation {
  bool holds = false;
  std::vector<LiteralExplanation> literals;
};

struct RuleExplanation {
  uint32_t index = 0; // position in the slot's rule order
  uint32_t rule_id = 0;
  uint32_t action = 0; // PAL_ACT_*
  bool holds = false;
  bool fail_closed = false;           // holds only because a path is unresolved
  std::vector<TermExplanation> terms; // none: the rule can never hold
  std::string file;
  uint32_t line = 0, column = 0;
  std::string text;    // the rule's source, on one line
  std::string message; // may be empty
  std::string label;   // the rule's label, may be empty

  std::string location() const; // "file:line:col"
  // The first term that holds, if any.
  const TermExplanation *deciding_term() const;
};

struct PolicyExplanation {
  uint32_t index = 0;
  std::string name;
  uint32_t mode = 0; // PAL_MODE_*, as the image says
  // The first rule of the policy (in slot order) that holds.
  std::optional<RuleExplanation> decided_by;
  // Rules tried before the decision that did not hold (every rule of the
  // policy when none held).
  std::vector<RuleExplanation> not_held;
  // Rules that hold too but come later in the order allow, kill, deny,
  // audit, so they were never consulted.
  std::vector<RuleExplanation> shadowed;
};

struct HeldAtom {
  uint32_t id = 0;
  std::string text;
};

struct Explanation {
  Event event;
  Verdict verdict;
  std::vector<HeldAtom> atoms; // every atom held for the event, in words
  std::vector<PolicyExplanation> policies; // by policy index
};

// Evaluates `ev` against `compiled` (its own slot) and explains it.
Explanation explain_event(const CompiledPolicy &compiled, const Event &ev);

// For a human: the verdict line, the `would` line, then each policy.
std::string explanation_text(const Explanation &e);
// The same as a JSON document (2-space indent, trailing newline).
std::string explanation_json(const Explanation &e);

// Parses {"event":"open","path":"/etc/shadow","access":["read"],
// "binary":"/usr/bin/cat"} or {"event":"connect","address":"10.1.2.3",
// "port":443,"protocol":"tcp","cgroup":"/system.slice/x.service"}
// (docs/explain.md): "event" defaults to "exec"; "kind" is its older name;
// a network event's "family" defaults to its address's (ipv4 for a dotted
// one), "protocol" to tcp. On a problem returns nullopt and sets `error`
// to a one-line reason.
std::optional<Event> event_from_json(const std::string &text,
                                     std::string &error);

} // namespace palisade::engine
