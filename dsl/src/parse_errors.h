// Error messages for the .rules grammar, and the PEGTL control that throws
// them. Every must<>/raise<> target in grammar.h has an error_message entry
// (a static_assert in control<>::raise checks it); refine<> adds details
// that depend on what was found or on the construct being parsed.
#pragma once

#include <cstdio>
#include <string>

#include <tao/pegtl.hpp>

#include "grammar.h"
#include "parse_state.h"
#include "syntax_error.h"

namespace palisade::dsl {

template <typename Rule> inline constexpr ErrorText error_message{};

namespace g = grammar;

inline constexpr const char *kPolicyShape =
    "write: policy \"name\" mode enforce { ... }";
inline constexpr const char *kLetShape = "write: let name = [\"a\", \"b\"]";

// clang-format off

template <> inline constexpr ErrorText error_message<g::top_item_expected> = {"expected 'let' or 'policy'"};
template <> inline constexpr ErrorText error_message<g::rule_outside_policy> = {"a rule must be inside a policy", kPolicyShape, false};
template <> inline constexpr ErrorText error_message<g::let_name> = {"expected a set name after 'let'"};
template <> inline constexpr ErrorText error_message<g::let_equals> = {"expected '=' after the set name", kLetShape};
template <> inline constexpr ErrorText error_message<g::let_value> = {"expected a string or a list of strings after '='", kLetShape};
template <> inline constexpr ErrorText error_message<g::list_item> = {"expected a string or ']' in the list"};
template <> inline constexpr ErrorText error_message<g::list_sep> = {"expected ',' or ']' after a list item"};
template <> inline constexpr ErrorText error_message<g::policy_name> = {"expected the policy name as a string after 'policy'", kPolicyShape};
template <> inline constexpr ErrorText error_message<g::policy_mode_kw> = {"expected 'mode' after the policy name", kPolicyShape};
template <> inline constexpr ErrorText error_message<g::mode_value> = {"expected 'enforce' or 'audit' after 'mode'"};
template <> inline constexpr ErrorText error_message<g::policy_open> = {"expected '{' after the policy mode"};
template <> inline constexpr ErrorText error_message<g::policy_unclosed> = {"expected '}' to close the policy"};
template <> inline constexpr ErrorText error_message<g::rule_expected> = {"expected a rule or '}'"};
template <> inline constexpr ErrorText error_message<g::event_name> = {"expected an event name after the action"};
template <> inline constexpr ErrorText error_message<g::rule_end> = {"expected the end of the rule"};
template <> inline constexpr ErrorText error_message<g::condition> = {"expected a condition after 'when'", "a condition compares a field, e.g.: path == \"/usr/bin/nc\""};
template <> inline constexpr ErrorText error_message<g::and_rhs> = {"expected a condition after 'and'"};
template <> inline constexpr ErrorText error_message<g::or_rhs> = {"expected a condition after 'or'"};
template <> inline constexpr ErrorText error_message<g::not_operand> = {"expected a condition after 'not'"};
template <> inline constexpr ErrorText error_message<g::paren_inner> = {"expected a condition after '('"};
template <> inline constexpr ErrorText error_message<g::paren_close> = {"expected 'and', 'or' or ')'"};
template <> inline constexpr ErrorText error_message<g::field_part> = {"expected a field name after '.'"};
template <> inline constexpr ErrorText error_message<g::compare_op> = {"expected an operator (==, !=, in, not in, under) after the field"};
template <> inline constexpr ErrorText error_message<g::in_after_not> = {"expected 'in' after 'not'"};
template <> inline constexpr ErrorText error_message<g::eq_value> = {"expected a string after '=='"};
template <> inline constexpr ErrorText error_message<g::ne_value> = {"expected a string after '!='"};
template <> inline constexpr ErrorText error_message<g::under_value> = {"expected a string after 'under'"};
template <> inline constexpr ErrorText error_message<g::in_value> = {"expected a list or a set name after 'in'"};
template <> inline constexpr ErrorText error_message<g::escape_code> = {"unknown escape sequence", "a string can use the escapes \\\" \\\\ \\n \\t \\xHH", false};
template <> inline constexpr ErrorText error_message<g::hex_byte> = {"expected two hex digits after '\\x'"};
template <> inline constexpr ErrorText error_message<g::string_unterminated> = {"unterminated string", "a string ends on the line where it starts; write a newline as \\n", false};
template <> inline constexpr ErrorText error_message<g::string_bad_char> = {"control character in a string", nullptr, false};

// clang-format on

// What refine<> may look at besides the error built from the table.
struct ErrorSite {
  const ParseState &state;
  size_t offset; // where the expected rule started
  Token found;
};

// Adjusts the error for Rule; most rules need nothing beyond the table.
template <typename Rule> inline void refine(SyntaxError &, const ErrorSite &) {}

inline std::string position_text(const ParseState &state, size_t offset) {
  const SourceLocation loc = state.lines.point(offset);
  return "line " + std::to_string(loc.line) + ", column " +
         std::to_string(loc.column);
}

template <>
inline void refine<g::rule_expected>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind == TokenKind::Word)
    err.hints.push_back("an action is one of allow, audit, deny, kill");
}

