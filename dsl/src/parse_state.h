// What the parse actions build while PEGTL walks the text. Each construct
// is assembled in its slot and moved into `result` when its rule succeeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "line_index.h"
#include "palisade/dsl/ast.h"

namespace palisade::dsl {

// Parentheses plus `not`s open at once. Parsing them recurses, so without a
// limit hostile input could exhaust the stack.
inline constexpr size_t kMaxExprDepth = 256;

// Digits in a number: 2^64-1 has 20.
inline constexpr size_t kMaxNumberDigits = 20;

struct ParseState {
  explicit ParseState(std::shared_ptr<const SourceFile> file)
      : lines(*file), text(file->text) {
    result.source = std::move(file);
  }

  LineIndex lines;
  std::string_view text; // == result.source->text
  PolicyFile result;

  // Constructs being built.
  Let let;
  Policy policy;
  Rule rule;
  Comparison cmp;
  // The current policy's rules until its '}': then they move into a vector
  // of exactly their number (a Rule is big; growing policy.rules itself
  // would leave up to half its capacity unused).
  std::vector<Rule> rules;
  std::vector<StringLit> strings; // literals not yet taken by their owner
  std::vector<uint64_t> numbers;  // a number's or a range's ends, until its
                                  // literal is pushed onto `strings`
  std::vector<ExprPtr> operands;  // finished sub-expressions

  // For error messages.
  size_t string_start = 0;         // offset of the last opening '"'
  size_t number_start = 0;         // offset of the last number's first digit
  std::vector<size_t> open_parens; // offsets of the '(' being parsed
  size_t depth = 0;                // parentheses + `not`s open
  bool in_policy = false; // between a policy's braces (for error recovery)

  // End offset of the last comment recorded. Rules that backtrack (`opt<ws,
  // when_clause>`, `star<ws, kw_and, ...>`) match the same blanks again, so
  // a comment that does not start past it was already recorded.
  size_t comments_end = 0;

  size_t offset(const char *p) const {
    return static_cast<size_t>(p - text.data());
  }

  StringLit take_string() {
    StringLit s = std::move(strings.back());
    strings.pop_back();
    return s;
  }

  // Exactly as many as there are: `strings` keeps its capacity for the
  // next owner, so lists do not each grow a vector of their own.
  std::vector<StringLit> take_strings() {
    std::vector<StringLit> all(std::make_move_iterator(strings.begin()),
                               std::make_move_iterator(strings.end()));
    strings.clear();
    return all;
  }

  ExprPtr take_operand() {
    ExprPtr e = std::move(operands.back());
    operands.pop_back();
    return e;
  }
};

} // namespace palisade::dsl
