// AST equality for the formatter's contract (format.h): what the policy
// says, not where it was written.
#include "palisade/dsl/format.h"

#include <algorithm>

#include "expr_chain.h"

namespace palisade::dsl {

namespace {

bool same_values(const std::vector<StringLit> &a,
                 const std::vector<StringLit> &b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const StringLit &x, const StringLit &y) {
                      // "22" and 22 differ.
                      return x.kind == y.kind && x.value == y.value &&
                             x.lo == y.lo && x.hi == y.hi;
                    });
}

bool same_set_name(const Comparison &a, const Comparison &b) {
  if (!a.set_name || !b.set_name)
    return !a.set_name && !b.set_name;
  return *a.set_name == *b.set_name;
}

bool same_comparison(const Comparison &a, const Comparison &b) {
  return a.field == b.field && a.op == b.op && a.list == b.list &&
         same_set_name(a, b) && same_values(a.values, b.values);
}

bool same_expr(const Expr &a, const Expr &b) {
  if (a.kind != b.kind)
    return false;
  switch (a.kind) {
  case Expr::Kind::Compare:
    return same_comparison(a.cmp(), b.cmp());
  case Expr::Kind::Not:
    return a.children().size() == 1 && b.children().size() == 1 &&
           same_expr(*a.children()[0], *b.children()[0]);
  case Expr::Kind::And:
  case Expr::Kind::Or: {
    std::vector<const Expr *> xs, ys;
    chain_operands(a, xs);
    chain_operands(b, ys);
    return std::equal(
        xs.begin(), xs.end(), ys.begin(), ys.end(),
        [](const Expr *x, const Expr *y) { return same_expr(*x, *y); });
  }
  }
  return false;
}

bool same_condition(const ExprPtr &a, const ExprPtr &b) {
  if (!a || !b)
    return !a && !b;
  return same_expr(*a, *b);
}

bool same_rule(const Rule &a, const Rule &b) {
  if (a.action != b.action || a.event != b.event || !a.message != !b.message ||
      !a.label != !b.label)
    return false;
  if (a.label && a.label->name != b.label->name)
    return false;
  if (a.message && a.message->value != b.message->value)
    return false;
  return same_condition(a.condition, b.condition);
}

bool same_let(const Let &a, const Let &b) {
  return a.name == b.name && a.list == b.list &&
         same_values(a.values, b.values);
}

bool same_policy_decl(const Policy &a, const Policy &b) {
  return a.name == b.name && a.mode == b.mode &&
         std::equal(a.rules.begin(), a.rules.end(), b.rules.begin(),
                    b.rules.end(), same_rule);
}

} // namespace

bool same_policy(const PolicyFile &a, const PolicyFile &b) {
  return std::equal(a.lets.begin(), a.lets.end(), b.lets.begin(), b.lets.end(),
                    same_let) &&
         std::equal(a.policies.begin(), a.policies.end(), b.policies.begin(),
                    b.policies.end(), same_policy_decl);
}

} // namespace palisade::dsl
