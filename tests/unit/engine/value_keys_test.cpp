// Values of numeric and address fields as LPM prefixes.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "lower/value_keys.h"

namespace palisade::engine {
namespace {

uint64_t key_value(const ValueKey &k, uint32_t width) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < width; ++i)
    v = v << 8 | k.bytes[i];
  return v;
}

// Every value of [0, 2^16) is in exactly the prefixes' union when it is in
// [lo, hi], and in at most one prefix.
void expect_exact_cover(uint64_t lo, uint64_t hi) {
  auto keys = range_prefixes(lo, hi, 2);
  for (uint64_t v = 0; v < 65536; ++v) {
    int hits = 0;
    for (const auto &k : keys) {
      uint32_t free_bits = 16 - k.bits;
      if ((v >> free_bits) == (key_value(k, 2) >> free_bits))
        ++hits;
    }
    ASSERT_EQ(hits, (v >= lo && v <= hi) ? 1 : 0)
        << lo << ".." << hi << " at " << v;
  }
}

TEST(RangePrefixes, CoverExactlyTheRange) {
  expect_exact_cover(22, 22);
  expect_exact_cover(0, 1023);
  expect_exact_cover(1024, 65535);
  expect_exact_cover(6000, 6063);
  expect_exact_cover(1, 65534);
  expect_exact_cover(0, 65535);
}

TEST(RangePrefixes, AreFewForWideRanges) {
  EXPECT_EQ(range_prefixes(0, 65535, 2).size(), 1u);
  EXPECT_EQ(range_prefixes(0, 1023, 2).size(), 1u);
  EXPECT_EQ(range_prefixes(1, 65534, 2).size(), 30u); // the worst case
  EXPECT_EQ(range_prefixes(22, 22, 2).at(0).bits, 16u);
}

TEST(ParseAddress, CanonicalForms) {
  EXPECT_EQ(parse_address("10.0.0.0/8").canonical, "10.0.0.0/8");
  EXPECT_EQ(parse_address("10.1.2.3").canonical, "10.1.2.3/32");
  EXPECT_EQ(parse_address("::1").canonical, "::1/128");
  EXPECT_EQ(parse_address("FD00::/8").canonical, "fd00::/8");
}

TEST(ParseAddress, Errors) {
  auto bad = parse_address("10.0.0.1/8");
  EXPECT_EQ(bad.error, "'10.0.0.1/8' has host bits set");
  EXPECT_EQ(bad.hint, "did you mean \"10.0.0.0/8\"?");
  EXPECT_EQ(parse_address("10.0.0.0/33").error,
            "prefix length /33 is out of range");
  EXPECT_EQ(parse_address("10.0.0.0/33").hint,
            "an IPv4 prefix length is 0..32");
  EXPECT_EQ(parse_address("::/129").error,
            "prefix length /129 is out of range");
  EXPECT_EQ(parse_address("example.com").error,
            "'example.com' is not an IP address or CIDR");
  EXPECT_EQ(parse_address("10.0.0.0/x").error, "'/x' is not a prefix length");
}

TEST(ValueKeys, Ipv4IsMappedIpv6) {
  auto keys = value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/8");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].bits, 104u);
  EXPECT_EQ(keys[0].bytes[10], 0xff);
  EXPECT_EQ(keys[0].bytes[11], 0xff);
  EXPECT_EQ(keys[0].bytes[12], 10);
  auto mapped = value_keys(PAL_FIELD_ADDRESS, "::ffff:10.1.2.3/128");
  ASSERT_EQ(mapped.size(), 1u);
  EXPECT_TRUE(key_covers(keys[0], mapped[0]));
  EXPECT_FALSE(key_covers(mapped[0], keys[0]));
}

TEST(ParsePort, RangeAndErrors) {
  EXPECT_EQ(parse_port_range(22, 22).canonical, "22");
  EXPECT_EQ(parse_port_range(6000, 6063).canonical, "6000-6063");
  EXPECT_EQ(parse_port_range(0, 70000).error, "port 70000 is out of range");
  EXPECT_EQ(parse_port_range(9, 3).error, "range 9..3 is empty");
  EXPECT_EQ(value_keys(PAL_FIELD_PORT, "6000-6063").size(),
            range_prefixes(6000, 6063, 2).size());
}

