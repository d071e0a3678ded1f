// Error messages for the .rules grammar, and the PEGTL control that throws
// them. Every must<>/raise<> target in grammar.h has an error_message entry
// (a static_assert in raise_error checks it), and so has each check the
// actions make on a number's value; refine<> adds details that depend on
// what was found or on the construct being parsed.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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
template <> inline constexpr ErrorText error_message<g::label_action> = {"expected an action after the label"};
template <> inline constexpr ErrorText error_message<g::event_name> = {"expected an event name after the action"};
template <> inline constexpr ErrorText error_message<g::rule_end> = {"expected the end of the rule"};
template <> inline constexpr ErrorText error_message<g::condition> = {"expected a condition after 'when'", "a condition compares a field, e.g.: path == \"/usr/bin/nc\""};
template <> inline constexpr ErrorText error_message<g::and_rhs> = {"expected a condition after 'and'"};
template <> inline constexpr ErrorText error_message<g::or_rhs> = {"expected a condition after 'or'"};
template <> inline constexpr ErrorText error_message<g::not_operand> = {"expected a condition after 'not'"};
template <> inline constexpr ErrorText error_message<g::paren_inner> = {"expected a condition after '('"};
template <> inline constexpr ErrorText error_message<g::paren_close> = {"expected 'and', 'or' or ')'"};
template <> inline constexpr ErrorText error_message<g::field_part> = {"expected a field name after '.'"};
template <> inline constexpr ErrorText error_message<g::compare_op> = {"expected an operator (==, !=, in, not in, under, startswith, endswith, matches) after the field"};
template <> inline constexpr ErrorText error_message<g::in_after_not> = {"expected 'in' after 'not'"};
template <> inline constexpr ErrorText error_message<g::eq_value> = {"expected a value after '=='"};
template <> inline constexpr ErrorText error_message<g::ne_value> = {"expected a value after '!='"};
template <> inline constexpr ErrorText error_message<g::under_value> = {"expected a string, a list or a set name after 'under'"};
template <> inline constexpr ErrorText error_message<g::pattern_value> = {"expected a string, a list or a set name after the operator"};
template <> inline constexpr ErrorText error_message<g::in_value> = {"expected a list or a set name after 'in'"};
template <> inline constexpr ErrorText error_message<g::escape_code> = {"unknown escape sequence", "a string can use the escapes \\\" \\\\ \\n \\t \\xHH", false};
template <> inline constexpr ErrorText error_message<g::hex_byte> = {"expected two hex digits after '\\x'"};
template <> inline constexpr ErrorText error_message<g::string_unterminated> = {"unterminated string", "a string ends on the line where it starts; write a newline as \\n", false};
template <> inline constexpr ErrorText error_message<g::string_bad_char> = {"control character in a string", nullptr, false};
template <> inline constexpr ErrorText error_message<g::number_end> = {"unexpected text right after a number"};
template <> inline constexpr ErrorText error_message<g::number_dot> = {"unexpected '.' after a number", nullptr, false};
template <> inline constexpr ErrorText error_message<g::number_too_long> = {"number too long", "a number has at most 20 digits: the largest is 18446744073709551615", false};
template <> inline constexpr ErrorText error_message<g::number_too_large> = {"number too large", "the largest number is 18446744073709551615", false};
template <> inline constexpr ErrorText error_message<g::number_leading_zero> = {"a number does not start with 0", nullptr, false};
template <> inline constexpr ErrorText error_message<g::range_last> = {"expected a number after '..'", "a range includes both ends, e.g. 6000..6063"};
template <> inline constexpr ErrorText error_message<g::range_chained> = {"a range has only one '..'", "a range is first..last, e.g. 6000..6063", false};
template <> inline constexpr ErrorText error_message<g::range_empty> = {"empty range", nullptr, false};
template <> inline constexpr ErrorText error_message<g::bound_value> = {"expected a number after the operator"};
template <> inline constexpr ErrorText error_message<g::bound_range> = {"an ordering operator compares with one number, not a range", nullptr, false};

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

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool starts_number(std::string_view text, size_t offset) {
  return offset < text.size() && is_digit(text[offset]);
}

// The bytes of the number or range that starts at `offset`: digits, and
// ".." with the digits after it if they follow.
inline size_t number_token_size(std::string_view text, size_t offset) {
  size_t end = offset;
  while (end < text.size() && is_digit(text[end]))
    ++end;
  if (text.substr(end, 2) == "..") {
    end += 2;
    while (end < text.size() && is_digit(text[end]))
      ++end;
  }
  return end - offset;
}

