#include "palisade/enforce/symlink_check.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>

namespace palisade::enforce {
namespace {

// "/tmp/" and "/tmp" are the same directory.
std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

// realpath() that remembers what it resolved. The values of a big policy
// share a few directories, and realpath() reads every component of every
// value again (a readlink each): for 10k rules that was most of `check`.
// Here a value costs one lstat of its last component once its directory
// is known, and a value written twice is resolved once.
class PathResolver {
public:
  // The canonical path of absolute `path`, nullopt when some component
  // does not exist (or is not a directory) on this machine.
  const std::optional<std::string> &resolve(std::string path) {
    path = without_trailing_slashes(std::move(path));
    if (auto it = known_.find(path); it != known_.end())
      return it->second;
    std::optional<std::string> real = resolve_uncached(path);
    return known_.emplace(std::move(path), std::move(real)).first->second;
  }

private:
  std::optional<std::string> resolve_uncached(const std::string &path) {
    if (path == "/")
      return path;
    const size_t slash = path.rfind('/');
    const std::string name = path.substr(slash + 1);
    if (name.empty() || name == "." || name == "..")
      return realpath_of(path); // not canonical: let libc walk it
    const auto &dir = resolve(slash == 0 ? "/" : path.substr(0, slash));
    if (!dir)
      return std::nullopt;
    std::string candidate = (*dir == "/" ? "" : *dir) + "/" + name;
    struct stat st;
    if (lstat(candidate.c_str(), &st) != 0)
      return std::nullopt;
    if (S_ISLNK(st.st_mode))
      return realpath_of(candidate); // rare: follow the chain once
    return candidate;
  }

  static std::optional<std::string> realpath_of(const std::string &path) {
    char resolved[PATH_MAX];
    if (!realpath(path.c_str(), resolved))
      return std::nullopt;
    return std::string(resolved);
  }

  std::unordered_map<std::string, std::optional<std::string>> known_;
};

void check_value(const dsl::StringLit &lit, PathResolver &paths,
                 dsl::Diagnostics &diags) {
  if (lit.value.empty() || lit.value[0] != '/')
    return; // relative values are the engine's error to report
  const std::string value = without_trailing_slashes(lit.value);
  const std::optional<std::string> &real = paths.resolve(value);
  if (!real)
    return; // not on this machine: nothing to say
  const std::string &target = *real;
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

void check_expr(const dsl::Expr &e, PathResolver &paths,
                dsl::Diagnostics &diags) {
  if (e.kind == dsl::Expr::Kind::Compare) {
    for (const auto &v : e.cmp().values)
      check_value(v, paths, diags);
    return;
  }
  for (const auto &child : e.children())
    check_expr(*child, paths, diags);
}

} // namespace

void warn_symlinked_values(const std::vector<dsl::PolicyFile> &files,
                           dsl::Diagnostics &diags) {
  PathResolver paths;
  for (const auto &file : files) {
    for (const auto &let : file.lets)
      for (const auto &v : let.values)
        check_value(v, paths, diags);
    for (const auto &policy : file.policies)
      for (const auto &rule : policy.rules)
        if (rule.condition)
          check_expr(*rule.condition, paths, diags);
  }
}

} // namespace palisade::enforce
