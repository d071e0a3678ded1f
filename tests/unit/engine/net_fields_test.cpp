// The network events and the cgroup field in the language: which events
// have which fields, how numbers, ranges, ordering, addresses, protocols
// and families are checked and made canonical, and the exact diagnostics.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "catalog/field_catalog.h"
#include "compile_text.h"
#include "palisade/dsl/parser.h"
#include "passes.h"

namespace palisade::engine {
namespace {

using test::diagnostics_of;
using test::resolved_condition;
using V = std::vector<std::string>;

// The values of `cond` (a `connect` condition) as one comparison.
V values_of(const std::string &cond) {
  Cond c = resolved_condition(
      "policy \"p\" mode enforce {\n  deny connect when " + cond + "\n}\n");
  EXPECT_EQ(c.kind, Cond::Kind::Match) << cond;
  EXPECT_EQ(c.match.kind, MatchKind::Exact) << cond;
  return c.match.values;
}

// The diagnostics of one `connect` rule with condition `cond`.
std::string diag(const std::string &cond,
                 const std::string &event = "connect") {
  return diagnostics_of("policy \"p\" mode enforce {\n  deny " + event +
                        " when " + cond + "\n}\n");
}

TEST(NetFields, NetworkEventsHaveBinaryValueFieldsAndCgroup) {
  auto fields = [](const char *event) {
    return field_names(*find_event(event));
  };
  const V net{"binary",   "parent.binary", "port",   "address",
              "protocol", "family",        "cgroup", "uid",
              "gid",      "euid",          "pid"};
  EXPECT_EQ(fields("connect"), net);
  EXPECT_EQ(fields("bind"), net);
  EXPECT_EQ(fields("listen"), net);
  EXPECT_EQ(find_event("connect")->abi_id, uint32_t{PAL_EVENT_CONNECT});
  EXPECT_EQ(find_event("listen")->abi_id, uint32_t{PAL_EVENT_LISTEN});
  EXPECT_EQ(find_field("port")->abi_id, PAL_FIELD_PORT);
  EXPECT_EQ(find_field("family")->type, FieldType::Family);
  EXPECT_EQ(find_field("cgroup")->type, FieldType::Path);
  EXPECT_EQ(event_names(*find_field("cgroup")),
            (V{"exec", "open", "unlink", "rename", "chmod", "chown", "connect",
               "bind", "listen"}));
  EXPECT_EQ(event_names(*find_field("path")),
            (V{"exec", "open", "unlink", "rename", "chmod", "chown"}));
}

TEST(NetFields, PortsAreNumbersAndRanges) {
  EXPECT_EQ(values_of("port == 22"), V{"22"});
  EXPECT_EQ(values_of("port == 6000..6063"), V{"6000-6063"});
  EXPECT_EQ(values_of("port in [443, 22, 6000..6063, 22]"),
            (V{"22", "443", "6000-6063"}));
  EXPECT_EQ(values_of("port == 5..5"), V{"5"});
}

TEST(NetFields, OrderingIsARange) {
  EXPECT_EQ(values_of("port < 1024"), V{"0-1023"});
  EXPECT_EQ(values_of("port <= 1024"), V{"0-1024"});
  EXPECT_EQ(values_of("port > 1023"), V{"1024-65535"});
  EXPECT_EQ(values_of("port >= 1024"), V{"1024-65535"});
  EXPECT_EQ(values_of("port >= 0"), V{"0-65535"});
  EXPECT_EQ(values_of("port < 1"), V{"0"});
  EXPECT_EQ(values_of("port > 65534"), V{"65535"});
}

TEST(NetFields, AddressesAreCanonical) {
  EXPECT_EQ(values_of("address == \"10.1.2.3\""), V{"10.1.2.3/32"});
  EXPECT_EQ(values_of("address in [\"10.0.0.0/8\", \"::1\", \"fd00::/8\"]"),
            (V{"10.0.0.0/8", "::1/128", "fd00::/8"}));
}

TEST(NetFields, ProtocolsAndFamiliesAreNames) {
  EXPECT_EQ(values_of("protocol in [\"udp\", \"tcp\"]"), (V{"tcp", "udp"}));
  EXPECT_EQ(values_of("family == \"ipv6\""), V{"ipv6"});
}

TEST(NetFields, LetSetsMayHoldNumbers) {
  Cond c = resolved_condition(R"(
  let web = [80, 443, 8000..8099]
  policy "p" mode enforce { deny connect when port not in web })");
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  EXPECT_TRUE(c.match.negated);
  EXPECT_EQ(c.match.values, (V{"443", "80", "8000-8099"}));
}

TEST(NetFields, CgroupIsAPathField) {
  Cond c = resolved_condition(R"(policy "p" mode enforce {
    deny exec when cgroup under "/system.slice/docker-1.scope"
  })");
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  EXPECT_EQ(c.match.field, PAL_FIELD_CGROUP);
  EXPECT_EQ(c.match.kind, MatchKind::Under);
  EXPECT_EQ(c.match.values, V{"/system.slice/docker-1.scope"});
  EXPECT_EQ(diag("cgroup == \"system.slice\""),
            "t.rules:2:31: error: path 'system.slice' is not absolute\n"
            "  deny connect when cgroup == \"system.slice\"\n"
            "                              ^~~~~~~~~~~~~~\n"
            "hint: the kernel matches resolved absolute paths; start the "
            "path with '/'\n");
}

TEST(NetFields, QuotedPortSaysToDropTheQuotes) {
  EXPECT_EQ(diag("port == \"22\""),
            "t.rules:2:29: error: 'port' compares with numbers, not strings\n"
            "  deny connect when port == \"22\"\n"
            "                            ^~~~\n"
            "hint: write port numbers without quotes: port == 22\n");
  EXPECT_EQ(diag("port == \"ssh\""),
            "t.rules:2:29: error: 'port' compares with numbers, not strings\n"
            "  deny connect when port == \"ssh\"\n"
            "                            ^~~~~\n"
            "hint: ports are numbers 0..65535, e.g. port == 443 or port in "
            "[80, 8000..8099]\n");
}

TEST(NetFields, PortOutOfRangeIsAnErrorAtTheValue) {
  EXPECT_EQ(diag("port == 70000"),
            "t.rules:2:29: error: port 70000 is out of range\n"
            "  deny connect when port == 70000\n"
            "                            ^~~~~\n"
            "hint: ports are 0..65535\n");
  EXPECT_EQ(diag("port in [1..70000]"),
            "t.rules:2:30: error: port 70000 is out of range\n"
            "  deny connect when port in [1..70000]\n"
            "                             ^~~~~~~~\n"
            "hint: ports are 0..65535\n");
  EXPECT_EQ(diag("port <= 70000"),
            "t.rules:2:29: error: port 70000 is out of range\n"
            "  deny connect when port <= 70000\n"
            "                            ^~~~~\n"
            "hint: ports are 0..65535\n");
}

TEST(NetFields, OrderingThatNeverHoldsIsAnError) {
  EXPECT_EQ(diag("port > 65535"),
            "t.rules:2:28: error: 'port > 65535' never holds\n"
            "  deny connect when port > 65535\n"
            "                           ^~~~~\n"
            "hint: ports are 0..65535\n");
  EXPECT_EQ(diag("port < 0"), "t.rules:2:28: error: 'port < 0' never holds\n"
                              "  deny connect when port < 0\n"
                              "                           ^\n"
                              "hint: ports are 0..65535\n");
}

TEST(NetFields, BadAddressesSayWhy) {
  EXPECT_EQ(diag("address == \"10.0.0.1/8\""),
            "t.rules:2:32: error: '10.0.0.1/8' has host bits set\n"
            "  deny connect when address == \"10.0.0.1/8\"\n"
            "                               ^~~~~~~~~~~~\n"
            "hint: did you mean \"10.0.0.0/8\"?\n");
  EXPECT_EQ(diag("address == \"10.0.0.0/33\""),
            "t.rules:2:32: error: prefix length /33 is out of range\n"
            "  deny connect when address == \"10.0.0.0/33\"\n"
            "                               ^~~~~~~~~~~~~\n"
            "hint: an IPv4 prefix length is 0..32\n");
  EXPECT_EQ(diag("address == \"example.com\""),
            "t.rules:2:32: error: 'example.com' is not an IP address or CIDR\n"
            "  deny connect when address == \"example.com\"\n"
            "                               ^~~~~~~~~~~~~\n"
            "hint: write an IPv4 or IPv6 address, optionally with a prefix "
            "length: \"10.0.0.0/8\", \"2001:db8::/32\", \"::1\"\n");
}

TEST(NetFields, NumbersOnStringFieldsAreTypeErrors) {
  EXPECT_EQ(diag("path == 22", "exec"),
            "t.rules:2:26: error: 'path' compares with strings, not numbers\n"
            "  deny exec when path == 22\n"
            "                         ^~\n"
            "hint: write a path in quotes: path == \"/usr/bin/nc\"\n");
  EXPECT_EQ(diag("address in [\"10.0.0.0/8\", 10]"),
            "t.rules:2:47: error: 'address' compares with strings, not "
            "numbers\n"
            "  deny connect when address in [\"10.0.0.0/8\", 10]\n"
            "                                              ^~\n"
            "hint: write an address or CIDR in quotes: address == "
            "\"10.0.0.0/8\"\n");
  EXPECT_EQ(diag("protocol == 6"),
            "t.rules:2:33: error: 'protocol' compares with strings, not "
            "numbers\n"
            "  deny connect when protocol == 6\n"
            "                                ^\n"
            "hint: write protocol == \"tcp\" or protocol == \"udp\"\n");
  EXPECT_EQ(diag("access == 1..2", "open"),
            "t.rules:2:28: error: 'access' compares with strings, not "
            "numbers\n"
            "  deny open when access == 1..2\n"
            "                           ^~~~\n"
            "hint: access values: read, write, create, truncate\n");
}

TEST(NetFields, ProtocolAndFamilyNamesSuggestTheClosest) {
  EXPECT_EQ(diag("protocol == \"TCP\""),
            "t.rules:2:33: error: unknown protocol 'TCP'\n"
            "  deny connect when protocol == \"TCP\"\n"
            "                                ^~~~~\n"
            "hint: did you mean 'tcp'?\n");
  EXPECT_EQ(diag("family == \"inet\""),
            "t.rules:2:31: error: unknown address family 'inet'\n"
            "  deny connect when family == \"inet\"\n"
            "                              ^~~~~~\n"
            "hint: families are \"ipv4\" and \"ipv6\"\n");
  EXPECT_EQ(diag("family == \"ipv5\""),
            "t.rules:2:31: error: unknown address family 'ipv5'\n"
            "  deny connect when family == \"ipv5\"\n"
            "                              ^~~~~~\n"
            "hint: did you mean 'ipv4'?\n");
  EXPECT_EQ(diag("family == \"AF_INET6\""),
            "t.rules:2:31: error: unknown address family 'AF_INET6'\n"
            "  deny connect when family == \"AF_INET6\"\n"
            "                              ^~~~~~~~~~\n"
            "hint: families are \"ipv4\" and \"ipv6\"\n");
}

TEST(NetFields, OrderingOnlyOnPort) {
  EXPECT_EQ(diag("address < 5"),
            "t.rules:2:29: error: '<' does not apply to 'address'\n"
            "  deny connect when address < 5\n"
            "                            ^\n"
            "hint: only numbers are ordered: '<', '<=', '>' and '>=' apply "
            "to port, uid, gid, euid and pid\n");
  EXPECT_EQ(diag("path >= 5", "exec"),
            "t.rules:2:23: error: '>=' does not apply to 'path'\n"
            "  deny exec when path >= 5\n"
            "                      ^~\n"
            "hint: only numbers are ordered: '<', '<=', '>' and '>=' apply "
            "to port, uid, gid, euid and pid\n");
}

TEST(NetFields, UnderOnlyOnPaths) {
  EXPECT_EQ(diag("port under \"/22\""),
            "t.rules:2:26: error: 'under' does not apply to 'port'\n"
            "  deny connect when port under \"/22\"\n"
            "                         ^~~~~\n"
            "hint: 'under' takes a directory and applies to paths (path, "
            "binary, parent.binary, target, cgroup); write port == ... or port "
            "in [...]\n");
}

TEST(NetFields, PathIsNotAFieldOfNetworkEvents) {
  EXPECT_EQ(
      diag("path == \"/x\""),
      "t.rules:2:21: error: field 'path' is not available in a "
      "'connect' rule, only in 'exec', 'open', 'unlink', 'rename', "
      "'chmod', 'chown' rules\n"
      "  deny connect when path == \"/x\"\n"
      "                    ^~~~\n"
      "hint: fields of a 'connect' rule: binary, parent.binary, port, address, "
      "protocol, family, cgroup, uid, gid, euid, pid\n");
  EXPECT_EQ(diag("port == 22", "exec"),
            "t.rules:2:18: error: field 'port' is not available in an "
            "'exec' rule, only in 'connect', 'bind', 'listen' rules\n"
            "  deny exec when port == 22\n"
            "                 ^~~~\n"
            "hint: fields of an 'exec' rule: path, binary, parent.binary, "
            "cgroup, uid, gid, "
            "euid, pid\n");
}

TEST(NetFields, EveryBadValueOfAListIsReported) {
  std::string d = diag("port in [\"22\", 70000, 80]");
  EXPECT_NE(d.find("error: 'port' compares with numbers, not strings"),
            std::string::npos);
  EXPECT_NE(d.find("error: port 70000 is out of range"), std::string::npos);
}

TEST(NetFields, TooManyConditionsThroughOneValueNameIt) {
  std::string text = "policy \"p\" mode enforce {\n";
  for (int i = 0; i < 65; ++i)
    text += "  deny connect when port == 6000..6063 and binary != \"/b" +
            std::to_string(i) + "\"\n";
  text += "}\n";
  std::string d = diagnostics_of(text);
  EXPECT_NE(d.find("error: more than 64 rule conditions can hold through "
                   "port 6000-6015\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("hint: the kernel checks at most 64 conditions per value; "
                   "give rules more specific values, or merge rules"),
            std::string::npos)
      << d;
}

} // namespace
} // namespace palisade::engine
