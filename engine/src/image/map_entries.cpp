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
    throw std::invalid_argument(
        "map entry of " + std::to_string(key_size) + "+" +
        std::to_string(value_size) + " bytes in a map of " +
        std::to_string(key_size_) + "+" + std::to_string(value_size_));
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
  // A radix sort of entry indexes, least significant key byte first (so
  // the result is memcmp order): a few passes over small arrays, where a
  // comparison sort calls memcmp n log n times. A byte every key shares
  // (a slot's high index bytes, padding) needs no pass.
  std::vector<uint32_t> order(n), next(n);
  for (size_t i = 0; i < n; ++i)
    order[i] = static_cast<uint32_t>(i);
  for (size_t b = ks; b-- > 0;) {
    size_t first[257] = {}; // of each byte value in `next`, from counts
    for (size_t i = 0; i < n; ++i)
      first[key(i)[b] + 1]++;
    if (first[key(0)[b] + 1] == n)
      continue;
    for (size_t v = 1; v < 257; ++v)
      first[v] += first[v - 1];
    for (uint32_t i : order)
      next[first[key(i)[b]]++] = i;
    order.swap(next);
  }
  // Entry order[i] belongs at i. Moved cycle by cycle through one spare
  // entry, so sorting never holds a second copy of the map.
  std::vector<uint8_t> spare(ks + vs);
  auto move = [&](uint8_t *kto, uint8_t *vto, const uint8_t *kfrom,
                  const uint8_t *vfrom) {
    std::memcpy(kto, kfrom, ks);
    std::memcpy(vto, vfrom, vs);
  };
  for (size_t start = 0; start < n; ++start) {
    if (order[start] == start)
      continue;
    move(spare.data(), spare.data() + ks, key(start),
         values_.data() + start * vs);
    size_t at = start;
    while (order[at] != start) {
      const size_t from = order[at];
      move(key(at), values_.data() + at * vs, key(from),
           values_.data() + from * vs);
      order[at] = static_cast<uint32_t>(at);
      at = from;
    }
    move(key(at), values_.data() + at * vs, spare.data(), spare.data() + ks);
    order[at] = static_cast<uint32_t>(at);
  }
}

} // namespace palisade::engine
