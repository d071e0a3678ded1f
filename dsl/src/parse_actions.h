// PEGTL actions that build the AST in ParseState. An action runs when its
// rule has matched; inner rules finish first, so e.g. a string literal is
// already decoded (in state.strings) when the rule that owns it completes.
// Actions are specialised for exact rule types: a rule deriving from another
// (let_name : name) does not trigger the base rule's action.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <tao/pegtl.hpp>

#include "grammar.h"
#include "parse_errors.h"
#include "parse_state.h"
#include "string_escape.h"
#include "syntax_error.h"

namespace palisade::dsl {

namespace g = grammar;
namespace pegtl = tao::pegtl;

template <typename Rule> struct action : pegtl::nothing<Rule> {};

template <typename ActionInput>
SourceLocation span_of(const ActionInput &in, const ParseState &st) {
  return st.lines.span(st.offset(in.begin()), st.offset(in.end()));
}

// ---- strings and lists

template <> struct action<g::string_open> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.string_start = st.offset(in.begin());
  }
};

template <> struct action<g::string_lit> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.strings.push_back(
        StringLit{decode_string_literal(in.string_view()), span_of(in, st)});
  }
};

// ---- numbers and ranges

// The digits' value; nullopt above 2^64-1.
inline std::optional<uint64_t> decimal_value(std::string_view digits) {
  uint64_t v = 0;
  for (const char c : digits) {
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10)
      return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// The grammar matched the digits; their value is checked here.
template <> struct action<g::number> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    const std::string_view digits = in.string_view();
    const size_t begin = st.offset(in.begin());
    st.number_start = begin;
    if (digits.size() > kMaxNumberDigits)
      raise_error<g::number_too_long>(st, begin);
    if (digits.size() > 1 && digits[0] == '0')
      raise_error<g::number_leading_zero>(st, begin);
    const std::optional<uint64_t> v = decimal_value(digits);
    if (!v)
      raise_error<g::number_too_large>(st, begin);
    st.numbers.push_back(*v);
  }
};

// A Number (one number matched) or a Range (two) literal from the text.
struct number_literal {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    StringLit lit{in.string(), span_of(in, st)};
    lit.lo = st.numbers.front();
    lit.hi = st.numbers.back();
    lit.kind = st.numbers.size() == 2 ? ValueKind::Range : ValueKind::Number;
    st.numbers.clear();
    if (lit.lo > lit.hi)
      raise_error<g::range_empty>(st, st.offset(in.begin()));
    st.strings.push_back(std::move(lit));
  }
};
template <> struct action<g::number_value> : number_literal {};
template <> struct action<g::bound_number> : number_literal {};

// ---- comments

template <> struct action<g::comment> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    const size_t begin = st.offset(in.begin());
    if (begin < st.comments_end)
      return; // matched again after backtracking
    st.comments_end = st.offset(in.end());
    // The match runs through the end of the line; keep what the user wrote
    // up to it, without trailing blanks (\r of a CRLF line included).
    constexpr std::string_view blanks = " \t\v\f\r\n";
    std::string_view text = in.string_view();
    text = text.substr(0, text.find_last_not_of(blanks) + 1); // keeps '#'

    Comment c;
    c.text = std::string(text);
    c.loc = st.lines.span(begin, begin + text.size());
    const size_t line_start = st.text.rfind('\n', begin) + 1; // npos + 1 == 0
    const std::string_view before =
        st.text.substr(line_start, begin - line_start);
    c.trailing = before.find_first_not_of(blanks) != before.npos;
    st.result.comments.push_back(std::move(c));
  }
};

// ---- let

template <> struct action<g::let_name> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.let.name = in.string();
    st.let.name_loc = span_of(in, st);
  }
};

template <> struct action<g::let_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.let.values = st.take_strings(); // one string or the list's items
    st.let.list = in.string_view().back() == ']';
    st.let.loc = span_of(in, st);
    st.result.lets.push_back(std::move(st.let));
    st.let = {};
  }
};

