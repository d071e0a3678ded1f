// What the parse actions build while PEGTL walks the text. Each construct
// is assembled in its slot and moved into `result` when its rule succeeds.
#pragma once

#include <cstddef>
#include <cstdint>
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
      : lines(file), text(file->text) {
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

  std::vector<StringLit> take_strings() {
    std::vector<StringLit> all = std::move(strings);
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
