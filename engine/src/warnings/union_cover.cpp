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
#include <cstdint>
#include <limits>

#include "lower/term_index.h"
#include "lower/value_keys.h"
#include "warnings/implication.h"

namespace palisade::engine {
namespace {

template <class T> void sort_unique(std::vector<T> &v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// Every key of `want` lies in the union of `have`.
bool all_covered(const std::vector<ValueKey> &want,
                 const std::vector<ValueKey> &have, uint32_t width) {
  return std::all_of(want.begin(), want.end(), [&](const ValueKey &k) {
    return union_covers(have, k, width);
  });
}

} // namespace

int TermIndex::unimplied_by(Query &q, const Term &wide,
                            Literal &missing) const {
  ++compared_;
  int count = 0;
  for (Literal w : wide) {
    auto [it, fresh] = q.implied.try_emplace(uint64_t{w.atom} << 1 | w.negated);
    if (fresh)
      it->second = std::any_of(q.term.begin(), q.term.end(), [&](Literal n) {
        return implies(atoms_, n, w);
      });
    if (it->second)
      continue;
    missing = w;
    if (++count == 2)
      break;
  }
  return count;
}

std::optional<uint32_t>
TermIndex::scan_more(std::vector<const Bucket *> &buckets, Query &q,
                     std::vector<Piece> &pieces) const {
  sort_unique(buckets);
  std::optional<uint32_t> implied;
  for (const Bucket *b : buckets)
    for (uint32_t l = b->first; l != kNoLink && q.budget > 0 && !implied;
         l = links_[l].next, --q.budget) {
      const uint32_t n = links_[l].entry;
      Literal missing;
      const int count = unimplied_by(q, *entries_[n].term, missing);
      if (count == 0)
        implied = n;
      else if (count == 1 && !missing.negated)
        pieces.push_back(Piece{n, missing.atom});
    }
  sort_unique(pieces);
  return implied;
}

std::optional<uint32_t>
TermIndex::first_covering(const std::vector<const Bucket *> &buckets, Query &q,
                          const Atom &a, std::string_view v) const {
  for (const Bucket *b : buckets)
    for (uint32_t l = b->first; l != kNoLink && q.budget > 0;
         l = links_[l].next, --q.budget) {
      const uint32_t n = links_[l].entry;
      Literal missing;
      const int count = unimplied_by(q, *entries_[n].term, missing);
      if (count == 0 || (count == 1 && !missing.negated &&
                         atoms_[missing.atom].field == a.field &&
                         covers_value(atoms_[missing.atom], a.kind, v)))
        return n;
    }
  return std::nullopt;
}

std::optional<std::vector<uint32_t>>
TermIndex::cover_paths(const Term &term, const Atom &a,
                       std::vector<Piece> &pieces) const {
  if (a.kind != MatchKind::Exact && a.kind != MatchKind::Under)
    return std::nullopt;
  // The first entry (in filing order) with a piece that covers `v`.
  auto first_cover = [&](const std::vector<Piece> &from,
                         std::string_view v) -> std::optional<uint32_t> {
    for (const Piece &p : from)
      if (atoms_[p.atom].field == a.field &&
          covers_value(atoms_[p.atom], a.kind, v))
        return p.entry;
    return std::nullopt;
  };
  // The buckets of the first value are scanned: most terms stop here.
  auto first = first_cover(pieces, a.values.front());
  if (!first)
    return std::nullopt;
  std::vector<uint32_t> entries{*first};
  // Each other value by the first piece of its own buckets that covers
  // it, else by those already found (terms filed under another field's
  // value); the first value left uncovered ends the search. (A term that
  // `term` implies outright would have been found by its first value.)
  std::vector<const Bucket *> buckets;
  Query q{term};
  for (size_t i = 1; i < a.values.size(); ++i) {
    buckets.clear();
    path_buckets(a, a.values[i], buckets);
    auto e = first_covering(buckets, q, a, a.values[i]);
    if (!e)
      e = first_cover(pieces, a.values[i]);
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
  const std::vector<ValueKey> want = atom_keys(a, scratch);
  if (want.empty())
    return std::nullopt;
  const uint32_t width = value_width(a.field);
  // The keys of the pieces on this field that share a value with `key`.
  auto pool_for = [&](const ValueKey &key) {
    std::vector<ValueKey> pool, s;
    for (const Piece &p : pieces)
      if (atoms_[p.atom].field == a.field)
        for (const ValueKey &k : atom_keys(atoms_[p.atom], s))
          if (keys_overlap(k, key))
            pool.push_back(k);
    return pool;
  };

  // Key by key, with the filed keys at, above and inside it (those above
  // the first are scanned); the first key left uncovered ends the search.
  std::vector<const Bucket *> buckets;
  Query q{term};
  for (size_t i = 0; i < want.size(); ++i) {
    buckets.clear();
    if (i > 0)
      key_buckets(a.field, want[i], buckets);
    if (!inside_buckets(a.field, want[i], buckets))
      return std::nullopt;
    if (auto implied = scan_more(buckets, q, pieces))
      return std::vector<uint32_t>{*implied};
    if (!union_covers(pool_for(want[i]), want[i], width))
      return std::nullopt;
  }

  // The keys of each entry's pieces on this field that share a value with
  // `want`, by entry in filing order.
  std::vector<std::pair<uint32_t, std::vector<ValueKey>>> groups;
  for (const Piece &p : pieces) {
    if (atoms_[p.atom].field != a.field)
      continue;
    std::vector<ValueKey> s;
    for (const ValueKey &k : atom_keys(atoms_[p.atom], s))
      if (std::any_of(want.begin(), want.end(),
                      [&](const ValueKey &w) { return keys_overlap(k, w); })) {
        if (groups.empty() || groups.back().first != p.entry)
          groups.emplace_back(p.entry, std::vector<ValueKey>{});
        groups.back().second.push_back(k);
      }
  }
  if (groups.size() > kMaxUnion)
    return std::nullopt;
  auto covered_by = [&](const auto &chosen, size_t skip) {
    std::vector<ValueKey> pool;
    for (size_t j = 0; j < chosen.size(); ++j)
      if (j != skip)
        pool.insert(pool.end(), chosen[j].second.begin(),
                    chosen[j].second.end());
    return all_covered(want, pool, width);
  };
  // The earliest entries that cover, then without any that the others
  // make unnecessary: the hints name only rules that are needed.
  std::vector<std::pair<uint32_t, std::vector<ValueKey>>> chosen;
  for (auto &g : groups) {
    chosen.push_back(std::move(g));
    if (covered_by(chosen, SIZE_MAX))
      break;
  }
  for (size_t i = 0; chosen.size() > 1 && i < chosen.size();) {
    if (covered_by(chosen, i))
      chosen.erase(chosen.begin() + static_cast<ptrdiff_t>(i));
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
