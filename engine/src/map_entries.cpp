// MapEntries: one kernel map's entries as two flat byte arrays.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "palisade/engine/compile.h"

namespace palisade::engine {

MapEntry MapEntries::at(size_t i) {
  if (i >= size())
    throw std::out_of_range("map entry " + std::to_string(i));
  return (*this)[i];
}

ConstMapEntry MapEntries::at(size_t i) const {
  if (i >= size())
    throw std::out_of_range("map entry " + std::to_string(i));
  return (*this)[i];
}

void MapEntries::set_sizes(size_t key_size, size_t value_size) {
  if (empty() && key_size_ == 0) {
    key_size_ = key_size;
    value_size_ = value_size;
  }
  if (key_size == 0 || key_size != key_size_ || value_size != value_size_)
    throw std::invalid_argument("map entry of " + std::to_string(key_size) +
                                "+" + std::to_string(value_size) +
                                " bytes in a map of " +
                                std::to_string(key_size_) + "+" +
                                std::to_string(value_size_));
}

void MapEntries::push_back(std::span<const uint8_t> key,
                           std::span<const uint8_t> value) {
  set_sizes(key.size(), value.size());
  keys_.insert(keys_.end(), key.begin(), key.end());
  values_.insert(values_.end(), value.begin(), value.end());
}

void MapEntries::reserve(size_t n, size_t key_size, size_t value_size) {
  set_sizes(key_size, value_size);
  keys_.reserve(n * key_size);
  values_.reserve(n * value_size);
}

void MapEntries::sort_by_key() {
  const size_t n = size(), ks = key_size_, vs = value_size_;
  auto key = [&](size_t i) { return keys_.data() + i * ks; };
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i)
    sorted = std::memcmp(key(i - 1), key(i), ks) <= 0;
  if (sorted)
    return;
  // Sorted as (first 8 key bytes read big-endian, index): integer compares
  // order the 4- to 16-byte keys that are most of an image; only keys
  // that share those bytes compare the rest.
  struct Item {
    uint64_t head;
    uint32_t index;
  };
  std::vector<Item> items(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t head = 0;
    for (size_t b = 0; b < 8; ++b)
      head = head << 8 | (b < ks ? key(i)[b] : 0);
    items[i] = {head, static_cast<uint32_t>(i)};
  }
  std::sort(items.begin(), items.end(), [&](const Item &a, const Item &b) {
    if (a.head != b.head)
      return a.head < b.head;
    return ks > 8 && std::memcmp(key(a.index) + 8, key(b.index) + 8, ks - 8) < 0;
  });
  // Entry items[i].index belongs at i. Moved cycle by cycle through one
  // spare entry, so sorting never holds a second copy of the map.
  std::vector<uint8_t> spare(ks + vs);
  auto move = [&](uint8_t *kto, uint8_t *vto, const uint8_t *kfrom,
                  const uint8_t *vfrom) {
    std::memcpy(kto, kfrom, ks);
    std::memcpy(vto, vfrom, vs);
  };
  for (size_t start = 0; start < n; ++start) {
    if (items[start].index == start)
      continue;
    move(spare.data(), spare.data() + ks, key(start),
         values_.data() + start * vs);
    size_t at = start;
    while (items[at].index != start) {
      const size_t from = items[at].index;
      move(key(at), values_.data() + at * vs, key(from),
           values_.data() + from * vs);
      items[at].index = static_cast<uint32_t>(at);
      at = from;
    }
    move(key(at), values_.data() + at * vs, spare.data(), spare.data() + ks);
    items[at].index = static_cast<uint32_t>(at);
  }
}

} // namespace palisade::engine
