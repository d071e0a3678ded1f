#include "test_helpers.h"

namespace palisade::engine::test {

AstBuilder::AstBuilder(std::string file_name)
    : source_(std::make_shared<dsl::SourceFile>()) {
  source_->name = std::move(file_name);
}

dsl::SourceLocation AstBuilder::next_loc() {
  ++line_;
  source_->text += "line " + std::to_string(line_) + "\n";
  dsl::SourceLocation loc;
  loc.file = source_.get();
  loc.line = loc.end_line = line_;
  loc.column = 1;
  loc.end_column = 5;
  return loc;
}

dsl::ExprPtr AstBuilder::cmp(std::string field, dsl::CompareOp op,
                             std::initializer_list<std::string> values) {
  auto e = std::make_unique<dsl::CompareExpr>();
  e->loc = next_loc();
  e->comparison.field = std::move(field);
  e->comparison.field_loc = e->loc;
  e->comparison.op = op;
  e->comparison.op_loc = e->loc;
  for (const auto &v : values)
    e->comparison.values.push_back(dsl::StringLit{v, next_loc()});
  return e;
}

dsl::ExprPtr AstBuilder::in_set(std::string field, std::string set,
                                bool negated) {
  auto e = cmp(std::move(field),
               negated ? dsl::CompareOp::NotIn : dsl::CompareOp::In, {});
  e->cmp().set_name = std::make_unique<std::string>(std::move(set));
  e->cmp().set_loc = next_loc();
  return e;
}

namespace {
dsl::ExprPtr node(dsl::Expr::Kind kind, std::vector<dsl::ExprPtr> children,
                  dsl::SourceLocation loc) {
  auto e = std::make_unique<dsl::LogicalExpr>(kind);
  e->operands = std::move(children);
  e->loc = std::move(loc);
  return e;
}
} // namespace

dsl::ExprPtr AstBuilder::all(std::vector<dsl::ExprPtr> children) {
  return node(dsl::Expr::Kind::And, std::move(children), next_loc());
}
dsl::ExprPtr AstBuilder::any(std::vector<dsl::ExprPtr> children) {
  return node(dsl::Expr::Kind::Or, std::move(children), next_loc());
}
dsl::ExprPtr AstBuilder::negate(dsl::ExprPtr child) {
  std::vector<dsl::ExprPtr> v;
  v.push_back(std::move(child));
  return node(dsl::Expr::Kind::Not, std::move(v), next_loc());
}

dsl::Rule AstBuilder::rule(dsl::Action action, std::string event,
                           dsl::ExprPtr cond, std::string message) {
  dsl::Rule r;
  r.loc = next_loc();
  r.action = action;
  r.action_loc = r.loc;
  r.event = std::move(event);
  r.event_loc = r.loc;
  r.condition = std::move(cond);
  if (!message.empty())
    r.message = std::make_unique<dsl::StringLit>(
        dsl::StringLit{std::move(message), r.loc});
  return r;
}

dsl::Let AstBuilder::let(std::string name,
                         std::initializer_list<std::string> values) {
  dsl::Let l;
  l.loc = l.name_loc = next_loc();
  l.name = std::move(name);
  for (const auto &v : values)
    l.values.push_back(dsl::StringLit{v, next_loc()});
  return l;
}

dsl::Policy AstBuilder::policy(std::string name, dsl::Mode mode,
                               std::vector<dsl::Rule> rules) {
  dsl::Policy p;
  p.loc = p.name_loc = p.mode_loc = next_loc();
  p.name = std::move(name);
  p.mode = mode;
  p.rules = std::move(rules);
  return p;
}

dsl::PolicyFile AstBuilder::file(std::vector<dsl::Let> lets,
                                 std::vector<dsl::Policy> policies) {
  dsl::PolicyFile f;
  f.source = source_;
  f.lets = std::move(lets);
  f.policies = std::move(policies);
  return f;
}

} // namespace palisade::engine::test
