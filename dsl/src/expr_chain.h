// and/or chains as the formatter sees them.
#pragma once

#include <vector>

#include "palisade/dsl/ast.h"

namespace palisade::dsl {

// The operands of an and/or node, with nested nodes of the same kind
// spliced in: (a and b) and c has the operands a, b, c. The parser builds
// one flat node per chain, but a parenthesised chain stays a child.
inline void chain_operands(const Expr &e, std::vector<const Expr *> &out) {
  for (const ExprPtr &child : e.children()) {
    if (child->kind == e.kind)
      chain_operands(*child, out);
    else
      out.push_back(child.get());
  }
}

} // namespace palisade::dsl
