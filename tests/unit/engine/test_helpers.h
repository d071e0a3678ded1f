// Builds small ASTs in code, so engine tests do not depend on the parser.
#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "palisade/dsl/ast.h"

namespace palisade::engine::test {

// Every node gets its own line in a synthetic file, so a test can tell from
// a diagnostic's line which node it points at.
class AstBuilder {
public:
  explicit AstBuilder(std::string file_name = "test.rules");

  dsl::SourceLocation next_loc();
  uint32_t last_line() const { return line_; }

  dsl::ExprPtr cmp(std::string field, dsl::CompareOp op,
                   std::initializer_list<std::string> values);
  dsl::ExprPtr eq(std::string field, std::string value) {
    return cmp(std::move(field), dsl::CompareOp::Eq, {std::move(value)});
  }
  dsl::ExprPtr under(std::string field, std::string dir) {
    return cmp(std::move(field), dsl::CompareOp::Under, {std::move(dir)});
  }
  dsl::ExprPtr in_set(std::string field, std::string set, bool negated = false);
  dsl::ExprPtr all(std::vector<dsl::ExprPtr> children); // and
  dsl::ExprPtr any(std::vector<dsl::ExprPtr> children); // or
  dsl::ExprPtr negate(dsl::ExprPtr child);

  dsl::Rule rule(dsl::Action action, std::string event, dsl::ExprPtr cond,
                 std::string message = "");
  dsl::Let let(std::string name, std::initializer_list<std::string> values);
  dsl::Policy policy(std::string name, dsl::Mode mode,
                     std::vector<dsl::Rule> rules);

  // A file holding what was built; `file` is shared by every location.
  dsl::PolicyFile file(std::vector<dsl::Let> lets,
                       std::vector<dsl::Policy> policies);

private:
  std::shared_ptr<dsl::SourceFile> source_;
  uint32_t line_ = 0;
};

// Vectors of move-only AST nodes (initializer lists would copy).
template <typename E, typename... T> std::vector<E> move_vec(T &&...e) {
  std::vector<E> v;
  (v.push_back(std::forward<T>(e)), ...);
  return v;
}
template <typename... T> auto exprs(T &&...e) {
  return move_vec<dsl::ExprPtr>(std::forward<T>(e)...);
}
template <typename... T> auto rules(T &&...r) {
  return move_vec<dsl::Rule>(std::forward<T>(r)...);
}
template <typename... T> auto policies(T &&...p) {
  return move_vec<dsl::Policy>(std::forward<T>(p)...);
}
template <typename... T> auto files(T &&...f) {
  return move_vec<dsl::PolicyFile>(std::forward<T>(f)...);
}

} // namespace palisade::engine::test
