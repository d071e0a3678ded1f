// Finds, among many DNF terms, one that a given term implies, without
// comparing it with every term: a term with a positive comparison is filed
// under that comparison's values, and only terms filed under a value the
// query's own positive comparisons can reach are compared. Keeps the
// shadowing warning linear in practice on policies of 100k rules.
#pragma once

#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir.h"

namespace palisade::engine {

class TermIndex {
public:
  // `atoms` must outlive the index.
  explicit TermIndex(std::span<const Atom> atoms) : atoms_(atoms) {}

  // Files `term` (which must outlive the index) with an owner number.
  void add(const Term &term, uint32_t owner);

  // The owner of the first-added term that `term` implies (term_implies).
  std::optional<uint32_t> find_implied(const Term &term) const;

private:
  struct Entry {
    const Term *term;
    uint32_t owner;
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
  // Lowers `best` to the first entry of `b` below it that `term` implies.
  void scan(const Bucket &b, const Term &term, uint32_t &best) const;
  // Appends entry `n` to `b` unless it is already the last one there.
  void file(Bucket &b, uint32_t n);

  std::span<const Atom> atoms_;
  std::vector<Entry> entries_;
  std::unordered_map<Key, Bucket, KeyHash> buckets_;
  std::vector<Link> links_;
  // A value field's anchor is filed under each of its key prefixes (as
  // MatchKind::Under, the bytes of key_text()); the texts live here.
  std::deque<std::string> key_texts_;
  Bucket unfiled_; // terms without a positive comparison
};

} // namespace palisade::engine
