// Where the formatter puts each comment. The canonical text has one line
// per let (or per list item when a list wraps), per policy head, rule and
// closing brace; each of these "units" takes the comments around it:
//   - a comment inside a unit's source span goes on a line before it;
//   - a comment after code on the line where a unit ends stays at the end
//     of that unit's line;
//   - any other comment goes before the next unit, or to the end of the
//     file after the last one;
//   - the comments before the first unit, up to the last blank line among
//     them, are the file's header and stay at the top.
// A unit or full-line comment keeps one blank line before it if the source
// had at least one there.
#pragma once

#include <compare>
#include <cstdint>
#include <vector>

#include "palisade/dsl/ast.h"

namespace palisade::dsl::format {

// A position in the source: 1-based line and byte column.
struct Pos {
  uint32_t line = 0;
  uint32_t column = 0;
  auto operator<=>(const Pos &) const = default;
};

// A comment printed on a line of its own.
struct LineComment {
  const Comment *comment = nullptr;
  bool blank_before = false;
};

struct Unit {
  Pos start, end;                    // source span, end exclusive
  bool blank_before = false;         // the source had a blank line before it
  std::vector<LineComment> leading;  // printed before it
  const Comment *trailing = nullptr; // printed at the end of its line
};

// A single-value let is all `head`; a list's head is `let NAME = [`.
struct LetLayout {
  const Let *let = nullptr;
  Unit head;
  std::vector<Unit> items;
  Unit close; // `]`
};

struct PolicyLayout {
  const Policy *policy = nullptr;
  Unit head; // policy "name" mode M {
  std::vector<Unit> rules;
  Unit close; // }
};

struct Layout {
  std::vector<LineComment> header; // the file's opening comment block
  std::vector<LetLayout> lets;
  std::vector<PolicyLayout> policies;
  std::vector<LineComment> trailer; // after the last unit
};

// Points into `file`, which must outlive the result.
Layout layout(const PolicyFile &file);

// `let NAME = "v"` (or 22, 1..9): printed without brackets, as one unit.
inline bool single_value(const Let &let) {
  return !let.list && let.values.size() == 1;
}

} // namespace palisade::dsl::format
