#include "lower/term_index.h"

#include <algorithm>
#include <limits>

#include <palisade/abi.h>

#include "lower/value_keys.h"
#include "warnings/implication.h"

namespace palisade::engine {
namespace {

static_assert(PAL_FIELDS < 16, "TermIndex::key_lengths_ has a set per field");

// Which of two literals that may anchor a term names fewer events: an
// exact one (the fewer values the better) before a subtree (the deeper
// the better). Breaks ties of TermIndex::crowding().
size_t narrowness(const Atom &a) {
  return a.kind == MatchKind::Exact
             ? std::numeric_limits<size_t>::max() - a.values.size()
             : a.values.front().size();
}

// "/a/b" -> "/a", "/"; "/" has none, nor has a value that is no path
// (an access intent).
std::optional<std::string_view> parent_dir(std::string_view path) {
  if (path == "/" || !path.starts_with('/'))
    return std::nullopt;
  size_t slash = path.rfind('/');
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

// A value key cut to its first `bits` bits, as bytes: the bit count,
// then the bytes that hold them (masked). Written into a buffer, so that a
// lookup allocates nothing.
struct KeyText {
  char bytes[17];
  size_t size = 0;
  KeyText(const ValueKey &k, uint32_t bits) {
    bytes[size++] = static_cast<char>(bits);
    for (uint32_t i = 0; 8 * i < bits; ++i) {
      uint32_t keep = std::min<uint32_t>(8, bits - 8 * i);
      uint8_t mask =
          keep == 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - keep));
      bytes[size++] = static_cast<char>(k.bytes[i] & mask);
    }
  }
  std::string_view view() const { return {bytes, size}; }
};

} // namespace

const std::vector<ValueKey> &atom_keys(const Atom &a,
                                       std::vector<ValueKey> &scratch) {
  if (!a.keys.empty())
    return a.keys;
  scratch = value_keys(a.field, a.values);
  return scratch;
}

size_t TermIndex::crowding(Literal l) const {
  const Atom &a = atoms_[l.atom];
  auto in = [&](const Key &k) {
    const Bucket *b = bucket(k);
    return size_t{1} + (b ? b->size : 0);
  };
  size_t cost = 0;
  if (is_value_field(a.field)) {
    std::vector<ValueKey> scratch;
    for (const auto &k : atom_keys(a, scratch))
      cost += in(Key{a.field, MatchKind::Under, KeyText(k, k.bits).view()});
  } else {
    for (const auto &v : a.values)
      cost += in(Key{a.field, a.kind, v});
  }
  return cost;
}

// Any positive exact or subtree literal would do: find_implied() reaches a
// term through whichever it is filed under. The least crowded one keeps
// the scans short: with 5,000 rules `path under "/data/<n>" and binary in
// readers` (200 binaries), filing each under its binaries put every rule
// in the same 200 buckets, and `check` spent 1 s comparing each rule with
// all earlier ones.
std::optional<Literal> TermIndex::anchor_for(const Term &term) const {
  std::optional<Literal> best;
  size_t best_cost = 0;
  for (Literal l : term) {
    const Atom &a = atoms_[l.atom];
    if (l.negated || (a.kind != MatchKind::Exact && a.kind != MatchKind::Under))
      continue; // a prefix, suffix or pattern is never looked up
    const size_t cost = crowding(l);
    if (!best || cost < best_cost ||
        (cost == best_cost && narrowness(a) > narrowness(atoms_[best->atom]))) {
      best = l;
      best_cost = cost;
    }
  }
  return best;
}

void TermIndex::add(const Term &term, uint32_t owner) {
  uint32_t n = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{&term, owner});
  auto anchor = anchor_for(term);
  if (!anchor) {
    file(unfiled_, n);
    return;
  }
  const Atom &a = atoms_[anchor->atom];
  if (is_value_field(a.field)) {
    // A value atom implies this one when each of its keys lies within
    // one of these: filed under each key, found by the query's prefixes.
    std::vector<ValueKey> scratch;
    for (const auto &k : atom_keys(a, scratch)) {
      key_texts_.emplace_back(KeyText(k, k.bits).view());
      key_lengths_[a.field].set(k.bits);
      Bucket &b = buckets_[Key{a.field, MatchKind::Under, key_texts_.back()}];
      file(b, n);
      by_key_.emplace(std::pair{a.field, k}, &b);
    }
    return;
  }
  for (const auto &v : a.values)
    file(buckets_[Key{a.field, a.kind, v}], n);
}

