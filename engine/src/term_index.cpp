#include "term_index.h"

#include <limits>

#include "implication.h"

namespace palisade::engine {
namespace {

// The positive literal a term is filed under: an exact one if any (it
// names the fewest paths), else the deepest subtree. nullopt: none.
std::optional<Literal> anchor_of(std::span<const Atom> atoms, const Term &t) {
  std::optional<Literal> best;
  auto rank = [&](Literal l) {
    const Atom &a = atoms[l.atom];
    return a.kind == MatchKind::Exact
               ? std::numeric_limits<size_t>::max() - a.values.size()
               : a.values.front().size();
  };
  for (Literal l : t)
    if (!l.negated && (!best || rank(l) > rank(*best)))
      best = l;
  return best;
}

// "/a/b" -> "/a", "/"; "/" has none, nor has a value that is no path
// (an access intent).
std::optional<std::string_view> parent_dir(std::string_view path) {
  if (path == "/" || !path.starts_with('/'))
    return std::nullopt;
  size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

} // namespace

void TermIndex::add(const Term &term, uint32_t owner) {
  uint32_t n = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{&term, owner});
  auto anchor = anchor_of(atoms_, term);
  if (!anchor) {
    unfiled_.push_back(n);
    return;
  }
  const Atom &a = atoms_[anchor->atom];
  for (const auto &v : a.values)
    buckets_[Key{a.field, a.kind, v}].push_back(n);
}

const TermIndex::Bucket *TermIndex::bucket(const Key &k) const {
  auto it = buckets_.find(k);
  return it == buckets_.end() ? nullptr : &it->second;
}

void TermIndex::scan(const Bucket &b, const Term &term, uint32_t &best) const {
  for (uint32_t n : b) {
    if (n >= best)
      return;
    if (term_implies(atoms_, term, *entries_[n].term)) {
      best = n;
      return;
    }
  }
}

std::optional<uint32_t> TermIndex::find_implied(const Term &term) const {
  uint32_t best = std::numeric_limits<uint32_t>::max();
  scan(unfiled_, term, best);
  // A filed term's anchor can only be implied by a positive literal of
  // `term` whose first value is one of the anchor's exact values, or lies
  // at or below one of its directories.
  for (Literal l : term) {
    const Atom &a = atoms_[l.atom];
    if (l.negated)
      continue;
    std::string_view v = a.values.front();
    if (a.kind == MatchKind::Exact) {
      if (auto *b = bucket(Key{a.field, MatchKind::Exact, v}))
        scan(*b, term, best);
    } else if (auto *b = bucket(Key{a.field, MatchKind::Under, v})) {
      scan(*b, term, best);
    }
    for (auto dir = parent_dir(v); dir; dir = parent_dir(*dir))
      if (auto *b = bucket(Key{a.field, MatchKind::Under, *dir}))
        scan(*b, term, best);
  }
  if (best == std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  return entries_[best].owner;
}

} // namespace palisade::engine
