#include "format_text.h"

#include "expr_chain.h"
#include "string_escape.h"

namespace palisade::dsl::format {

namespace {

void append_comparison(const Comparison &c, std::string &out) {
  out += c.field;
  out += ' ';
  out += keyword(c.op);
  out += ' ';
  // As written: a set name, a list, or one value (under and the pattern
  // operators take any of the three; in/not in never one value; ==, !=
  // and the ordering operators one value or the name of a let of one).
  if (c.set_name)
    out += *c.set_name;
  else if (c.list || c.op == CompareOp::In || c.op == CompareOp::NotIn)
    out += list_text(c.values);
  else if (!c.values.empty()) // exactly one for the other operators
    out += value_text(c.values.front());
}

void append_expr(const Expr &e, std::string &out);

void append_operand(const Expr &e, bool parenthesise, std::string &out) {
  if (parenthesise)
    out += '(';
  append_expr(e, out);
  if (parenthesise)
    out += ')';
}

bool is_chain(const Expr &e) {
  return e.kind == Expr::Kind::And || e.kind == Expr::Kind::Or;
}

void append_expr(const Expr &e, std::string &out) {
  switch (e.kind) {
  case Expr::Kind::Compare:
    append_comparison(e.cmp(), out);
    return;
  case Expr::Kind::Not:
    // `not` binds tighter than and/or: not (a and b) needs its parentheses.
    out += "not ";
    {
      const Expr &operand = *e.children().front();
      append_operand(operand, is_chain(operand), out);
    }
    return;
  case Expr::Kind::And:
  case Expr::Kind::Or: {
    const bool is_and = e.kind == Expr::Kind::And;
    std::vector<const Expr *> operands; // (a and b) and c prints flat
    chain_operands(e, operands);
    for (size_t i = 0; i < operands.size(); ++i) {
      if (i > 0)
        out += is_and ? " and " : " or ";
      // Only an `or` inside an `and` needs parentheses: and binds tighter.
      append_operand(*operands[i],
                     is_and && operands[i]->kind == Expr::Kind::Or, out);
    }
    return;
  }
  }
}

} // namespace

std::string value_text(const StringLit &value) {
  if (value.kind == ValueKind::String)
    return encode_string_literal(value.value);
  return value.value; // the digits (and "..") as the parser matched them
}

std::string list_text(const std::vector<StringLit> &values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += value_text(values[i]);
  }
  out += ']';
  return out;
}

std::string condition_text(const Expr &e) {
  std::string out;
  append_expr(e, out);
  return out;
}

std::string rule_text(const Rule &rule) {
  std::string out = rule.label ? rule.label->name + ": " : "";
  out += keyword(rule.action);
  out += ' ';
  out += rule.event;
  if (rule.condition) {
    out += " when ";
    append_expr(*rule.condition, out);
  }
  return out;
}

std::string message_text(const Rule &rule) {
  return rule.message ? encode_string_literal(rule.message->value) : "";
}

std::string policy_head(const Policy &policy) {
  return "policy " + encode_string_literal(policy.name) + " mode " +
         keyword(policy.mode);
}

} // namespace palisade::dsl::format
