// Shadowing by a union (docs/language.md, "Never decides (shadowed)"):
// a term is covered by several filed terms together when, on one field F,
// each of them is "a positive comparison on F" plus comparisons the term
// implies (a Piece), and the values of one of the term's own positive
// comparisons on F all lie in the union of the pieces' values. Whenever
// the term holds, F has one of those values, so one of those terms holds.
//
// Paths and access intents are covered value by value (an exact path by a
// piece it satisfies, a directory by a piece that holds for all below
// it); numbers and addresses as key sets (union_covers: ranges that touch
// or overlap, CIDRs, IPv4 inside IPv4-mapped IPv6 are all prefixes of one
// key space). Comparisons by startswith, endswith and matches in the term
// are not covered this way (their values name infinitely many paths).
#include <algorithm>
#include <limits>

#include "implication.h"
#include "term_index.h"
#include "value_keys.h"

namespace palisade::engine {
namespace {

template <class T> void sort_unique(std::vector<T> &v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

const std::vector<ValueKey> &keys_of(const Atom &a,
                                     std::vector<ValueKey> &scratch) {
  if (!a.keys.empty())
    return a.keys;
  scratch = value_keys(a.field, a.values);
  return scratch;
}

// Every key of `want` lies in the union of `have`.
bool all_covered(const std::vector<ValueKey> &want,
                 const std::vector<ValueKey> &have, uint32_t width) {
  return std::all_of(want.begin(), want.end(), [&](const ValueKey &k) {
    return union_covers(have, k, width);
  });
}

} // namespace

std::optional<uint32_t>
TermIndex::scan_more(std::vector<const Bucket *> &buckets, const Term &term,
                     std::vector<Piece> &pieces) const {
  sort_unique(buckets);
  uint32_t best = std::numeric_limits<uint32_t>::max();
  for (const Bucket *b : buckets)
    scan(*b, term, best, &pieces);
  sort_unique(pieces);
  if (best == std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  return best;
}

std::optional<std::vector<uint32_t>>
TermIndex::cover_paths(const Term &term, const Atom &a,
                       std::vector<Piece> &pieces) const {
  if (a.kind != MatchKind::Exact && a.kind != MatchKind::Under)
    return std::nullopt;
  // The first entry (in filing order) with a piece that covers `v`.
  auto first_cover = [&](std::string_view v) -> std::optional<uint32_t> {
    for (const Piece &p : pieces)
      if (atoms_[p.atom].field == a.field &&
          covers_value(atoms_[p.atom], a.kind, v))
        return p.entry;
    return std::nullopt;
  };
  // The buckets of the first value are scanned: most terms stop here.
  if (!first_cover(a.values.front()))
    return std::nullopt;
  std::vector<const Bucket *> buckets;
  for (size_t i = 1; i < a.values.size(); ++i)
    path_buckets(a, a.values[i], buckets);
  if (auto implied = scan_more(buckets, term, pieces))
    return std::vector<uint32_t>{*implied};
  std::vector<uint32_t> entries;
  for (const std::string &v : a.values) {
    auto e = first_cover(v);
    if (!e)
      return std::nullopt;
    entries.push_back(*e);
  }
  sort_unique(entries);
  return entries;
}

std::optional<std::vector<uint32_t>>
TermIndex::cover_values(const Term &term, const Atom &a,
                        std::vector<Piece> &pieces) const {
  std::vector<ValueKey> scratch;
  const std::vector<ValueKey> want = keys_of(a, scratch);
  if (want.empty())
    return std::nullopt;
  const uint32_t width = value_width(a.field);
  // The keys of the pieces of each entry on this field that share a
  // value with `want`, by entry in filing order.
  auto by_entry = [&] {
    std::vector<std::pair<uint32_t, std::vector<ValueKey>>> out;
    for (const Piece &p : pieces) {
      const Atom &b = atoms_[p.atom];
      if (b.field != a.field)
        continue;
      std::vector<ValueKey> s;
      for (const ValueKey &k : keys_of(b, s))
        if (std::any_of(want.begin(), want.end(), [&](const ValueKey &w) {
              return keys_overlap(k, w);
            })) {
          if (out.empty() || out.back().first != p.entry)
            out.emplace_back(p.entry, std::vector<ValueKey>{});
          out.back().second.push_back(k);
        }
    }
    return out;
  };
  auto pool_of = [](const auto &groups) {
    std::vector<ValueKey> pool;
    for (const auto &g : groups)
      pool.insert(pool.end(), g.second.begin(), g.second.end());
    return pool;
  };

  // The first key, with the filed keys inside it: most terms stop here.
  std::vector<const Bucket *> buckets;
  if (!inside_buckets(a.field, want.front(), buckets))
    return std::nullopt;
  if (auto implied = scan_more(buckets, term, pieces))
    return std::vector<uint32_t>{*implied};
  if (!union_covers(pool_of(by_entry()), want.front(), width))
    return std::nullopt;
  buckets.clear();
  for (size_t i = 1; i < want.size(); ++i) {
    key_buckets(a.field, want[i], buckets);
    if (!inside_buckets(a.field, want[i], buckets))
      return std::nullopt;
  }
  if (auto implied = scan_more(buckets, term, pieces))
    return std::vector<uint32_t>{*implied};

  auto groups = by_entry();
  if (groups.size() > kMaxUnion || !all_covered(want, pool_of(groups), width))
    return std::nullopt;
  // The earliest entries that cover, then without any that the others
  // make unnecessary: the hints name only rules that are needed.
  std::vector<std::pair<uint32_t, std::vector<ValueKey>>> chosen;
  for (auto &g : groups) {
    chosen.push_back(std::move(g));
    if (all_covered(want, pool_of(chosen), width))
      break;
  }
  for (size_t i = 0; i < chosen.size();) {
    auto rest = chosen;
    rest.erase(rest.begin() + static_cast<ptrdiff_t>(i));
    if (!rest.empty() && all_covered(want, pool_of(rest), width))
      chosen = std::move(rest);
    else
      ++i;
  }
  std::vector<uint32_t> entries;
  for (const auto &g : chosen)
    entries.push_back(g.first);
  return entries;
}

std::optional<std::vector<uint32_t>>
TermIndex::cover_by_union(const Term &term, std::vector<Piece> pieces) const {
  if (pieces.empty() && by_key_.empty())
    return std::nullopt; // nothing to cover with (inside keys: none filed)
  sort_unique(pieces);
  for (Literal l : term) {
    if (l.negated)
      continue;
    const Atom &a = atoms_[l.atom];
    auto entries = is_value_field(a.field) ? cover_values(term, a, pieces)
                                           : cover_paths(term, a, pieces);
    if (!entries)
      continue;
    std::vector<uint32_t> owners;
    for (uint32_t e : *entries)
      if (std::find(owners.begin(), owners.end(), entries_[e].owner) ==
          owners.end())
        owners.push_back(entries_[e].owner);
    return owners;
  }
  return std::nullopt;
}

} // namespace palisade::engine
