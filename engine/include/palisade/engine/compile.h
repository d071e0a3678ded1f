// The engine: AST in, plain-data map image out. Pure: no libbpf, no files,
// no kernel. See docs/abi.md for the map layout it produces.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "palisade/abi.h"
#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::engine {

// What the running kernel can enforce, filled from enforce's feature probe
// and passed in so the engine never touches the kernel itself. compile()
// refuses, at the rule, every rule whose event this kernel cannot enforce
// (docs/mechanisms.md): a rule nothing enforces must not look active.
struct TargetCaps {
  // false: no kernel in view (check, explain, compile); every rule compiles.
  bool known = false;
  // PAL_MECH_* per PAL_HOOK_*; PAL_MECH_NONE: nothing enforces that hook.
  std::array<uint32_t, PAL_HOOKS> mechanism{};
  // Why each hook got its mechanism (the probe's evidence), quoted by the
  // error at a rule that cannot be enforced.
  std::array<std::string, PAL_HOOKS> why;
};

// One entry of a map: its key and value bytes, viewed in the map's storage
// (valid until the map is changed in size or sorted).
template <typename Byte> struct BasicMapEntry {
  std::span<Byte> key;
  std::span<Byte> value;
};
using MapEntry = BasicMapEntry<uint8_t>;
using ConstMapEntry = BasicMapEntry<const uint8_t>;

// The entries of one kernel map. A kernel map has one key size and one
// value size, so the keys are stored back to back in one buffer and the
// values in another (the layout a batch update takes), not in two heap
// buffers per entry: a 10k-rule image has ~94k entries.
class MapEntries {
public:
  size_t size() const { return key_size_ ? keys_.size() / key_size_ : 0; }
  bool empty() const { return keys_.empty(); }
  size_t key_size() const { return key_size_; }
  size_t value_size() const { return value_size_; }

  MapEntry operator[](size_t i) { return entry<uint8_t>(keys_, values_, i); }
  ConstMapEntry operator[](size_t i) const {
    return entry<const uint8_t>(keys_, values_, i);
  }
  // Throw std::out_of_range past the last entry.
  MapEntry at(size_t i);
  ConstMapEntry at(size_t i) const;

  // Appends one entry. The first entry of an empty map sets its sizes; an
  // entry of other sizes throws std::invalid_argument.
  void push_back(std::span<const uint8_t> key, std::span<const uint8_t> value);
  // Appends the raw bytes of two abi.h structs (zero-initialised: padding
  // is part of what the kernel stores).
  template <typename K, typename V> void add(const K &key, const V &value) {
    push_back({reinterpret_cast<const uint8_t *>(&key), sizeof key},
              {reinterpret_cast<const uint8_t *>(&value), sizeof value});
  }
  // Room for `n` entries of these sizes, so that adding them allocates
  // once; sets the sizes of an empty map.
  void reserve(size_t n, size_t key_size, size_t value_size);
  void clear() { keys_.clear(), values_.clear(); }
  // Orders the entries by their key bytes (memcmp order).
  void sort_by_key();

  // Every key (value), back to back, in entry order.
  std::span<const uint8_t> keys() const { return keys_; }
  std::span<const uint8_t> values() const { return values_; }

  // Yields entries by value: an entry is a view, not an object in the map.
  template <typename Byte, typename Map> class Iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = BasicMapEntry<Byte>;
    using reference = value_type;
    using pointer = void;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    Iterator(Map *map, size_t i) : map_(map), i_(i) {}
    value_type operator*() const { return (*map_)[i_]; }
    Iterator &operator++() { return ++i_, *this; }
    Iterator operator++(int) { return Iterator(map_, i_++); }
    bool operator==(const Iterator &o) const { return i_ == o.i_; }

  private:
    Map *map_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iterator<uint8_t, MapEntries>;
  using const_iterator = Iterator<const uint8_t, const MapEntries>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size()}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

private:
  template <typename Byte, typename Buffer>
  BasicMapEntry<Byte> entry(Buffer &keys, Buffer &values, size_t i) const {
    return {{keys.data() + i * key_size_, key_size_},
            {values.data() + i * value_size_, value_size_}};
  }
  void set_sizes(size_t key_size, size_t value_size);

  size_t key_size_ = 0, value_size_ = 0;
  std::vector<uint8_t> keys_, values_;
};

// Map name -> entries sorted by key bytes. Everything the loader writes for
// one slot. Deterministic: the same input gives the same bytes.
struct MapImage {
  uint32_t slot = 0;
  std::map<std::string, MapEntries> maps;
};

struct PolicyInfo {
  std::string name;
  dsl::Mode mode = dsl::Mode::Enforce;
  uint32_t index = 0; // pal_rule.policy / index into the "policies" map
  dsl::SourceLocation loc;
};

// What userspace needs to turn a kernel rule_id back into words.
struct RuleInfo {
  uint32_t rule_id = 0;
  uint32_t policy_index = 0;
  dsl::Action action = dsl::Action::Deny;
  std::string event;
  std::string message;      // the rule's message, may be empty
  std::string label;        // the rule's label (`no-nc:`), may be empty
  dsl::SourceLocation loc;  // of the rule
  std::string source_text;  // the rule's source line(s), trimmed
};

struct CompiledPolicy {
  MapImage image;
  uint32_t n_rules = 0; // pal_slot.n_rules
  std::vector<PolicyInfo> policies;
  std::vector<RuleInfo> rules; // indexed by rule_id
  // The files the locations above point into (a location does not own its
  // file): whoever copies `policies` or `rules` keeps these with them.
  std::vector<std::shared_ptr<const dsl::SourceFile>> sources;
};

// Compiles every policy of every file into one image for `slot`. Returns
// nullopt when any error was reported to `diags` (warnings do not fail).
std::optional<CompiledPolicy> compile(const std::vector<dsl::PolicyFile> &files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags);

// The same for a caller done with the syntax trees (enforcectl): each
// file's AST is freed as soon as it is resolved, so the later passes reuse
// its heap instead of touching fresh pages (about 9 MB for 10k rules, the
// larger part of a cold compile on a VM). The source texts live on in the
// result's `sources`.
std::optional<CompiledPolicy> compile(std::vector<dsl::PolicyFile> &&files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags);

// Canonical JSON of an image, decoded through abi.h into named fields.
// Used for golden tests and `enforcectl compile --json`.
std::string to_canonical_json(const CompiledPolicy &compiled);

} // namespace palisade::engine