// A sign before a number: -1, +5.
inline void sign_hint(SyntaxError &err, const ErrorSite &at) {
  if ((at.found.text == "-" || at.found.text == "+") &&
      starts_number(at.state.text, at.offset + 1))
    err.hints.push_back(
        "numbers have no sign: they go from 0 to 18446744073709551615");
}

inline constexpr const char *kSpacedRange =
    "write a range without spaces around '..', e.g. 6000..6063";

// `1 ..2`: a range is one token.
inline void spaced_range_hint(SyntaxError &err, const ErrorSite &at) {
  if (at.state.text.substr(at.offset, 2) == "..")
    err.hints.push_back(kSpacedRange);
}

template <>
inline void refine<g::list_sep>(SyntaxError &err, const ErrorSite &at) {
  spaced_range_hint(err, at);
}

template <>
inline void refine<g::top_item_expected>(SyntaxError &err,
                                         const ErrorSite &at) {
  spaced_range_hint(err, at); // let low = 0 ..1023
}

// `no_nc :`: a label's ':' follows it with no space between.
// Returns the label's length, 0 if the text there is no such label.
inline size_t spaced_label(std::string_view text, size_t offset,
                           const Token &word) {
  if (word.kind != TokenKind::Word)
    return 0;
  size_t after = offset + word.text.size();
  while (after < text.size() && (text[after] == '-' || text[after] == '_' ||
                                 std::isalnum((unsigned char)text[after])))
    ++after;
  const size_t colon = text.find_first_not_of(" \t", after);
  return colon != text.npos && colon > after && text[colon] == ':'
             ? after - offset
             : 0;
}

inline std::string keyword_label_hint(std::string_view word) {
  return "a label is not a keyword: rename it, e.g. " + std::string(word) +
         "-rule:";
}

// `when:` on the line after a rule: a label spelt as a keyword. The rule
// before reads `when` (`and`, `or`) as its own clause and stops at
// the ':'. True when the ':' at the error follows `word` with no space.
inline bool keyword_glued_before(const ErrorSite &at, std::string_view word) {
  return at.found.text == ":" && at.offset >= word.size() &&
         at.state.text.substr(at.offset - word.size(), word.size()) == word;
}

// A clause keyword that was the first word of a label: the hint says so
// instead of asking for a condition.
inline void keyword_label_refine(SyntaxError &err, const ErrorSite &at,
                                 std::string_view word) {
  if (keyword_glued_before(at, word))
    err.hints = {keyword_label_hint(word)};
}

template <>
inline void refine<g::condition>(SyntaxError &err, const ErrorSite &at) {
  keyword_label_refine(err, at, "when");
}
template <>
inline void refine<g::and_rhs>(SyntaxError &err, const ErrorSite &at) {
  keyword_label_refine(err, at, "and");
}
template <>
inline void refine<g::or_rhs>(SyntaxError &err, const ErrorSite &at) {
  keyword_label_refine(err, at, "or");
}

template <>
inline void refine<g::rule_expected>(SyntaxError &err, const ErrorSite &at) {
  const size_t after = at.offset + at.found.text.size();
  if (at.found.kind == TokenKind::Word && after < at.state.text.size() &&
      at.state.text[after] == ':') // `in: deny ...`: a keyword as a label
    err.hints.push_back(keyword_label_hint(at.found.text));
  else if (const size_t n = spaced_label(at.state.text, at.offset, at.found))
    err.hints.push_back("write a label with no space before its ':', e.g. " +
                        std::string(at.state.text.substr(at.offset, n)) +
                        ": deny exec ...");
  else if (at.found.kind == TokenKind::Word)
    err.hints.push_back("an action is one of allow, audit, deny, kill");
}

template <>
inline void refine<g::label_action>(SyntaxError &err, const ErrorSite &at) {
  const std::string label = at.state.rule.label->name;
  err.message = "expected an action after the label '" + label + "', found " +
                describe(at.found);
  err.hints.push_back("write, e.g.: " + label +
                      ": deny exec when path == \"/usr/bin/nc\"");
}

// Edits (insert, delete, replace a byte) from `a` to `b`, for a
// misspelt keyword; both are short.
inline size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min(
          {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

template <>
inline void refine<g::mode_value>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind != TokenKind::Word)
    return;
  for (const char *mode : {"enforce", "audit"})
    if (edit_distance(at.found.text, mode) <= 2 ||
        at.found.text.starts_with(std::string_view(mode).substr(0, 3))) {
      err.hints.push_back(std::string("did you mean '") + mode + "'?");
      return;
    }
  err.hints.push_back("'enforce' blocks what the rules deny; 'audit' only "
                      "records what they would block");
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
  if (at.found.text == ":") // `deny: deny exec`
    err.hints.push_back(keyword_label_hint(word));
  else
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
    spaced_range_hint(err, at);
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
  spaced_range_hint(err, at);
  if (!err.hints.empty())
    return; // the '(' is fine: the range before it is not
  err.hints.push_back("the '(' at " +
                      position_text(at.state, at.state.open_parens.back()) +
                      " is not closed");
}

