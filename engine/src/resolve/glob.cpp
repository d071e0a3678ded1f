#include "resolve/glob.h"

#include <cstring>
#include <vector>

namespace palisade::engine {
namespace {

enum class Tok : uint8_t { Byte, One, Star, DStar };

struct Token {
  Tok kind;
  uint8_t byte = 0;
};

bool is_slash(const Token &t) { return t.kind == Tok::Byte && t.byte == '/'; }

// Where the NFA starts in the path: after the fixed prefix (which the
// prefix atom checks), but on the '/' of a "/**" so that "/**/" still
// sees both of its slashes.
size_t nfa_skip(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/')
    return 0;
  size_t skip = glob_fixed_prefix(pattern).size();
  if (skip > 0 && pattern[skip - 1] == '/' &&
      pattern.substr(skip).starts_with("**"))
    --skip;
  return skip;
}

std::vector<Token> tokens(bool suffix, std::string_view value) {
  std::vector<Token> out;
  if (suffix) {
    out.push_back({Tok::DStar});
    for (char c : value)
      out.push_back({Tok::Byte, static_cast<uint8_t>(c)});
    return out;
  }
  // "/**/**/" means what "/**/" means; collapsing keeps every chain of
  // empty matches at most two moves long (close()).
  std::string text(value.substr(nfa_skip(value)));
  for (size_t at; (at = text.find("/**/**/")) != std::string::npos;)
    text.erase(at, 3);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '*' && i + 1 < text.size() && text[i + 1] == '*') {
      out.push_back({Tok::DStar});
      ++i;
    } else if (text[i] == '*') {
      out.push_back({Tok::Star});
    } else if (text[i] == '?') {
      out.push_back({Tok::One});
    } else {
      out.push_back({Tok::Byte, static_cast<uint8_t>(text[i])});
    }
  }
  return out;
}

uint64_t bit(size_t i) { return i < 64 ? uint64_t{1} << i : 0; }

// The states reached from `moved` (just entered by consuming a byte) and
// `stayed` (a star that looped) by matching nothing: a "/**/" right after
// its first '/' may skip to after its second; then a star may match
// nothing. One move each suffices: a star's next token is never a star.
uint64_t close(const pal_glob &g, uint64_t moved, uint64_t stayed) {
  uint64_t d = moved | stayed | ((moved & g.eps2) << 2);
  return d | ((d & g.eps) << 1);
}

// glob_match() at pattern p[i..], path s[j..]; memo: 0 unknown, 1 no, 2 yes.
struct Matcher {
  std::string_view p, s;
  std::vector<uint8_t> memo;

  bool at(size_t i, size_t j) {
    uint8_t &m = memo[i * (s.size() + 1) + j];
    if (m == 0)
      m = step(i, j) ? 2 : 1;
    return m == 2;
  }

  bool step(size_t i, size_t j) {
    if (i == p.size())
      return j == s.size();
    if (p.substr(i).starts_with("**")) {
      for (size_t k = j; k <= s.size(); ++k)
        if (at(i + 2, k))
          return true;
      return false;
    }
    if (p[i] == '*') {
      for (size_t k = j; k <= s.size(); ++k) {
        if (at(i + 1, k))
          return true;
        if (k < s.size() && s[k] == '/')
          break;
      }
      return false;
    }
    // "/**/" also matches one '/': skip to its second '/'.
    if (p.substr(i).starts_with("/**/") && at(i + 3, j))
      return true;
    if (j == s.size())
      return false;
    if (p[i] == '?')
      return s[j] != '/' && at(i + 1, j + 1);
    return p[i] == s[j] && at(i + 1, j + 1);
  }
};

} // namespace

std::string glob_fixed_prefix(std::string_view pattern) {
  size_t n = pattern.find_first_of("*?");
  return std::string(pattern.substr(0, n));
}

std::string glob_anchor_prefix(bool suffix, std::string_view value) {
  if (suffix)
    return "/";
  std::string fixed = glob_fixed_prefix(value);
  return fixed.empty() ? "/" : fixed;
}

size_t glob_states(bool suffix, std::string_view value) {
  return tokens(suffix, value).size() + 1;
}

bool glob_match(std::string_view pattern, std::string_view path) {
  Matcher m{pattern, path,
            std::vector<uint8_t>((pattern.size() + 1) * (path.size() + 1))};
  return m.at(0, 0);
}