template <>
inline void refine<g::policy_unclosed>(SyntaxError &err, const ErrorSite &at) {
  const Policy &p = at.state.policy;
  err.message =
      "expected '}' to close policy \"" + p.name + "\", found end of input";
  err.hints.push_back("the policy starts at line " +
                      std::to_string(p.name_loc.line));
}

template <>
inline void refine<g::event_name>(SyntaxError &err, const ErrorSite &at) {
  const std::string word = keyword(at.state.rule.action);
  err.message = "expected an event name after '" + word + "', found " +
                describe(at.found);
  err.hints.push_back("write, e.g.: " + word +
                      " exec when path == \"/usr/bin/nc\"");
}

template <>
inline void refine<g::rule_end>(SyntaxError &err, const ErrorSite &site) {
  // rule_end looks past the blanks after the rule: so does the message.
  const size_t offset = skip_blanks(site.state.text, site.offset);
  const ErrorSite at{site.state, offset, peek_token(site.state.text, offset)};
  // Rules are written one per line: a word at the start of the next line is
  // most likely a misspelt action, not a continuation of this rule.
  const std::string_view gap =
      at.state.text.substr(site.offset, offset - site.offset);
  if (at.found.kind == TokenKind::Word && gap.find('\n') != gap.npos) {
    err = expected(at.state.text, at.offset, error_message<g::rule_expected>);
    refine<g::rule_expected>(err, at);
    return;
  }
  err = expected(at.state.text, at.offset, error_message<g::rule_end>);
  const Rule &r = at.state.rule;
  const std::string found = ", found " + describe(at.found);
  if (r.message) {
    err.message = "expected the next rule or '}' after the message" + found;
    if (at.found.text == "when")
      err.hints.push_back(
          "the message comes last: deny exec when ... \"message\"");
  } else if (r.condition) {
    err.message = "expected 'and', 'or', a message string or the end of the "
                  "rule" +
                  found;
  } else {
    err.message =
        "expected 'when', a message string or the end of the rule" + found;
    if (at.found.kind == TokenKind::Word)
      err.hints.push_back("a condition starts with 'when', e.g.: " +
                          std::string(keyword(r.action)) + " " + r.event +
                          " when path == \"/usr/bin/nc\"");
  }
}

template <>
inline void refine<g::paren_close>(SyntaxError &err, const ErrorSite &at) {
  err.hints.push_back("the '(' at " +
                      position_text(at.state, at.state.open_parens.back()) +
                      " is not closed");
}

template <>
inline void refine<g::compare_op>(SyntaxError &err, const ErrorSite &at) {
  err.message = "expected an operator (==, !=, in, not in, under) after '" +
                at.state.cmp.field + "', found " + describe(at.found);
  if (at.found.text == "=")
    err.hints.push_back("did you mean '=='?");
}

template <>
inline void refine<g::in_after_not>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind != TokenKind::Word && at.found.kind != TokenKind::Symbol)
    return;
  err.hints.push_back("to negate a comparison, write 'not' before it: not " +
                      at.state.cmp.field + " " + std::string(at.found.text) +
                      " ...");
}

