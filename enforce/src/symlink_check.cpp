#include "palisade/enforce/symlink_check.h"

#include <climits>
#include <cstdlib>
#include <string>

namespace palisade::enforce {
namespace {

void check_value(const dsl::StringLit &lit, dsl::Diagnostics &diags) {
  if (lit.value.empty() || lit.value[0] != '/')
    return; // relative values are the engine's error to report
  char resolved[PATH_MAX];
  if (!realpath(lit.value.c_str(), resolved))
    return; // not on this machine: nothing to say
  const std::string target = resolved;
  // "/tmp/" and "/tmp" are the same directory.
  std::string value = lit.value;
  while (value.size() > 1 && value.back() == '/')
    value.pop_back();
  if (target == value)
    return;
  auto &d = diags.warning(lit.loc, "'" + value + "' resolves to '" + target +
                                       "' on this machine; rules match the "
                                       "resolved path, so this value never "
                                       "matches here");
  d.hints.push_back("write \"" + target +
                    "\" (keep both if the policy also runs where '" + value +
                    "' is not a link)");
}

void check_expr(const dsl::Expr &e, dsl::Diagnostics &diags) {
  if (e.kind == dsl::Expr::Kind::Compare) {
    for (const auto &v : e.cmp().values)
      check_value(v, diags);
    return;
  }
  for (const auto &child : e.children())
    check_expr(*child, diags);
}

} // namespace

void warn_symlinked_values(const std::vector<dsl::PolicyFile> &files,
                           dsl::Diagnostics &diags) {
  for (const auto &file : files) {
    for (const auto &let : file.lets)
      for (const auto &v : let.values)
        check_value(v, diags);
    for (const auto &policy : file.policies)
      for (const auto &rule : policy.rules)
        if (rule.condition)
          check_expr(*rule.condition, diags);
  }
}

} // namespace palisade::enforce