TEST(ParseNames, ProtocolAndFamily) {
  EXPECT_EQ(parse_protocol("tcp").canonical, "tcp");
  EXPECT_EQ(parse_protocol("icmp").error, "unknown protocol 'icmp'");
  EXPECT_EQ(parse_family("ipv6").canonical, "ipv6");
  EXPECT_EQ(value_keys(PAL_FIELD_PROTOCOL, "udp").at(0).bytes[0], 17);
  EXPECT_EQ(value_keys(PAL_FIELD_FAMILY, "ipv4").at(0).bytes[0], 4);
}

TEST(ValueKeys, TextOfAKey) {
  auto port = value_keys(PAL_FIELD_PORT, "6000-6063");
  std::vector<std::string> texts;
  for (const auto &k : port)
    texts.push_back(value_key_text(PAL_FIELD_PORT, k));
  EXPECT_EQ(texts,
            (std::vector<std::string>{"6000-6015", "6016-6047", "6048-6063"}));
  EXPECT_EQ(value_key_text(PAL_FIELD_PORT, value_keys(PAL_FIELD_PORT, "22")[0]),
            "22");
  EXPECT_EQ(
      value_key_text(PAL_FIELD_PORT, value_keys(PAL_FIELD_PORT, "0-65535")[0]),
      "0-65535");
  EXPECT_EQ(value_key_text(PAL_FIELD_ADDRESS,
                           value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/8")[0]),
            "10.0.0.0/8");
  EXPECT_EQ(
      value_key_text(PAL_FIELD_ADDRESS,
                     value_keys(PAL_FIELD_ADDRESS, "::ffff:10.1.0.0/112")[0]),
      "10.1.0.0/16");
  EXPECT_EQ(value_key_text(PAL_FIELD_ADDRESS,
                           value_keys(PAL_FIELD_ADDRESS, "fd00::/8")[0]),
            "fd00::/8");
  EXPECT_EQ(value_key_text(PAL_FIELD_PROTOCOL,
                           value_keys(PAL_FIELD_PROTOCOL, "udp")[0]),
            "udp");
  EXPECT_EQ(
      value_key_text(PAL_FIELD_FAMILY, value_keys(PAL_FIELD_FAMILY, "ipv6")[0]),
      "ipv6");
}

TEST(ValueKeys, UnionCoversThroughItsHalves) {
  auto lower =
      value_keys(PAL_FIELD_PORT, std::vector<std::string>{"0-99", "100-199"});
  for (const auto &k : value_keys(PAL_FIELD_PORT, "64-127"))
    EXPECT_TRUE(union_covers(lower, k, 2));
  for (const auto &k : value_keys(PAL_FIELD_PORT, "0-255"))
    if (value_key_text(PAL_FIELD_PORT, k) == "0-255")
      EXPECT_FALSE(union_covers(lower, k, 2));
  EXPECT_FALSE(union_covers({}, value_keys(PAL_FIELD_PORT, "1")[0], 2));
  auto halves =
      value_keys(PAL_FIELD_ADDRESS,
                 std::vector<std::string>{"10.0.0.0/9", "10.128.0.0/9"});
  EXPECT_TRUE(
      union_covers(halves, value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/8")[0], 16));
  EXPECT_FALSE(
      union_covers(halves, value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/7")[0], 16));
  EXPECT_TRUE(keys_overlap(value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/8")[0],
                           value_keys(PAL_FIELD_ADDRESS, "10.1.2.3/32")[0]));
  EXPECT_FALSE(keys_overlap(value_keys(PAL_FIELD_ADDRESS, "10.0.0.0/8")[0],
                            value_keys(PAL_FIELD_ADDRESS, "11.0.0.0/8")[0]));
  EXPECT_TRUE(is_value_field(PAL_FIELD_PORT));
  EXPECT_FALSE(is_value_field(PAL_FIELD_ACCESS));
  EXPECT_FALSE(is_value_field(PAL_FIELD_CGROUP));
}

} // namespace
} // namespace palisade::engine