template <>
inline void refine<g::eq_value>(SyntaxError &err, const ErrorSite &at) {
  const std::string &field = at.state.cmp.field;
  if (at.found.text == "[")
    err.hints.push_back("to match one of several values, write: " + field +
                        " in [...]");
  else if (at.found.kind == TokenKind::Word)
    err.hints.push_back("to match a named set, write: " + field + " in " +
                        std::string(at.found.text));
}

template <>
inline void refine<g::ne_value>(SyntaxError &err, const ErrorSite &at) {
  const std::string &field = at.state.cmp.field;
  if (at.found.text == "[")
    err.hints.push_back("to match none of several values, write: " + field +
                        " not in [...]");
  else if (at.found.kind == TokenKind::Word)
    err.hints.push_back("to match outside a named set, write: " + field +
                        " not in " + std::string(at.found.text));
}

template <>
inline void refine<g::in_value>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind == TokenKind::String)
    err.hints.push_back("write a list, [" + std::string(at.found.text) +
                        "], or compare one value with '=='");
}

template <>
inline void refine<g::list_item>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind == TokenKind::Word)
    err.hints.push_back("list items are quoted strings: [\"/bin/sh\"]");
}

template <>
inline void refine<g::string_unterminated>(SyntaxError &err,
                                           const ErrorSite &at) {
  // Point at the opening quote and underline the rest of the line.
  err.offset = at.state.string_start;
  err.length = at.offset - at.state.string_start;
}

template <>
inline void refine<g::string_bad_char>(SyntaxError &err, const ErrorSite &at) {
  const auto byte = static_cast<unsigned char>(at.found.text[0]);
  if (byte == '\t') {
    err.message = "tab character in a string";
    err.hints = {"write it as \\t"};
    return;
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "%02x", byte);
  err.message = std::string("control character 0x") + hex + " in a string";
  err.hints = {std::string("write it as \\x") + hex};
}

template <>
inline void refine<g::escape_code>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind == TokenKind::End ||
      at.found.kind == TokenKind::EndOfLine) {
    // A backslash right before the line ends: the string never closes.
    err = expected(at.state.text, at.offset,
                   error_message<g::string_unterminated>);
    refine<g::string_unterminated>(err, at);
    return;
  }
  // Underline the backslash and the byte (or UTF-8 character) after it.
  const std::string_view code = at.found.kind == TokenKind::Word
                                    ? at.found.text.substr(0, 1)
                                    : at.found.text;
  err.offset = at.offset - 1;
  err.length = 1 + code.size();
  if (at.found.kind == TokenKind::Control)
    err.message = "unknown escape sequence: '\\' before " + describe(at.found);
  else
    err.message = "unknown escape sequence '\\" + std::string(code) + "'";
}

// The PEGTL control: must<>/raise<> targets throw a SyntaxError with their
// message, and they always rewind on failure so the error points at where
// the expected construct starts, not into a half-matched word.
template <typename Rule> struct control : tao::pegtl::normal<Rule> {
  static constexpr bool has_message = error_message<Rule>.message != nullptr;

  template <tao::pegtl::apply_mode A, tao::pegtl::rewind_mode M,
            template <typename...> class Action,
            template <typename...> class Control, typename ParseInput,
            typename... States>
  [[nodiscard]] static bool match(ParseInput &in, States &&...st) {
    constexpr auto rewind = has_message ? tao::pegtl::rewind_mode::required : M;
    return tao::pegtl::normal<Rule>::template match<A, rewind, Action, Control>(
        in, st...);
  }

  template <typename ParseInput>
  [[noreturn]] static void raise(const ParseInput &in, ParseState &state) {
    static_assert(has_message,
                  "every must<>/raise<> target needs an error_message");
    const size_t offset = state.offset(in.current());
    SyntaxError err = expected(state.text, offset, error_message<Rule>);
    refine<Rule>(err, ErrorSite{state, offset, peek_token(state.text, offset)});
    throw err;
  }
};

} // namespace palisade::dsl
