// Rule warnings on value fields: implication and exclusion by key sets
// (ranges, CIDRs), so "never matches", "shadowed" and "duplicate" are
// right for ports and addresses.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "compile_text.h"
#include "normalize/normalize.h"
#include "warnings/implication.h"

namespace palisade::engine {
namespace {

using test::diagnostics_of;

// The quoted rule line and its caret line, as a diagnostic shows a whole
// rule written at column 3.
std::string quoted_rule(const std::string &rule) {
  return "  " + rule + "\n  ^" + std::string(rule.size() - 1, '~') + "\n";
}

std::string policy(const std::string &rules) {
  return "policy \"p\" mode enforce {\n" + rules + "}\n";
}

TEST(NetWarnings, ANumberInAnEarlierRangeIsShadowed) {
  EXPECT_EQ(diagnostics_of(policy("  deny connect when port in [1..100]\n"
                                  "  deny connect when port == 50\n")),
            "t.rules:3:3: warning: rule never decides: an earlier-deciding "
            "rule of policy 'p' matches whenever it does\n" +
                quoted_rule("deny connect when port == 50") +
                "hint: shadowed by the rule at t.rules:2:3 (the first "
                "matching deny rule decides)\n");
  // Outside the range, or the other way round: both rules decide.
  EXPECT_EQ(diagnostics_of(policy("  deny connect when port in [1..100]\n"
                                  "  deny connect when port == 101\n")),
            "");
  EXPECT_EQ(diagnostics_of(policy("  deny connect when port == 50\n"
                                  "  deny connect when port in [1..100]\n")),
            "");
}

TEST(NetWarnings, ASubnetIsShadowedByItsNetwork) {
  EXPECT_EQ(
      diagnostics_of(policy(
          "  deny connect when address in [\"192.168.0.0/16\"] and protocol "
          "== \"udp\"\n"
          "  deny connect when address == \"192.168.1.0/24\" and protocol "
          "== \"udp\"\n")),
      "t.rules:3:3: warning: rule never decides: an earlier-deciding rule "
      "of policy 'p' matches whenever it does\n" +
          quoted_rule("deny connect when address == \"192.168.1.0/24\" and "
                      "protocol == \"udp\"") +
          "hint: shadowed by the rule at t.rules:2:3 (the first matching "
          "deny rule decides)\n");
  // A different protocol is not covered.
  EXPECT_EQ(diagnostics_of(
                policy("  deny connect when address == \"192.168.0.0/16\" and "
                       "protocol == \"udp\"\n"
                       "  deny connect when address == \"192.168.1.0/24\" and "
                       "protocol == \"tcp\"\n")),
            "");
}

TEST(NetWarnings, TwoPortsCannotBothHold) {
  EXPECT_EQ(
      diagnostics_of(policy("  deny connect when port == 22 and port == 23\n")),
      "t.rules:2:3: warning: rule never matches: its condition can "
      "never hold\n" +
          quoted_rule("deny connect when port == 22 and port == 23") +
          "hint: port == 22 and port == 23 cannot both hold\n");
}

TEST(NetWarnings, AnAddressInsideItsNetworkIsFine) {
  EXPECT_EQ(diagnostics_of(policy(
                "  deny connect when address in [\"10.0.0.0/8\"] and address "
                "== \"10.1.2.3\"\n")),
            "");
  EXPECT_EQ(
      diagnostics_of(policy("  deny bind when port < 1024 and port != 0\n")),
      "");
}

TEST(NetWarnings, ExclusionsThatCoverARangeTogetherNeverMatch) {
  EXPECT_EQ(diagnostics_of(policy(
                "  deny bind when port in [1..10] and port != 1..5 and port "
                "not in [6..10]\n")),
            "t.rules:2:3: warning: rule never matches: its condition can "
            "never hold\n" +
                quoted_rule("deny bind when port in [1..10] and port != 1..5 "
                            "and port not in [6..10]") +
                "hint: no value of port == 1..10 passes the other "
                "comparisons of 'port'\n");
  EXPECT_EQ(diagnostics_of(policy(
                "  deny connect when address == \"10.0.0.0/8\" and address != "
                "\"10.0.0.0/9\" and address != \"10.128.0.0/9\"\n")),
            "t.rules:2:3: warning: rule never matches: its condition can "
            "never hold\n" +
                quoted_rule("deny connect when address == \"10.0.0.0/8\" and "
                            "address != \"10.0.0.0/9\" and address != "
                            "\"10.128.0.0/9\"") +
                "hint: no value of address == \"10.0.0.0/8\" passes the "
                "other comparisons of 'address'\n");
  // One half left: fine.
  EXPECT_EQ(diagnostics_of(policy(
                "  deny connect when address == \"10.0.0.0/8\" and address != "
                "\"10.0.0.0/9\"\n")),
            "");
}

TEST(NetWarnings, OrderingWrittenTwiceIsADuplicate) {
  EXPECT_EQ(diagnostics_of(policy("  deny connect when port > 400\n"
                                  "  deny connect when port >= 401\n")),
            "t.rules:3:3: warning: duplicate rule in policy 'p'\n" +
                quoted_rule("deny connect when port >= 401") +
                "hint: same action, event and condition as the rule at "
                "t.rules:2:3\n");
}

TEST(NetWarnings, IPv4MappedIsTheSameAddress) {
  // "::ffff:10.0.0.0/104" names the IPv4 network 10.0.0.0/8.
  EXPECT_EQ(
      diagnostics_of(
          policy("  deny connect when address == \"10.0.0.0/8\"\n"
                 "  deny connect when address == \"::ffff:10.1.0.0/112\"\n")),
      "t.rules:3:3: warning: rule never decides: an earlier-deciding "
      "rule of policy 'p' matches whenever it does\n" +
          quoted_rule("deny connect when address == \"::ffff:10.1.0.0/112\"") +
          "hint: shadowed by the rule at t.rules:2:3 (the first "
          "matching deny rule decides)\n");
}

Atom value_atom(uint8_t field, std::vector<std::string> values) {
  Atom a;
  a.field = field;
  a.values = std::move(values);
  return a;
}

TEST(NetImplication, KeySetsImplyAndExclude) {
  std::vector<Atom> atoms = {
      value_atom(PAL_FIELD_PORT, {"0-99", "100-199"}), // 0
      value_atom(PAL_FIELD_PORT, {"64-127"}),          // 1
      value_atom(PAL_FIELD_PORT, {"200"}),             // 2
      value_atom(PAL_FIELD_ADDRESS, {"10.0.0.0/8"}),   // 3
      value_atom(PAL_FIELD_ADDRESS, {"10.1.2.3/32"}),  // 4
      value_atom(PAL_FIELD_ADDRESS, {"11.0.0.0/8"}),   // 5
  };
  EXPECT_TRUE(covers(atoms[0], atoms[1])); // through the union of keys
  EXPECT_FALSE(covers(atoms[1], atoms[0]));
  EXPECT_TRUE(disjoint(atoms[0], atoms[2]));
  EXPECT_FALSE(disjoint(atoms[0], atoms[1]));
  EXPECT_TRUE(covers(atoms[3], atoms[4]));
  EXPECT_TRUE(disjoint(atoms[4], atoms[5]));
  EXPECT_FALSE(disjoint(atoms[3], atoms[4]));
  EXPECT_TRUE(implies(atoms, Literal{4, false}, Literal{3, false}));
  EXPECT_TRUE(implies(atoms, Literal{4, false}, Literal{5, true}));
  EXPECT_FALSE(implies(atoms, Literal{3, false}, Literal{4, false}));
}

} // namespace
} // namespace palisade::engine