// ---- comparisons

template <> struct action<g::field> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.cmp.field = in.string();
    st.cmp.field_loc = span_of(in, st);
  }
};

template <CompareOp Op> struct set_op {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.cmp.op = Op;
    st.cmp.op_loc = span_of(in, st);
  }
};
template <> struct action<g::op_eq> : set_op<CompareOp::Eq> {};
template <> struct action<g::op_ne> : set_op<CompareOp::Ne> {};
template <> struct action<g::op_under> : set_op<CompareOp::Under> {};
template <> struct action<g::op_startswith> : set_op<CompareOp::StartsWith> {};
template <> struct action<g::op_endswith> : set_op<CompareOp::EndsWith> {};
template <> struct action<g::op_matches> : set_op<CompareOp::Matches> {};
template <> struct action<g::op_in> : set_op<CompareOp::In> {};
template <> struct action<g::op_not_in> : set_op<CompareOp::NotIn> {};
template <> struct action<g::op_lt> : set_op<CompareOp::Lt> {};
template <> struct action<g::op_le> : set_op<CompareOp::Le> {};
template <> struct action<g::op_gt> : set_op<CompareOp::Gt> {};
template <> struct action<g::op_ge> : set_op<CompareOp::Ge> {};

template <> struct action<g::set_ref> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.cmp.set_name = std::make_unique<std::string>(in.string());
    st.cmp.set_loc = span_of(in, st);
  }
};

template <> struct action<g::any_of_list> {
  static void apply0(ParseState &st) { st.cmp.list = true; }
};

template <> struct action<g::comparison> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    auto e = std::make_unique<CompareExpr>();
    e->comparison = std::move(st.cmp);
    e->comparison.values = st.take_strings();
    e->loc = span_of(in, st);
    st.operands.push_back(std::move(e));
    st.cmp = {};
  }
};

// ---- nesting: parentheses and `not` recurse, so they count depth

// Wraps the match of a rule that nests (it starts with Opener and contains
// expressions): once kMaxExprDepth are open, a further Opener is an error
// instead of another level of recursion. The same idea as PEGTL's
// contrib/limit_depth.hpp, but counting only these rules, with our message.
template <typename Opener> struct depth_limit : pegtl::maybe_nothing {
  template <typename Rule, pegtl::apply_mode A, pegtl::rewind_mode M,
            template <typename...> class Action,
            template <typename...> class Control, typename ParseInput>
  static bool match(ParseInput &in, ParseState &st) {
    if (st.depth >= kMaxExprDepth &&
        pegtl::match<pegtl::at<Opener>, pegtl::apply_mode::nothing,
                     pegtl::rewind_mode::required, pegtl::nothing,
                     pegtl::normal>(in)) {
      const size_t at = st.offset(in.current());
      throw SyntaxError{at,
                        peek_token(st.text, at).text.size(),
                        "expression nested too deeply (limit " +
                            std::to_string(kMaxExprDepth) + ")",
                        {"split the condition into several rules"}};
    }
    ++st.depth;
    const bool ok = pegtl::match<Rule, A, M, Action, Control>(in, st);
    --st.depth;
    return ok;
  }
};

template <> struct action<g::paren_open> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.open_parens.push_back(st.offset(in.begin()));
  }
};

template <> struct action<g::paren_expr> : depth_limit<g::paren_open> {
  // The sub-expression's location includes its parentheses.
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.operands.back()->loc = span_of(in, st);
    st.open_parens.pop_back();
  }
};

template <> struct action<g::negation> : depth_limit<g::kw_not> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    auto e = std::make_unique<LogicalExpr>(Expr::Kind::Not);
    e->operands.push_back(st.take_operand());
    e->loc = span_of(in, st);
    st.operands.push_back(std::move(e));
  }
};

// ---- and / or: one flat node per chain (a and b and c: And with three
// children). The match wrapper sees where the chain starts and how many
// operands it pushed.