pal_glob compile_glob(bool suffix, std::string_view value,
                      uint32_t prefix_atom) {
  pal_glob g;
  std::memset(&g, 0, sizeof g);
  g.kind = suffix ? PAL_GLOB_SUFFIX : PAL_GLOB_PATTERN;
  g.prefix_atom = prefix_atom;
  g.skip = suffix ? 0 : static_cast<uint32_t>(nfa_skip(value));
  g.len = static_cast<uint32_t>(value.size());
  std::memcpy(g.text, value.data(), std::min(value.size(), sizeof g.text));
  const std::vector<Token> t = tokens(suffix, value);
  for (size_t k = 0; k < t.size(); ++k) {
    switch (t[k].kind) {
    case Tok::Byte:
      g.adv[t[k].byte] |= bit(k);
      break;
    case Tok::One:
      for (int c = 0; c < 256; ++c)
        if (c != '/')
          g.adv[c] |= bit(k);
      break;
    case Tok::Star:
      g.star |= bit(k);
      g.eps |= bit(k);
      break;
    case Tok::DStar:
      g.dstar |= bit(k);
      g.eps |= bit(k);
      if (k > 0 && is_slash(t[k - 1]) && k + 1 < t.size() && is_slash(t[k + 1]))
        g.eps2 |= bit(k);
      break;
    }
  }
  g.accept = bit(t.size());
  g.start = close(g, 0, 1);
  return g;
}

bool glob_nfa_match(const pal_glob &g, std::string_view path) {
  if (path.size() < g.skip)
    return false;
  uint64_t d = g.start;
  for (size_t i = g.skip; i < path.size() && d; ++i) {
    const auto c = static_cast<uint8_t>(path[i]);
    d = close(g, (d & g.adv[c]) << 1, d & (g.dstar | (c != '/' ? g.star : 0)));
  }
  return (d & g.accept) != 0;
}

std::optional<std::string> check_pattern(dsl::CompareOp op,
                                         const dsl::StringLit &lit,
                                         dsl::Diagnostics &diags) {
  const std::string &v = lit.value;
  const std::string name = dsl::keyword(op);
  const bool suffix = op == dsl::CompareOp::EndsWith;
  if (v.find('\0') != std::string::npos) {
    diags.error(lit.loc, "a path never contains a NUL byte")
        .hints.push_back("remove the \\x00 from the " + name + " value");
    return std::nullopt;
  }
  if (v.size() > PAL_MATCH_PATH_MAX) {
    diags
        .error(lit.loc, "the " + name + " value is " +
                            std::to_string(v.size()) +
                            " bytes long, the limit is " +
                            std::to_string(PAL_MATCH_PATH_MAX))
        .hints.push_back("the kernel matches paths of at most " +
                         std::to_string(PAL_MATCH_PATH_MAX) +
                         " bytes in rules");
    return std::nullopt;
  }
  if (op == dsl::CompareOp::StartsWith && !v.starts_with('/')) {
    diags.error(lit.loc, "a path prefix must start with '/'")
        .hints.push_back("paths are absolute: write " + name + " \"/" + v +
                         "\"");
    return std::nullopt;
  }
  if (op == dsl::CompareOp::Matches) {
    if (v.find('[') != std::string::npos) {
      diags
          .error(lit.loc,
                 "'[' starts a character class, which patterns do not have")
          .hints.push_back("patterns have '*', '**' and '?'; for "
                           "alternatives write a list of patterns: "
                           "matches [\"/a/x\", \"/a/y\"]");
      return std::nullopt;
    }
    if (v.find("***") != std::string::npos) {
      diags.error(lit.loc, "'***' is not a wildcard")
          .hints.push_back("'*' matches within one path component, '**' "
                           "across components");
      return std::nullopt;
    }
    if (!v.starts_with('/') && !v.starts_with("**")) {
      diags.error(lit.loc, "a pattern must start with '/' or '**'")
          .hints.push_back("paths are absolute: write matches \"/" + v +
                           "\", or \"**/" + v + "\" for any directory");
      return std::nullopt;
    }
  }
  if (op != dsl::CompareOp::StartsWith) {
    const size_t states = glob_states(suffix, v);
    if (states > PAL_GLOB_STATES) {
      diags
          .error(lit.loc, "the " + name + " value needs " +
                              std::to_string(states) +
                              " matcher states, the kernel's limit is " +
                              std::to_string(PAL_GLOB_STATES))
          .hints.push_back(
              suffix ? "a suffix may be at most " +
                           std::to_string(PAL_GLOB_STATES - 2) + " bytes"
                     : "each byte and wildcard after the pattern's leading "
                       "bytes without wildcards is a state; shorten that "
                       "part");
      return std::nullopt;
    }
  }
  return v;
}

} // namespace palisade::engine
