// The policy AST. Both frontends (.rules via PEGTL, YAML via yaml-cpp) build
// it; names (fields, events, sets) stay unresolved strings with locations so
// that one engine pass resolves them against one catalog for both.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/source.h"

namespace palisade::dsl {

enum class Mode { Enforce, Audit };
enum class Action { Allow, Audit, Deny, Kill };

struct StringLit {
  std::string value; // escapes already decoded
  SourceLocation loc;
};

enum class CompareOp {
  Eq,    // field == "v"
  Ne,    // field != "v"
  In,    // field in [..] | field in set_name
  NotIn, // field not in [..] | field not in set_name
  Under, // field under "/dir"   (the directory's subtree, not the dir itself)
};

// The keyword each enum value is written as in a .rules file.
const char *keyword(Mode mode);
const char *keyword(Action action);
const char *keyword(CompareOp op);

// field <op> value(s). Exactly one of `values` / `set_name` is used for
// In/NotIn; Eq/Ne/Under have exactly one element in `values`.
struct Comparison {
  std::string field; // e.g. "path", "binary", "parent.binary" (dotted)
  SourceLocation field_loc;
  CompareOp op = CompareOp::Eq;
  SourceLocation op_loc;
  std::vector<StringLit> values;
  std::optional<std::string> set_name; // `in shells`
  SourceLocation set_loc;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind { Compare, And, Or, Not };
  Kind kind = Kind::Compare;
  Comparison cmp;                // Kind::Compare
  std::vector<ExprPtr> children; // And/Or: two or more; Not: exactly one
  SourceLocation loc;            // whole sub-expression
};

struct Rule {
  Action action = Action::Deny;
  SourceLocation action_loc;
  std::string event; // "exec", ... resolved by the engine
  SourceLocation event_loc;
  ExprPtr condition; // null: the rule matches every event of its kind
  std::optional<StringLit> message;
  SourceLocation loc; // from the action keyword to the end of the rule
};

struct Policy {
  std::string name;
  SourceLocation name_loc;
  Mode mode = Mode::Enforce;
  SourceLocation mode_loc;
  std::vector<Rule> rules;
  SourceLocation loc;
};

// let NAME = ["a", "b"]   (a named set of values, usable after `in`)
struct Let {
  std::string name;
  SourceLocation name_loc;
  std::vector<StringLit> values;
  bool list = true; // written as [..]; false for `let NAME = "v"`
  SourceLocation loc;
};

// A `#` comment. The engine ignores comments; the formatter puts them back.
struct Comment {
  std::string text;   // from '#' to the end of the line, trailing blanks cut
  SourceLocation loc; // the text above, on one line
  bool trailing = false; // code comes before it on its line
};

struct PolicyFile {
  std::shared_ptr<const SourceFile> source;
  std::vector<Let> lets;
  std::vector<Policy> policies;
  std::vector<Comment> comments; // in source order
};

} // namespace palisade::dsl
