// The plain data compile() produces for the kernel: per map, its entries'
// key and value bytes (abi.h structs), in the layout a batch update takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace palisade::engine {

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

} // namespace palisade::engine
