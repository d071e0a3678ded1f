// The policy AST. Both frontends (.rules via PEGTL, YAML via yaml-cpp) build
// it; names (fields, events, sets) stay unresolved strings with locations so
// that one engine pass resolves them against one catalog for both.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/source.h"

namespace palisade::dsl {

enum class Mode { Enforce, Audit };
enum class Action { Allow, Audit, Deny, Kill };

// What a value literal was written as. The parser only reads the syntax;
// which fields take which kinds is checked by the engine.
enum class ValueKind {
  String, // "/usr/bin/nc"   (quoted, escapes allowed)
  Number, // 22              (decimal digits, no sign, 0 to 2^64-1)
  Range,  // 6000..6063      (a closed range: both ends included, lo <= hi)
};

// A value literal: a string, a number or a range (the name is historical:
// it predates numbers). For a Number or Range `value` is the text as
// written ("22", "6000..6063"), and lo/hi hold the parsed ends (lo == hi
// for a Number); for a String they are 0.
struct StringLit {
  std::string value; // escapes already decoded
  SourceLocation loc;
  ValueKind kind = ValueKind::String;
  uint64_t lo = 0;
  uint64_t hi = 0;
};

// Under and the three pattern operators also take a list or a set name:
// `under ["/a", "/b"]` holds when `under` holds for any of the values.
enum class CompareOp {
  Eq,    // field == v         (v: a string, number or range)
  Ne,    // field != v
  In,    // field in [..] | field in set_name
  NotIn, // field not in [..] | field not in set_name
  Under, // field under "/dir"   (the directory's subtree, not the dir itself)
  StartsWith, // field startswith "/tmp/."  (a byte prefix)
  EndsWith,   // field endswith ".pem"      (a byte suffix)
  Matches,    // field matches "/home/*/.ssh/**"  (a glob)
  Lt,         // field < 1024       (each ordering operator takes exactly one
  Le,         // field <= 1024       Number: never a string, a range or a list)
  Gt,         // field > 1024
  Ge,         // field >= 1024
};

// The keyword each enum value is written as in a .rules file.
const char *keyword(Mode mode);
const char *keyword(Action action);
const char *keyword(CompareOp op);

// field <op> value(s). Exactly one of `values` / `set_name` is used for
// In/NotIn and for Under/StartsWith/EndsWith/Matches (which may also have
// one String in `values`, written without brackets: `list` says which);
// Eq/Ne/Lt/Le/Gt/Ge have exactly one element in `values` (a Number for
// Lt/Le/Gt/Ge).
struct Comparison {
  std::string field; // e.g. "path", "binary", "parent.binary" (dotted)
  SourceLocation field_loc;
  CompareOp op = CompareOp::Eq;
  SourceLocation op_loc;
  std::vector<StringLit> values;
  // `in shells`. A pointer rather than an optional: few comparisons name a
  // set, and an optional<string> would cost every one of them 40 bytes.
  std::unique_ptr<std::string> set_name;
  SourceLocation set_loc;
  // Under and the pattern operators: `values` was written as [..], not as
  // one string (In/NotIn always take a list or set: false there).
  bool list = false;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A condition node: a CompareExpr (a comparison, most nodes) or a
// LogicalExpr (and, or, not: only operands). Two types so that and/or/not
// nodes do not carry an unused Comparison (three quarters of a node).
struct Expr {
  enum class Kind { Compare, And, Or, Not };
  const Kind kind;    // fixed: it says which of the two types this is
  SourceLocation loc; // whole sub-expression

  virtual ~Expr() = default;

  // Kind::Compare only.
  const Comparison &cmp() const;
  Comparison &cmp();
  // And/Or: two or more; Not: exactly one; Compare: none.
  const std::vector<ExprPtr> &children() const;

protected:
  explicit Expr(Kind k) : kind(k) {}
};

struct CompareExpr final : Expr {
  CompareExpr() : Expr(Kind::Compare) {}
  Comparison comparison;
};

struct LogicalExpr final : Expr {
  explicit LogicalExpr(Kind k) : Expr(k) {} // And, Or or Not
  std::vector<ExprPtr> operands;
};

inline const Comparison &Expr::cmp() const {
  assert(kind == Kind::Compare);
  return static_cast<const CompareExpr &>(*this).comparison;
}

inline Comparison &Expr::cmp() {
  assert(kind == Kind::Compare);
  return static_cast<CompareExpr &>(*this).comparison;
}

inline const std::vector<ExprPtr> &Expr::children() const {
  static const std::vector<ExprPtr> none;
  if (kind == Kind::Compare)
    return none;
  return static_cast<const LogicalExpr &>(*this).operands;
}

// `no-netcat:` before a rule's action: a name for the rule, unique within
// its policy, shown in events and explain output (not sent to the kernel).
struct RuleLabel {
  std::string name; // without the ':'
  SourceLocation loc;
};

// `label` and `message` are pointers rather than optionals: most rules have
// neither, and as optionals they were half the size of every Rule.
struct Rule {
  std::unique_ptr<RuleLabel> label; // null: no label
  Action action = Action::Deny;
  SourceLocation action_loc;
  std::string event; // "exec", ... resolved by the engine
  SourceLocation event_loc;
  ExprPtr condition; // null: the rule matches every event of its kind
  std::unique_ptr<StringLit> message; // null: no message
  SourceLocation loc; // from the label (or action keyword) to the rule's end
};

struct Policy {
  std::string name;
  SourceLocation name_loc;
  Mode mode = Mode::Enforce;
  SourceLocation mode_loc;
  std::vector<Rule> rules;
  SourceLocation loc;
};

// let NAME = ["a", 22, 1..9]   (a named set of values, usable after `in`,
// `not in`, `under`, `startswith`, `endswith` and `matches`; the kinds may
// be mixed: the engine checks them against the field)
struct Let {
  std::string name;
  SourceLocation name_loc;
  std::vector<StringLit> values;
  bool list = true; // written as [..]; false for one value: `let NAME = 22`
  SourceLocation loc;
};

// A `#` comment. The engine ignores comments; the formatter puts them back.
struct Comment {
  std::string text;      // from '#' to the end of the line, trailing blanks cut
  SourceLocation loc;    // the text above, on one line
  bool trailing = false; // code comes before it on its line
};

struct PolicyFile {
  // Owns the text every location of this AST points into.
  std::shared_ptr<const SourceFile> source;
  std::vector<Let> lets;
  std::vector<Policy> policies;
  std::vector<Comment> comments; // in source order
};

} // namespace palisade::dsl
