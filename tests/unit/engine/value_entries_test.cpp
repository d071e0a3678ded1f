// Where value entries are stored (ABI 5): a whole value (one port, one
// address, a protocol, an id, an access mask) is an entry of the "values"
// hash, a shorter prefix (a range's block, a CIDR) one of the "atoms"
// trie; the entry ids and prefix closures are those the trie alone gave.
// The canonical JSON refuses a whole value in the trie and stray bytes in
// a "values" key; the reference evaluator finds both kinds.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "canonical_entries.h"
#include "compile_text.h"
#include "image/image_decode.h"
#include "lower/lower.h"
#include "palisade/engine/evaluate.h"
#include "passes.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using nlohmann::json;
using test::compile_text;
using test::connect_to;
using test::entries_of;

constexpr const char *kPolicy = R"(policy "p" mode enforce {
    deny connect when port == 22
    audit connect when port < 1024
    allow connect when address == "10.1.2.3"
    deny connect when address in ["10.0.0.0/8"] and protocol == "tcp"
    kill connect when uid == 1000 and family == "ipv6"
  })";

pal_value_key value_key_at(const MapImage &image, size_t i) {
  pal_value_key k;
  std::memcpy(&k, image.maps.at("values").at(i).key.data(), sizeof k);
  return k;
}

TEST(ValueEntries, WholeValuesAreHashedPrefixesStayInTheTrie) {
  auto c = compile_text(kPolicy);
  json j = json::parse(to_canonical_json(c));
  auto port = entries_of(j, "port");
  // Atoms: 0 port 22, 1 port < 1024, 2 address 10.1.2.3, 3 10.0.0.0/8,
  // 4 tcp, 5 uid 1000, 6 ipv6.
  EXPECT_EQ(port.at("22")["map"], "values");
  EXPECT_EQ(port.at("22")["prefixlen"], 8 * (PAL_LPM_HDR + 2));
  EXPECT_EQ(port.at("22")["held"], json::parse("[0, 1]")); // its closure
  EXPECT_EQ(port.at("0-1023")["map"], "atoms");
  auto address = entries_of(j, "address");
  EXPECT_EQ(address.at("10.1.2.3/32")["map"], "values");
  EXPECT_EQ(address.at("10.1.2.3/32")["held"], json::parse("[2, 3]"));
  EXPECT_EQ(address.at("10.0.0.0/8")["map"], "atoms");
  EXPECT_EQ(entries_of(j, "protocol").at("tcp")["map"], "values");
  EXPECT_EQ(entries_of(j, "uid").at("1000")["map"], "values");
  EXPECT_EQ(entries_of(j, "family").at("ipv6")["map"], "values");

  // The trie holds only the two prefixes; the hash the five values.
  EXPECT_EQ(c.image.maps.at("atoms").size(), 2u);
  ASSERT_EQ(c.image.maps.at("values").size(), 5u);
  std::map<uint32_t, pal_value_key> by_field;
  for (size_t i = 0; i < 5; ++i)
    by_field[value_key_at(c.image, i).field] = value_key_at(c.image, i);
  const pal_value_key &addr = by_field.at(PAL_FIELD_ADDRESS);
  EXPECT_EQ(addr.slot, c.image.slot);
  const uint8_t mapped[16] = {0, 0, 0,    0,    0,  0, 0, 0,
                              0, 0, 0xff, 0xff, 10, 1, 2, 3};
  EXPECT_EQ(std::memcmp(addr.value, mapped, 16), 0);
  const pal_value_key &p22 = by_field.at(PAL_FIELD_PORT);
  EXPECT_EQ(p22.value[0], 0);
  EXPECT_EQ(p22.value[1], 22);
  for (size_t i = 2; i < PAL_VALUE_MAX; ++i)
    EXPECT_EQ(p22.value[i], 0) << i; // zero past the port's two bytes
}