template <>
inline void refine<g::compare_op>(SyntaxError &err, const ErrorSite &at) {
  err.message = "expected an operator (==, !=, in, not in, under, "
                "startswith, endswith, matches) after '" +
                at.state.cmp.field + "', found " + describe(at.found);
  const std::string_view two = at.state.text.substr(at.offset, 2);
  if (two == "=<" || two == "=>")
    err.hints.push_back(std::string("did you mean '") + two[1] + "='?");
  else if (at.found.text == "=")
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
  sign_hint(err, at);
}

template <>
inline void refine<g::ne_value>(SyntaxError &err, const ErrorSite &at) {
  const std::string &field = at.state.cmp.field;
  if (at.found.text == "[")
    err.hints.push_back("to match none of several values, write: " + field +
                        " not in [...]");
  sign_hint(err, at);
}

template <>
inline void refine<g::in_value>(SyntaxError &err, const ErrorSite &at) {
  std::string_view one; // a single value where a list belongs
  if (at.found.kind == TokenKind::String)
    one = at.found.text;
  else if (starts_number(at.state.text, at.offset))
    one = at.state.text.substr(at.offset,
                               number_token_size(at.state.text, at.offset));
  if (one.empty())
    return;
  if (at.found.kind != TokenKind::String) { // show all of 1..5, not just 1
    err.message = std::string(error_message<g::in_value>.message) +
                  ", found '" + std::string(one) + "'";
    err.length = one.size();
  }
  err.hints.push_back("write a list, [" + std::string(one) +
                      "], or compare one value with '=='");
}

template <>
inline void refine<g::list_item>(SyntaxError &err, const ErrorSite &at) {
  if (at.found.kind == TokenKind::Word)
    err.hints.push_back("list items are quoted strings: [\"/bin/sh\"]");
  sign_hint(err, at);
}

template <>
inline void refine<g::let_value>(SyntaxError &err, const ErrorSite &at) {
  sign_hint(err, at);
}

template <>
inline void refine<g::under_value>(SyntaxError &err, const ErrorSite &at) {
  if (starts_number(at.state.text, at.offset))
    err.hints.push_back("'under' takes a directory as a string, e.g. " +
                        at.state.cmp.field + " under \"/tmp\"");
}

template <>
inline void refine<g::pattern_value>(SyntaxError &err, const ErrorSite &at) {
  const std::string op = keyword(at.state.cmp.op);
  err.message = "expected a string, a list or a set name after '" + op +
                "', found " + describe(at.found);
  if (starts_number(at.state.text, at.offset))
    err.hints.push_back("'" + op +
                        "' takes quoted strings: one, a list "
                        "of them or the name of a set of them");
}

// ---- numbers

template <>
inline void refine<g::number_end>(SyntaxError &err, const ErrorSite &at) {
  const std::string_view text = at.state.text;
  size_t start = at.offset;
  while (start > 0 && is_digit(text[start - 1]))
    --start;
  const std::string digits(text.substr(start, at.offset - start));
  const std::string tail(at.found.text);
  err.message = "unexpected '" + tail + "' after the number " + digits;
  if (digits == "0" && tail.size() > 1 && (tail[0] == 'x' || tail[0] == 'X')) {
    std::string hint = "numbers are decimal";
    const std::string hex = tail.substr(1);
    if (hex.size() <= 16 &&
        hex.find_first_not_of("0123456789abcdefABCDEF") == hex.npos)
      hint += ": write " + std::to_string(std::stoull(hex, nullptr, 16)) +
              " for 0" + tail;
    err.hints.push_back(hint);
    return;
  }
  if (tao::pegtl::parse<tao::pegtl::seq<g::keyword, tao::pegtl::eof>>(
          tao::pegtl::memory_input(tail, "")))
    err.hints.push_back("put a space between " + digits + " and '" + tail +
                        "'");
  else
    err.hints.push_back("to compare with text, quote it: \"" + digits + tail +
                        "\"");
}

