#include "warnings/implication.h"

#include <algorithm>

#include <palisade/abi.h>

#include "resolve/glob.h"

namespace palisade::engine {
namespace {

// An access atom holds when the open has any of its intents, and an open
// may have several: its values are not the one value the field takes.
bool is_access(const Atom &a) { return a.field == PAL_FIELD_ACCESS; }

// A port, address, protocol or family atom: a set of key prefixes of the
// field's one value (value_keys.h).
bool is_value(const Atom &a) { return is_value_field(a.field); }

// The atom's keys: normalize fills them; a hand-built atom gets them here.
const std::vector<ValueKey> &keys_of(const Atom &a,
                                     std::vector<ValueKey> &scratch) {
  if (!a.keys.empty() || a.values.empty())
    return a.keys;
  scratch = value_keys(a.field, a.values);
  return scratch;
}

// Every value of `narrow` is one of `wide`'s.
bool value_covers(const Atom &wide, const Atom &narrow) {
  std::vector<ValueKey> sw, sn;
  const auto &w = keys_of(wide, sw);
  const auto &n = keys_of(narrow, sn);
  const uint32_t width = value_width(wide.field);
  return std::all_of(n.begin(), n.end(), [&](const ValueKey &k) {
    return union_covers(w, k, width);
  });
}

// No value is in both (two prefixes share values iff one covers the
// other).
bool value_disjoint(const Atom &a, const Atom &b) {
  std::vector<ValueKey> sa, sb;
  const auto &x = keys_of(a, sa);
  const auto &y = keys_of(b, sb);
  for (const auto &k : x)
    for (const auto &l : y)
      if (keys_overlap(k, l))
        return false;
  return true;
}

// The values of `keys` that are also in `other`: for two prefix sets, the
// narrower of each overlapping pair.
std::vector<ValueKey> intersect(const std::vector<ValueKey> &keys,
                                const std::vector<ValueKey> &other) {
  std::vector<ValueKey> out;
  for (const auto &k : keys)
    for (const auto &l : other)
      if (key_covers(k, l))
        out.push_back(l);
      else if (key_covers(l, k))
        out.push_back(k);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace

bool strictly_under(std::string_view path, std::string_view dir) {
  if (dir == "/")
    return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() + 1 && path.starts_with(dir) &&
         path[dir.size()] == '/';
}

bool holds_for(const Atom &atom, std::string_view path) {
  auto any = [&](auto pred) {
    return std::any_of(atom.values.begin(), atom.values.end(), pred);
  };
  switch (atom.kind) {
  case MatchKind::Exact:
    return std::binary_search(atom.values.begin(), atom.values.end(), path);
  case MatchKind::Under:
    return any([&](const std::string &d) { return strictly_under(path, d); });
  case MatchKind::Prefix:
    return any([&](const std::string &p) { return path.starts_with(p); });
  case MatchKind::Suffix:
    return any([&](const std::string &x) { return path.ends_with(x); });
  case MatchKind::Glob:
    return any([&](const std::string &g) { return glob_match(g, path); });
  }
  return false;
}

namespace {

// The byte prefix every path of an Under or Prefix value starts with
// ("/tmp/" for under "/tmp"); an under value also needs a byte more.
std::string start_of(MatchKind kind, const std::string &v) {
  return kind == MatchKind::Under && v != "/" ? v + "/" : v;
}

// Every path that starts with `start` (and, for an under value, is
// longer) holds for `wide`.
bool covers_start(const Atom &wide, const std::string &start, bool longer) {
  return std::any_of(
      wide.values.begin(), wide.values.end(), [&](const std::string &w) {
        if (wide.kind == MatchKind::Prefix)
          return start.starts_with(w);
        if (wide.kind == MatchKind::Under) {
          const std::string ws = start_of(MatchKind::Under, w);
          return start.starts_with(ws) && (start.size() > ws.size() || longer);
        }
        return false;
      });
}

} // namespace

bool covers_value(const Atom &wide, MatchKind kind, std::string_view value) {
  if (kind == MatchKind::Exact)
    return holds_for(wide, value);
  // A subtree or a prefix is infinite: only a subtree or prefix at or
  // above it covers it. Suffixes and patterns are opaque here: only the
  // same atom covers one (implies() checks that).
  if (kind != MatchKind::Under && kind != MatchKind::Prefix)
    return false;
  return covers_start(wide, start_of(kind, std::string(value)),
                      kind == MatchKind::Under);
}

bool covers(const Atom &wide, const Atom &narrow) {
  if (wide.field != narrow.field)
    return false;
  if (is_value(wide))
    return value_covers(wide, narrow);
  return std::all_of(
      narrow.values.begin(), narrow.values.end(),
      [&](const std::string &v) { return covers_value(wide, narrow.kind, v); });
}

bool disjoint(const Atom &a, const Atom &b) {
  // An open with every intent satisfies any two access atoms.
  if (a.field != b.field || is_access(a))
    return false;
  if (is_value(a))
    return value_disjoint(a, b);
  // An exact atom meets another atom only at its own values.
  if (a.kind == MatchKind::Exact || b.kind == MatchKind::Exact) {
    const Atom &exact = a.kind == MatchKind::Exact ? a : b;
    const Atom &other = &exact == &a ? b : a;
    return std::none_of(
        exact.values.begin(), exact.values.end(),
        [&](const std::string &v) { return holds_for(other, v); });
  }
  // Suffixes and patterns: never said to exclude anything.
  if (is_residual(a.kind) || is_residual(b.kind))
    return false;
  // Two subtrees or prefixes meet only when one start is a prefix of the
  // other.
  for (const auto &x : a.values)
    for (const auto &y : b.values) {
      const std::string sx = start_of(a.kind, x), sy = start_of(b.kind, y);
      if (sx.starts_with(sy) || sy.starts_with(sx))
        return false;
    }
  return true;
}

bool implies(std::span<const Atom> atoms, Literal a, Literal b) {
  const Atom &x = atoms[a.atom];
  const Atom &y = atoms[b.atom];
  if (a == b)
    return true;
  if (x.field != y.field) // fields are independent
    return false;
  if (!a.negated && !b.negated)
    return covers(y, x);
  if (a.negated && b.negated) // not x => not y  iff  y => x
    return covers(x, y);
  if (!a.negated) // x => not y  iff  they never hold together
    return disjoint(x, y);
  // `not x` holds for a field with no known path, where `y` cannot.
  return false;
}

bool term_implies(std::span<const Atom> atoms, const Term &narrow,
                  const Term &wide) {
  return std::all_of(wide.begin(), wide.end(), [&](Literal w) {
    return std::any_of(narrow.begin(), narrow.end(),
                       [&](Literal n) { return implies(atoms, n, w); });
  });
}

int unimplied(std::span<const Atom> atoms, const Term &narrow, const Term &wide,
              Literal &missing) {
  int count = 0;
  for (Literal w : wide) {
    if (std::any_of(narrow.begin(), narrow.end(),
                    [&](Literal n) { return implies(atoms, n, w); }))
      continue;
    missing = w;
    if (++count == 2)
      break;
  }
  return count;
}

namespace {

Literal negate(Literal l) { return Literal{l.atom, !l.negated}; }

// Whether `path` as the field's value leaves every literal of the term
// that tests the same field, other than `self`, holding.
bool fits_rest(std::span<const Atom> atoms, const Term &term, Literal self,
               std::string_view path) {
  uint8_t field = atoms[self.atom].field;
  return std::all_of(term.begin(), term.end(), [&](Literal l) {
    const Atom &a = atoms[l.atom];
    return l == self || a.field != field || holds_for(a, path) != l.negated;
  });
}

// Access atoms needed to hold (any of their intents) while the negated
// ones forbid intents: a needed atom whose intents are all forbidden
// cannot hold (`access in ["read", "write"] and access != "read" and
// access != "write"`).
std::optional<Contradiction> access_contradiction(std::span<const Atom> atoms,
                                                  const Term &term) {
  std::vector<std::string> forbidden;
  for (Literal l : term)
    if (l.negated && is_access(atoms[l.atom]))
      forbidden.insert(forbidden.end(), atoms[l.atom].values.begin(),
                       atoms[l.atom].values.end());
  std::sort(forbidden.begin(), forbidden.end());
  for (Literal l : term) {
    const Atom &a = atoms[l.atom];
    if (!l.negated && is_access(a) &&
        std::includes(forbidden.begin(), forbidden.end(), a.values.begin(),
                      a.values.end()))
      return Contradiction{l, std::nullopt};
  }
  return std::nullopt;
}

// The values of a value field the term's literals of it leave: those of
// every positive atom minus those of every negated one. A term that needs
// `port in [1..10]`, `port != 1..5` and `port not in [6..10]` cannot hold.
std::optional<Contradiction> value_contradiction(std::span<const Atom> atoms,
                                                 const Term &term) {
  for (Literal first : term) {
    const Atom &a = atoms[first.atom];
    if (first.negated || !is_value(a))
      continue;
    // Only the first positive literal of each field starts a check.
    bool earlier = false;
    for (Literal l : term) {
      if (l == first)
        break;
      earlier = earlier || (!l.negated && atoms[l.atom].field == a.field);
    }
    if (earlier)
      continue;
    std::vector<ValueKey> scratch, left = keys_of(a, scratch), removed;
    for (Literal l : term) {
      const Atom &b = atoms[l.atom];
      if (l == first || b.field != a.field)
        continue;
      const auto &keys = keys_of(b, scratch);
      if (l.negated)
        removed.insert(removed.end(), keys.begin(), keys.end());
      else
        left = intersect(left, keys);
    }
    const uint32_t width = value_width(a.field);
    if (std::all_of(left.begin(), left.end(), [&](const ValueKey &k) {
          return union_covers(removed, k, width);
        }))
      return Contradiction{first, std::nullopt};
  }
  return std::nullopt;
}

} // namespace

std::optional<Contradiction> contradiction(std::span<const Atom> atoms,
                                           const Term &term) {
  for (size_t i = 0; i < term.size(); ++i)
    for (size_t j = i + 1; j < term.size(); ++j)
      if (implies(atoms, term[i], negate(term[j])))
        return Contradiction{term[i], term[j]};
  if (auto c = access_contradiction(atoms, term))
    return c;
  if (auto c = value_contradiction(atoms, term))
    return c;
  // An exact comparison names every value the field can take: if none of
  // them fits the rest of the term, the term cannot hold.
  for (Literal l : term) {
    const Atom &a = atoms[l.atom];
    if (l.negated || a.kind != MatchKind::Exact || is_access(a) || is_value(a))
      continue;
    if (std::none_of(
            a.values.begin(), a.values.end(),
            [&](const std::string &v) { return fits_rest(atoms, term, l, v); }))
      return Contradiction{l, std::nullopt};
  }
  return std::nullopt;
}

} // namespace palisade::engine