void TermIndex::file(Bucket &b, uint32_t n) {
  if (b.last != kNoLink && links_[b.last].entry == n)
    return;
  ++b.size;
  const uint32_t link = static_cast<uint32_t>(links_.size());
  links_.push_back(Link{n, kNoLink});
  if (b.last == kNoLink)
    b.first = link;
  else
    links_[b.last].next = link;
  b.last = link;
}

const TermIndex::Bucket *TermIndex::bucket(const Key &k) const {
  auto it = buckets_.find(k);
  return it == buckets_.end() ? nullptr : &it->second;
}

void TermIndex::scan(const Bucket &b, const Term &term, uint32_t &best,
                     std::vector<Piece> *pieces) const {
  for (uint32_t l = b.first; l != kNoLink; l = links_[l].next) {
    const uint32_t n = links_[l].entry;
    if (n >= best)
      return;
    ++compared_;
    if (!pieces) {
      if (term_implies(atoms_, term, *entries_[n].term)) {
        best = n;
        return;
      }
      continue;
    }
    Literal missing;
    const int count = unimplied(atoms_, term, *entries_[n].term, missing);
    if (count == 0) {
      best = n;
      return;
    }
    if (count == 1 && !missing.negated)
      pieces->push_back(Piece{n, missing.atom});
  }
}

void TermIndex::path_buckets(const Atom &a, std::string_view v,
                             std::vector<const Bucket *> &out) const {
  if (auto *b = bucket(Key{
          a.field,
          a.kind == MatchKind::Exact ? MatchKind::Exact : MatchKind::Under, v}))
    out.push_back(b);
  for (auto dir = parent_dir(v); dir; dir = parent_dir(*dir))
    if (auto *b = bucket(Key{a.field, MatchKind::Under, *dir}))
      out.push_back(b);
}

void TermIndex::key_buckets(uint8_t field, const ValueKey &k,
                            std::vector<const Bucket *> &out) const {
  // Only the lengths some filed key of the field has.
  const auto &lengths = key_lengths_[field];
  for (uint32_t bits = 0; bits <= k.bits; ++bits)
    if (lengths.test(bits))
      if (auto *b =
              bucket(Key{field, MatchKind::Under, KeyText(k, bits).view()}))
        out.push_back(b);
}

bool TermIndex::inside_buckets(uint8_t field, const ValueKey &k,
                               std::vector<const Bucket *> &out) const {
  // Keys sort by their bytes, then length: those inside `k` follow it
  // without a gap (any shorter key with the same bytes is above it).
  size_t seen = 0;
  for (auto it = by_key_.upper_bound({field, k});
       it != by_key_.end() && it->first.first == field &&
       key_covers(k, it->first.second);
       ++it) {
    if (++seen > kMaxInside)
      return false;
    out.push_back(it->second);
  }
  return true;
}

void TermIndex::scan_first_values(const Term &term, uint32_t &best,
                                  std::vector<Piece> *pieces) const {
  scan(unfiled_, term, best, pieces);
  // A filed term's anchor can only be implied by a positive literal of
  // `term` whose first value is one of the anchor's exact values, or lies
  // at or below one of its directories.
  std::vector<const Bucket *> buckets;
  for (Literal l : term) {
    const Atom &a = atoms_[l.atom];
    if (l.negated)
      continue;
    buckets.clear();
    if (is_value_field(a.field)) {
      // Every key of `l` must lie within the anchor's values: look up
      // every prefix of its first key. An anchor that covers that key
      // only with several smaller keys together (`port in [0..99,
      // 100..199]` over `port in [64..127]`) is found by cover_by_union.
      std::vector<ValueKey> scratch;
      const auto &keys = atom_keys(a, scratch);
      if (!keys.empty())
        key_buckets(a.field, keys.front(), buckets);
    } else {
      path_buckets(a, a.values.front(), buckets);
    }
    for (const Bucket *b : buckets)
      scan(*b, term, best, pieces);
  }
}

std::optional<uint32_t> TermIndex::find_implied(const Term &term) const {
  uint32_t best = std::numeric_limits<uint32_t>::max();
  scan_first_values(term, best, nullptr);
  if (best == std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  return entries_[best].owner;
}

std::optional<std::vector<uint32_t>>
TermIndex::find_covering(const Term &term) const {
  uint32_t best = std::numeric_limits<uint32_t>::max();
  std::vector<Piece> pieces;
  scan_first_values(term, best, &pieces);
  if (best != std::numeric_limits<uint32_t>::max())
    return std::vector<uint32_t>{entries_[best].owner};
  return cover_by_union(term, std::move(pieces));
}

} // namespace palisade::engine