template <>
inline void refine<g::number_dot>(SyntaxError &err, const ErrorSite &at) {
  // The run of digits, dots and slashes around the '.', e.g. 10.0.0.0/8.
  const std::string_view text = at.state.text;
  const auto in_run = [](char c) {
    return is_digit(c) || c == '.' || c == '/';
  };
  size_t start = at.offset, end = at.offset;
  while (start > 0 && in_run(text[start - 1]))
    --start;
  while (end < text.size() && in_run(text[end]))
    ++end;
  const std::string_view run = text.substr(start, end - start);
  const bool address =
      run.find("..") == run.npos &&
      (run.find('/') != run.npos || run.find('.') != run.rfind('.'));
  if (address)
    err.hints.push_back("an address is a string: \"" + std::string(run) + "\"");
  else
    err.hints.push_back(
        "numbers are whole; a range is first..last, e.g. 6000..6063");
}

template <>
inline void refine<g::number_leading_zero>(SyntaxError &err,
                                           const ErrorSite &at) {
  const std::string_view digits = at.found.text;
  const size_t first = digits.find_first_not_of('0');
  const std::string_view plain =
      first == digits.npos ? std::string_view("0") : digits.substr(first);
  std::string hint = "numbers are decimal: write ";
  // Whoever wrote 0755 most likely meant octal: give that value first.
  if (digits.find_first_not_of("01234567") == digits.npos &&
      digits.size() <= 21) { // 8^21 = 2^63 fits
    const uint64_t octal = std::stoull(std::string(digits), nullptr, 8);
    if (std::to_string(octal) != plain)
      hint +=
          std::to_string(octal) + " for octal " + std::string(digits) + ", or ";
  }
  err.hints.push_back(hint + std::string(plain));
}

template <>
inline void refine<g::range_last>(SyntaxError &err, const ErrorSite &at) {
  const std::string_view text = at.state.text;
  size_t next = at.offset;
  while (next < text.size() && (text[next] == ' ' || text[next] == '\t'))
    ++next;
  if (next > at.offset && starts_number(text, next)) { // 1.. 2
    err.hints = {kSpacedRange};
    return;
  }
  sign_hint(err, at);
}

template <>
inline void refine<g::range_chained>(SyntaxError &err, const ErrorSite &) {
  err.length = 2; // the second ".."
}

template <>
inline void refine<g::range_empty>(SyntaxError &err, const ErrorSite &at) {
  const std::string_view text = at.state.text;
  const std::string_view range =
      text.substr(at.offset, number_token_size(text, at.offset));
  const size_t dots = range.find("..");
  err.length = range.size();
  err.message = "empty range " + std::string(range) + ": its first number " +
                "is greater than its last";
  err.hints.push_back(
      "write the smaller number first: " + std::string(range.substr(dots + 2)) +
      ".." + std::string(range.substr(0, dots)));
}

template <>
inline void refine<g::bound_value>(SyntaxError &err, const ErrorSite &at) {
  const std::string op = keyword(at.state.cmp.op);
  const std::string &field = at.state.cmp.field;
  err.message =
      "expected a number after '" + op + "', found " + describe(at.found);
  err.hints.push_back("'" + op + "' compares with a number, e.g. " + field +
                      " " + op + " 1024");
  if (at.found.kind == TokenKind::String) {
    const std::string_view inner =
        at.found.text.substr(1, at.found.text.size() - 2);
    if (at.found.text.size() >= 2 && at.found.text.back() == '"' &&
        !inner.empty() && inner.find_first_not_of("0123456789") == inner.npos)
      err.hints.push_back("write the number without quotes: " + field + " " +
                          op + " " + std::string(inner));
  } else if (at.found.text == "[") {
    err.hints.push_back("to match one of several values, write: " + field +
                        " in [...]");
  }
  sign_hint(err, at);
}

template <>
inline void refine<g::bound_range>(SyntaxError &err, const ErrorSite &at) {
  const std::string op = keyword(at.state.cmp.op);
  const std::string_view text = at.state.text;
  const size_t start = at.state.number_start;
  const size_t size = number_token_size(text, start);
  err.offset = start;
  err.length = size;
  err.message = "'" + op + "' compares with one number, not a range";
  const std::string_view range = text.substr(start, size);
  const bool whole = range.size() > range.find("..") + 2;
  err.hints.push_back("to test a range, write: " + at.state.cmp.field +
                      " in [" + (whole ? std::string(range) : "first..last") +
                      "]");
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

// Throws the error for Rule (expected at `offset`): the control's raise,
// and the actions' checks on what the grammar matched.
template <typename Rule>
[[noreturn]] void raise_error(const ParseState &state, size_t offset) {
  static_assert(error_message<Rule>.message != nullptr,
                "every error needs an error_message");
  SyntaxError err = expected(state.text, offset, error_message<Rule>);
  refine<Rule>(err, ErrorSite{state, offset, peek_token(state.text, offset)});
  throw err;
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
    raise_error<Rule>(state, state.offset(in.current()));
  }
};

} // namespace palisade::dsl
