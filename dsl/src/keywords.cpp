#include "palisade/dsl/ast.h"

namespace palisade::dsl {

const char *keyword(Mode mode) {
  return mode == Mode::Enforce ? "enforce" : "audit";
}

const char *keyword(Action action) {
  switch (action) {
  case Action::Allow:
    return "allow";
  case Action::Audit:
    return "audit";
  case Action::Deny:
    return "deny";
  case Action::Kill:
    return "kill";
  }
  return "?";
}

const char *keyword(CompareOp op) {
  switch (op) {
  case CompareOp::Eq:
    return "==";
  case CompareOp::Ne:
    return "!=";
  case CompareOp::In:
    return "in";
  case CompareOp::NotIn:
    return "not in";
  case CompareOp::Under:
    return "under";
  case CompareOp::StartsWith:
    return "startswith";
  case CompareOp::EndsWith:
    return "endswith";
  case CompareOp::Matches:
    return "matches";
  case CompareOp::Lt:
    return "<";
  case CompareOp::Le:
    return "<=";
  case CompareOp::Gt:
    return ">";
  case CompareOp::Ge:
    return ">=";
  }
  return "?";
}

} // namespace palisade::dsl