TEST(ValueEntries, TheSlotSaysWhichMapsHoldAField) {
  auto c = compile_text(kPolicy);
  pal_slot hdr;
  std::memcpy(&hdr, c.image.maps.at("slots").at(0).value.data(), sizeof hdr);
  EXPECT_EQ(hdr.value_fields,
            (1u << PAL_FIELD_PORT) | (1u << PAL_FIELD_ADDRESS) |
                (1u << PAL_FIELD_PROTOCOL) | (1u << PAL_FIELD_UID) |
                (1u << PAL_FIELD_FAMILY));
  // Only port and address have a range or CIDR: a uid miss asks no trie.
  EXPECT_EQ(hdr.prefix_fields,
            (1u << PAL_FIELD_PORT) | (1u << PAL_FIELD_ADDRESS));
  // A clear bit would make the kernel skip entries that are there.
  auto bytes = c.image.maps.at("slots").at(0).value;
  hdr.prefix_fields &= ~(1u << PAL_FIELD_PORT);
  std::memcpy(bytes.data(), &hdr, sizeof hdr);
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  hdr.prefix_fields |= 1u << PAL_FIELD_PORT;
  hdr.value_fields &= ~(1u << PAL_FIELD_UID);
  std::memcpy(bytes.data(), &hdr, sizeof hdr);
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
}

TEST(ValueEntries, IdsFollowTheTrieKeyOrderWhicheverMapHoldsThem) {
  auto c = compile_text(kPolicy);
  json j = json::parse(to_canonical_json(c));
  // Ports: 0-1023 (a 6-bit prefix, bytes 00 00) sorts before 22 (00 16),
  // though one is in the trie and the other in the hash.
  auto port = entries_of(j, "port");
  EXPECT_LT(port.at("0-1023")["id"], port.at("22")["id"]);
  auto address = entries_of(j, "address");
  EXPECT_LT(address.at("10.0.0.0/8")["id"], address.at("10.1.2.3/32")["id"]);
}

TEST(ValueEntries, TheEvaluatorFindsHashAndTrieEntries) {
  auto c = compile_text(kPolicy);
  auto v = [&](const Event &ev) { return evaluate(c.image, ev); };
  EXPECT_EQ(v(connect_to("192.0.2.1", 22)).action, PAL_ACT_DENY);
  EXPECT_EQ(v(connect_to("192.0.2.1", 23)).action, PAL_ACT_AUDIT);
  EXPECT_EQ(v(connect_to("192.0.2.1", 2000)).action, PAL_ACT_NONE);
  // The allow (a hash entry) beats the CIDR's deny (a trie entry).
  EXPECT_EQ(v(connect_to("10.1.2.3", 2000)).action, PAL_ACT_NONE);
  EXPECT_EQ(v(connect_to("10.1.2.4", 2000)).action, PAL_ACT_DENY);
}

TEST(CanonicalJson, RejectsAWholeValueInTheTrie) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port == 22
  })");
  EXPECT_NO_THROW(to_canonical_json(c));
  // The same entry as a trie key: the kernel would never ask the trie.
  const pal_value_key k = value_key_at(c.image, 0);
  ValueKey v;
  std::memcpy(v.bytes.data(), k.value, 2);
  v.bits = 16;
  pal_entry entry;
  std::memcpy(&entry, c.image.maps.at("values").at(0).value.data(),
              sizeof entry);
  c.image.maps["values"].clear();
  c.image.maps["atoms"].add(value_lpm_key(k.slot, PAL_FIELD_PORT, v), entry);
  pal_slot hdr; // its bits as if the entry were meant to be there
  auto slot = c.image.maps.at("slots").at(0).value;
  std::memcpy(&hdr, slot.data(), sizeof hdr);
  hdr.value_fields = 0;
  hdr.prefix_fields = 1u << PAL_FIELD_PORT;
  std::memcpy(slot.data(), &hdr, sizeof hdr);
  try {
    to_canonical_json(c);
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "a whole value in the trie");
  }
}

TEST(CanonicalJson, RejectsStrayBytesInAValuesKey) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port == 22
  })");
  auto key = c.image.maps.at("values").at(0).key;
  key[offsetof(pal_value_key, value) + 2] = 1; // past the port's bytes
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  key[offsetof(pal_value_key, value) + 2] = 0;
  key[offsetof(pal_value_key, field)] = PAL_FIELD_PATH; // no values
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
}

TEST(ImageView, ValueLookupIsByTheWholeKey) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port == 22
  })");
  ImageView view(c.image);
  const uint8_t p22[2] = {0, 22}, p23[2] = {0, 23};
  auto hit = view.value_lookup(c.image.slot, PAL_FIELD_PORT, p22, 2);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->id, 1u);
  EXPECT_FALSE(view.value_lookup(c.image.slot, PAL_FIELD_PORT, p23, 2));
  EXPECT_FALSE(view.value_lookup(c.image.slot ^ 1, PAL_FIELD_PORT, p22, 2));
  EXPECT_FALSE(view.value_lookup(c.image.slot, PAL_FIELD_UID, p22, 2));
}

} // namespace
} // namespace palisade::engine
