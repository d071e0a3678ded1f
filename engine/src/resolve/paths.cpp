#include "resolve/paths.h"

#include <optional>
#include <string_view>
#include <vector>

#include <palisade/abi.h>

namespace palisade::engine {
namespace {

// Views into `path`.
std::vector<std::string_view> split_components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1; // after the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos)
      slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// The first component of an absolute path that a resolved path never has
// (empty, "." or ".."), without splitting it: every literal path of every
// rule comes here.
std::optional<std::string_view>
first_unresolved_component(std::string_view path) {
  size_t start = 1; // after the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos)
      slash = path.size();
    std::string_view c = path.substr(start, slash - start);
    if (c.empty() || c == "." || c == "..")
      return c;
    start = slash + 1;
  }
  return std::nullopt;
}

} // namespace

std::string lexically_clean(const std::string &path) {
  std::vector<std::string_view> kept;
  for (auto c : split_components(path)) {
    if (c.empty() || c == ".")
      continue;
    if (c == "..") {
      if (!kept.empty())
        kept.pop_back();
      continue;
    }
    kept.push_back(c);
  }
  std::string out;
  for (auto c : kept) {
    out += '/';
    out += c;
  }
  return out.empty() ? "/" : out;
}

std::optional<std::string> check_path(const dsl::StringLit &lit,
                                      dsl::Diagnostics &diags) {
  std::string path = lit.value;
  if (path.empty()) {
    diags.error(lit.loc, "empty path")
        .hints.push_back("paths are absolute, e.g. \"/usr/bin/nc\"");
    return std::nullopt;
  }
  if (path[0] != '/') {
    diags.error(lit.loc, "path '" + path + "' is not absolute")
        .hints.push_back("the kernel matches resolved absolute paths; start "
                         "the path with '/'");
    return std::nullopt;
  }
  if (path.find('\0') != std::string::npos) {
    diags.error(lit.loc, "path contains a NUL byte");
    return std::nullopt;
  }
  if (path.size() > 1 && path.back() == '/')
    path.pop_back();
  if (path.size() > 1) {
    if (auto c = first_unresolved_component(path)) {
      std::string what = c->empty() ? "an empty component"
                                    : "a '" + std::string(*c) + "' component";
      diags.error(lit.loc, "path '" + lit.value + "' has " + what)
          .hints.push_back("the kernel matches resolved paths, which never "
                           "have one; write '" +
                           lexically_clean(path) + "'");
      return std::nullopt;
    }
  }
  if (path.size() > PAL_MATCH_PATH_MAX) {
    diags
        .error(lit.loc, "path is " + std::to_string(path.size()) +
                            " bytes; the kernel matcher supports at most " +
                            std::to_string(PAL_MATCH_PATH_MAX))
        .hints.push_back("match a shorter parent directory with 'under'");
    return std::nullopt;
  }
  return path;
}

} // namespace palisade::engine
