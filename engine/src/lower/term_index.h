// Finds, among many DNF terms, one that a given term implies, or several
// that together cover it, without comparing it with every term: a term
// with a positive comparison is filed under that comparison's values, and
// only terms filed under a value the query's own positive comparisons can
// reach are compared. Keeps the shadowing warning linear in practice on
// policies of 100k rules.
#pragma once

#include <array>
#include <bitset>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir.h"

namespace palisade::engine {

// A value atom's keys: normalize fills them; for a hand-built atom they
// are made in `scratch`.
const std::vector<ValueKey> &atom_keys(const Atom &a,
                                       std::vector<ValueKey> &scratch);

class TermIndex {
public:
  // `atoms` must outlive the index.
  explicit TermIndex(std::span<const Atom> atoms) : atoms_(atoms) {}

  // Files `term` (which must outlive the index) with an owner number.
  void add(const Term &term, uint32_t owner);

  // The owner of the first-added term that `term` implies (term_implies).
  std::optional<uint32_t> find_implied(const Term &term) const;

  // Owners of filed terms one of which holds whenever `term` does: the
  // owner of the first-added term it implies, else the owners of terms
  // that cover it together on one field (union_cover.cpp), in the order
  // they were added; nullopt when neither is found.
  std::optional<std::vector<uint32_t>> find_covering(const Term &term) const;

  // How many filed terms the queries so far compared with `term`: what
  // keeps the warnings linear, for tests.
  size_t terms_compared() const { return compared_; }

private:
  struct Entry {
    const Term *term;
    uint32_t owner;
  };
  // Entry `entry` holds whenever the query holds and the value of the
  // atom's field satisfies the atom: the atom is the one literal of the
  // entry's term the query does not imply (and it is positive).
  struct Piece {
    uint32_t entry;
    AtomId atom;
    auto operator<=>(const Piece &) const = default;
  };
  // Entry numbers, ascending, as a chain through links_: filing a term
  // under a value allocates nothing but the link.
  static constexpr uint32_t kNoLink = UINT32_MAX;
  struct Link {
    uint32_t entry;
    uint32_t next; // kNoLink: the bucket's last
  };
  struct Bucket {
    uint32_t first = kNoLink, last = kNoLink;
    uint32_t size = 0; // entries filed
  };
  // A value of an atom, or a directory above one: views into the atoms, so
  // neither filing nor looking up allocates.
  struct Key {
    uint8_t field;
    MatchKind kind;
    std::string_view value;
    bool operator==(const Key &) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key &k) const {
      return std::hash<std::string_view>{}(k.value) * 31 + k.field * 2 +
             static_cast<size_t>(k.kind);
    }
  };

  // The bucket of `key`, or nullptr.
  const Bucket *bucket(const Key &key) const;
  // Lowers `best` to the first entry of `b` below it that `term` implies;
  // with `pieces`, adds the Piece of every entry scanned that misses
  // only one positive literal.
  void scan(const Bucket &b, const Term &term, uint32_t &best,
            std::vector<Piece> *pieces = nullptr) const;
  // The positive literal `term` is filed under (nullopt: none can be).
  std::optional<Literal> anchor_for(const Term &term) const;
  // What filing under `l` costs the queries to come: a link per value
  // (key) and the entries already in those buckets, which every query that
  // reaches them scans.
  size_t crowding(Literal l) const;
  // Scans the buckets find_implied() looks in: the unfiled terms, and
  // those filed under what the first value of a positive literal of
  // `term` can reach.
  void scan_first_values(const Term &term, uint32_t &best,
                         std::vector<Piece> *pieces) const;
  // Appends the buckets of the terms whose anchor may hold for value `v`
  // of path (or access) atom `a`: `v` itself and the directories above.
  void path_buckets(const Atom &a, std::string_view v,
                    std::vector<const Bucket *> &out) const;
  // Appends the buckets of the value keys at or above `k` (prefixes).
  void key_buckets(uint8_t field, const ValueKey &k,
                   std::vector<const Bucket *> &out) const;
  // Appends the buckets of the filed value keys strictly inside `k`;
  // false when there are more than kMaxInside (then the caller gives up:
  // a missed warning, never a wrong one).
  bool inside_buckets(uint8_t field, const ValueKey &k,
                      std::vector<const Bucket *> &out) const;
  // union_cover.cpp: the owners of pieces that together cover `term` on
  // the field of one of its positive literals (`pieces`: those of the
  // buckets scan_first_values() scanned).
  std::optional<std::vector<uint32_t>>
  cover_by_union(const Term &term, std::vector<Piece> pieces) const;
  // The entries whose pieces cover literal `a` of `term` (a path or
  // access atom of exact values or directories; a value atom), or the
  // one entry `term` implies outright, found in the buckets its values
  // reach beyond those already scanned.
  std::optional<std::vector<uint32_t>>
  cover_paths(const Term &term, const Atom &a,
              std::vector<Piece> &pieces) const;
  std::optional<std::vector<uint32_t>>
  cover_values(const Term &term, const Atom &a,
               std::vector<Piece> &pieces) const;
  // One union search for one comparison of a query: what looking at more
  // filed terms may still cost, and which literals the query implies,
  // asked once each (filed terms share interned atoms).
  struct Query {
    const Term &term;
    size_t budget = kMaxUnionScan;
    std::unordered_map<uint64_t, bool> implied;
  };
  // unimplied() of the query and `wide`, through the query's memo.
  int unimplied_by(Query &q, const Term &wide, Literal &missing) const;
  // The first entry of `buckets` that holds whenever the query does and
  // value `v` of its path (or access) atom `a` is the field's.
  std::optional<uint32_t>
  first_covering(const std::vector<const Bucket *> &buckets, Query &q,
                 const Atom &a, std::string_view v) const;
  // Scans `buckets` (each once) for more pieces; the entry the query
  // implies outright, if one is there.
  std::optional<uint32_t> scan_more(std::vector<const Bucket *> &buckets,
                                    Query &q, std::vector<Piece> &pieces) const;
  // Appends entry `n` to `b` unless it is already the last one there.
  void file(Bucket &b, uint32_t n);

  // Bounds on the union search, so that one query costs at most a few
  // thousand comparisons beyond find_implied()'s: the filed keys inside
  // one key that are looked at; the terms whose values one union may
  // take; the filed terms one comparison's values may look at
  // (Query::budget: each spends one; when none is left the search ends
  // with what it has found: a missed warning, never a wrong one).
  static constexpr size_t kMaxInside = 256;
  static constexpr size_t kMaxUnion = 64;
  static constexpr size_t kMaxUnionScan = 1024;

  std::span<const Atom> atoms_;
  std::vector<Entry> entries_;
  std::unordered_map<Key, Bucket, KeyHash> buckets_;
  std::vector<Link> links_;
  // A value field's anchor is filed under each of its key prefixes (as
  // MatchKind::Under, the bytes of a KeyText); the texts live here.
  std::deque<std::string> key_texts_;
  // The same buckets by field and key, in key order, so that the keys
  // inside a key are one range (a bucket's address never changes).
  std::map<std::pair<uint8_t, ValueKey>, const Bucket *> by_key_;
  // By field: the lengths of its filed keys (a lookup tries only those).
  std::array<std::bitset<129>, 16> key_lengths_;
  Bucket unfiled_; // terms without a positive comparison
  mutable size_t compared_ = 0;
};

} // namespace palisade::engine