template <Expr::Kind Kind> struct flatten : pegtl::maybe_nothing {
  template <typename Rule, pegtl::apply_mode A, pegtl::rewind_mode M,
            template <typename...> class Action,
            template <typename...> class Control, typename ParseInput>
  static bool match(ParseInput &in, ParseState &st) {
    const size_t first = st.operands.size();
    const char *begin = in.current();
    if (!pegtl::match<Rule, A, M, Action, Control>(in, st))
      return false;
    if constexpr (A == pegtl::apply_mode::action) {
      if (st.operands.size() - first > 1) {
        auto e = std::make_unique<LogicalExpr>(Kind);
        e->operands.reserve(st.operands.size() - first);
        for (size_t i = first; i < st.operands.size(); ++i)
          e->operands.push_back(std::move(st.operands[i]));
        st.operands.resize(first);
        e->loc = st.lines.span(st.offset(begin), st.offset(in.current()));
        st.operands.push_back(std::move(e));
      }
    }
    return true;
  }
};

template <> struct action<g::and_expr> : flatten<Expr::Kind::And> {};
template <> struct action<g::or_expr> : flatten<Expr::Kind::Or> {};

// ---- rules

template <Action A> struct set_action {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.rule.action = A;
    st.rule.action_loc = span_of(in, st);
  }
};
template <> struct action<g::action_allow> : set_action<Action::Allow> {};
template <> struct action<g::action_audit> : set_action<Action::Audit> {};
template <> struct action<g::action_deny> : set_action<Action::Deny> {};
template <> struct action<g::action_kill> : set_action<Action::Kill> {};

// On rule_label, not label_name: a word before a missing ':' is no label.
template <> struct action<g::rule_label> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    const size_t begin = st.offset(in.begin());
    const size_t end = st.offset(in.end()) - 1; // the ':'
    st.rule.label = std::make_unique<RuleLabel>(
        RuleLabel{std::string(st.text.substr(begin, end - begin)),
                  st.lines.span(begin, end)});
  }
};

template <> struct action<g::event_name> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.rule.event = in.string();
    st.rule.event_loc = span_of(in, st);
  }
};

template <> struct action<g::condition> {
  static void apply0(ParseState &st) { st.rule.condition = st.take_operand(); }
};

template <> struct action<g::rule_message> {
  static void apply0(ParseState &st) {
    st.rule.message = std::make_unique<StringLit>(st.take_string());
  }
};

template <> struct action<g::rule> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.rule.loc = span_of(in, st);
    st.rules.push_back(std::move(st.rule));
    st.rule = {};
  }
};

// ---- policies

template <> struct action<g::policy_name> {
  static void apply0(ParseState &st) {
    StringLit name = st.take_string();
    st.policy.name = std::move(name.value);
    st.policy.name_loc = std::move(name.loc);
  }
};

template <Mode M> struct set_mode {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.policy.mode = M;
    st.policy.mode_loc = span_of(in, st);
  }
};
template <> struct action<g::mode_enforce> : set_mode<Mode::Enforce> {};
template <> struct action<g::mode_audit> : set_mode<Mode::Audit> {};

template <> struct action<g::policy_open> {
  static void apply0(ParseState &st) { st.in_policy = true; }
};

// Also the end of a policy_rest (recovery), which has no policy_decl.
template <> struct action<g::policy_close> {
  static void apply0(ParseState &st) { st.in_policy = false; }
};

template <> struct action<g::policy_decl> {
  template <typename ActionInput>
  static void apply(const ActionInput &in, ParseState &st) {
    st.policy.loc = span_of(in, st);
    st.policy.rules.assign(std::make_move_iterator(st.rules.begin()),
                           std::make_move_iterator(st.rules.end()));
    st.rules.clear();
    st.result.policies.push_back(std::move(st.policy));
    st.policy = {};
  }
};

} // namespace palisade::dsl
