// MapEntries: one map's entries as two flat buffers, each entry a view.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include <palisade/abi.h>

#include "palisade/engine/compile.h"

namespace palisade::engine {
namespace {

uint32_t key_at(const MapEntries &m, size_t i) {
  uint32_t k;
  std::memcpy(&k, m[i].key.data(), sizeof k);
  return k;
}

pal_cand value_at(const MapEntries &m, size_t i) {
  pal_cand v;
  std::memcpy(&v, m[i].value.data(), sizeof v);
  return v;
}

TEST(MapEntries, TheFirstEntrySetsTheSizesOthersMustMatch) {
  MapEntries m;
  EXPECT_TRUE(m.empty());
  m.add(uint32_t{7}, pal_cand{1, 2});
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.key_size(), sizeof(uint32_t));
  EXPECT_EQ(m.value_size(), sizeof(pal_cand));
  // The kernel map has one key and one value size: an entry of another
  // size would be refused there, so it is refused here.
  EXPECT_THROW(m.add(uint64_t{7}, pal_cand{1, 2}), std::invalid_argument);
  EXPECT_THROW(m.add(uint32_t{8}, uint32_t{1}), std::invalid_argument);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_THROW(m.at(1), std::out_of_range);
}

TEST(MapEntries, KeysAndValuesLieBackToBackAsABatchUpdateTakesThem) {
  MapEntries m;
  m.add(uint32_t{1}, pal_cand{10, 11});
  m.add(uint32_t{2}, pal_cand{20, 21});
  ASSERT_EQ(m.keys().size(), 2 * sizeof(uint32_t));
  ASSERT_EQ(m.values().size(), 2 * sizeof(pal_cand));
  uint32_t keys[2];
  std::memcpy(keys, m.keys().data(), sizeof keys);
  EXPECT_EQ(keys[1], 2u);
  pal_cand values[2];
  std::memcpy(values, m.values().data(), sizeof values);
  EXPECT_EQ(values[1].term, 21u);
}

TEST(MapEntries, AnEntryIsAViewWritesReachTheMap) {
  MapEntries m;
  m.add(uint32_t{1}, pal_cand{10, 11});
  for (auto e : m)
    e.value[0] = 99; // pal_cand.rule's low byte
  EXPECT_EQ(value_at(m, 0).rule, 99u);
}

TEST(MapEntries, SortingOrdersByKeyBytesAndMovesTheValuesAlong) {
  // Little-endian keys: byte order is not numeric order (256 is 00 01,
  // 1 is 01 00).
  const std::vector<uint32_t> keys = {2, 256, 1, 0x01000000, 513, 0};
  MapEntries m;
  for (uint32_t k : keys)
    m.add(k, pal_cand{k, k + 1});
  m.sort_by_key();
  ASSERT_EQ(m.size(), keys.size());
  for (size_t i = 1; i < m.size(); ++i)
    EXPECT_LT(std::memcmp(m[i - 1].key.data(), m[i].key.data(), 4), 0)
        << "entries " << i - 1 << " and " << i;
  EXPECT_EQ(key_at(m, 0), 0u);
  EXPECT_EQ(key_at(m, 1), 0x01000000u); // 00 00 00 01
  EXPECT_EQ(key_at(m, 2), 256u);        // 00 01 00 00
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(value_at(m, i).rule, key_at(m, i));
    EXPECT_EQ(value_at(m, i).term, key_at(m, i) + 1);
  }
}

TEST(MapEntries, SortingLongKeysComparesEveryByte) {
  // Keys that differ only in their last byte, and one only in its first.
  MapEntries m;
  pal_lpm_key k;
  std::memset(&k, 0, sizeof k);
  for (uint8_t last : {3, 1, 2}) {
    k.data[PAL_LPM_DATA - 1] = last;
    m.add(k, uint32_t{last});
  }
  k.data[PAL_LPM_DATA - 1] = 0;
  k.prefixlen = 1;
  m.add(k, uint32_t{9});
  m.sort_by_key();
  std::vector<uint32_t> order;
  for (auto e : m) {
    uint32_t v;
    std::memcpy(&v, e.value.data(), sizeof v);
    order.push_back(v);
  }
  EXPECT_EQ(order, (std::vector<uint32_t>{1, 2, 3, 9}));
}

} // namespace
} // namespace palisade::engine
