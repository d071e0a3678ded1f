// Network events and the cgroup field end to end: value entries and their
// prefix closure in the image, the reference evaluator's lookups (match.h
// pal_lookup_value and the cgroup lookup), the event JSON and explain.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "compile_text.h"
#include "image/image_decode.h"
#include "lower/lower.h"
#include "palisade/engine/evaluate.h"
#include "palisade/engine/explain.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;
using test::connect_to;
using test::in_cgroup;
using test::net_of;

constexpr uint8_t kTcp = 6, kUdp = 17;

TEST(EvaluateNet, PortsRangesAndOrdering) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port in [22, 6000..6063]
    kill bind when port < 1024 and port != 0
  })");
  auto act = [&](uint32_t kind, uint16_t port) {
    return evaluate(c.image, net_of(kind, "10.1.2.3", port)).action;
  };
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 22), PAL_ACT_DENY);
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 23), PAL_ACT_NONE);
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 5999), PAL_ACT_NONE);
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 6000), PAL_ACT_DENY);
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 6063), PAL_ACT_DENY);
  EXPECT_EQ(act(PAL_EVENT_CONNECT, 6064), PAL_ACT_NONE);
  EXPECT_EQ(act(PAL_EVENT_BIND, 0), PAL_ACT_NONE);
  EXPECT_EQ(act(PAL_EVENT_BIND, 1), PAL_ACT_KILL);
  EXPECT_EQ(act(PAL_EVENT_BIND, 1023), PAL_ACT_KILL);
  EXPECT_EQ(act(PAL_EVENT_BIND, 1024), PAL_ACT_NONE);
  // Rules of one event never decide another.
  EXPECT_EQ(act(PAL_EVENT_LISTEN, 22), PAL_ACT_NONE);
  EXPECT_EQ(act(PAL_EVENT_BIND, 22), PAL_ACT_KILL);
}

TEST(EvaluateNet, CidrsAndIPv4Mapped) {
  auto c = compile_text(R"(policy "p" mode enforce {
    allow connect when address == "10.1.2.3"
    deny connect when address in ["10.0.0.0/8", "fd00::/8"]
    audit connect when family == "ipv6" and protocol == "udp"
  })");
  auto act = [&](const Event &ev) { return evaluate(c.image, ev).action; };
  EXPECT_EQ(act(connect_to("10.1.2.3", 80)), PAL_ACT_NONE);
  EXPECT_EQ(act(connect_to("10.1.2.4", 80)), PAL_ACT_DENY);
  EXPECT_EQ(act(connect_to("11.0.0.1", 80)), PAL_ACT_NONE);
  EXPECT_EQ(act(connect_to("fd12::1", 80)), PAL_ACT_DENY);
  EXPECT_EQ(act(connect_to("fe80::1", 80)), PAL_ACT_NONE);
  EXPECT_EQ(act(connect_to("fe80::1", 53, kUdp)), PAL_ACT_AUDIT);
  // An IPv6 socket talking to an IPv4-mapped address: IPv4 rules match
  // its address, its family stays ipv6.
  Event mapped = connect_to("::ffff:10.9.9.9", 53, kUdp);
  EXPECT_EQ(mapped.family, 6);
  EXPECT_EQ(act(mapped), PAL_ACT_DENY);
  // The IPv4 allow exception holds for it too, and decides the policy.
  EXPECT_EQ(act(connect_to("::ffff:10.1.2.3", 53, kUdp)), PAL_ACT_NONE);
}

TEST(EvaluateNet, EverythingPrefixes) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when address == "0.0.0.0/0" and port == 1
    deny connect when address == "::/0" and port == 2
  })");
  auto act = [&](const std::string &addr, uint16_t port) {
    return evaluate(c.image, connect_to(addr, port)).action;
  };
  EXPECT_EQ(act("8.8.8.8", 1), PAL_ACT_DENY);
  EXPECT_EQ(act("::1", 1), PAL_ACT_NONE); // not an IPv4 address
  EXPECT_EQ(act("::1", 2), PAL_ACT_DENY);
  EXPECT_EQ(act("8.8.8.8", 2), PAL_ACT_DENY); // ::ffff:8.8.8.8 is in ::/0
}

TEST(EvaluateNet, ProtocolAndFamily) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny listen when protocol == "udp" and family == "ipv4"
  })");
  auto act = [&](const std::string &addr, uint8_t proto) {
    return evaluate(c.image, net_of(PAL_EVENT_LISTEN, addr, 53, proto)).action;
  };
  EXPECT_EQ(act("0.0.0.0", kUdp), PAL_ACT_DENY);
  EXPECT_EQ(act("0.0.0.0", kTcp), PAL_ACT_NONE);
  EXPECT_EQ(act("::", kUdp), PAL_ACT_NONE);
}

TEST(EvaluateNet, ValueEntriesAreBitPrefixesWithTheirClosure) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port in [0..127]
    deny connect when port == 100 and binary == "/usr/bin/nc"
  })");
  std::vector<std::pair<std::string, uint32_t>> ports;
  for (const AtomEntry &e : decode_entries(c.image))
    if (e.field == PAL_FIELD_PORT)
      ports.emplace_back(e.value, e.prefixlen);
  EXPECT_EQ(ports, (std::vector<std::pair<std::string, uint32_t>>{
                       {"0-127", 16 + 9}, {"100", 16 + 16}}));
  Verdict v = evaluate(c.image, connect_to("1.2.3.4", 100));
  ASSERT_NE(v.port_entry, 0u);
  // The entry of 100 holds both atoms: its own and that of 0..127.
  EXPECT_EQ(held_atoms(c.image, v).size(), 2u);
  EXPECT_EQ(v.action, PAL_ACT_DENY);
  EXPECT_EQ(v.rule_id, 0u);
  Verdict far = evaluate(c.image, connect_to("1.2.3.4", 128));
  EXPECT_EQ(far.port_entry, 0u);
  EXPECT_EQ(far.action, PAL_ACT_NONE);
}

TEST(EvaluateNet, ValueClosureCutsKeysToEveryLengthOfTheirField) {
  std::vector<pal_lpm_key> keys;
  ValueKey a; // 10.0.0.0/8 as ::ffff:10.0.0.0/104
  a.bytes[10] = a.bytes[11] = 0xff;
  a.bytes[12] = 10;
  a.bits = 104;
  ValueKey b = a; // 10.1.0.0/16
  b.bytes[13] = 1;
  b.bits = 112;
  ValueKey other = a; // 11.0.0.0/8
  other.bytes[12] = 11;
  keys.push_back(value_lpm_key(0, PAL_FIELD_ADDRESS, a));
  keys.push_back(value_lpm_key(0, PAL_FIELD_ADDRESS, b));
  keys.push_back(value_lpm_key(0, PAL_FIELD_ADDRESS, other));
  EXPECT_EQ(keys[0].prefixlen, 16u + 104u);
  auto closed = close_over_value_prefixes(keys, {{0}, {1}, {2}});
  EXPECT_EQ(closed, (std::vector<std::vector<AtomId>>{{0}, {0, 1}, {2}}));
}

TEST(EvaluateNet, NoPathAndNeverFailClosed) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port == 1
    deny exec when path == "/x"
  })");
  Event ev = connect_to("1.2.3.4", 2);
  ev.path = "/x";
  ev.path_unresolved = true; // a network event has no path to resolve
  Verdict v = evaluate(c.image, ev);
  EXPECT_FALSE(unresolved(ev));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_FALSE(v.fail_closed);
  EXPECT_EQ(v.path_entry, 0u);
}

TEST(EvaluateNet, CgroupExactAndUnder) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when cgroup under "/system.slice" and port == 25
    deny exec when cgroup == "/user.slice/x.scope"
  })");
  auto act = [&](const Event &ev) { return evaluate(c.image, ev).action; };
  EXPECT_EQ(
      act(in_cgroup(connect_to("1.2.3.4", 25), "/system.slice/a.service")),
      PAL_ACT_DENY);
  EXPECT_EQ(act(in_cgroup(connect_to("1.2.3.4", 25), "/system.slice")),
            PAL_ACT_NONE);
  EXPECT_EQ(act(in_cgroup(connect_to("1.2.3.4", 25), "/")), PAL_ACT_NONE);
  EXPECT_EQ(act(connect_to("1.2.3.4", 25)), PAL_ACT_NONE); // unknown
  Event exec = test::event_of(PAL_EVENT_EXEC, "/bin/ls");
  EXPECT_EQ(act(in_cgroup(exec, "/user.slice/x.scope")), PAL_ACT_DENY);
  EXPECT_EQ(act(in_cgroup(exec, "/user.slice/x.scope/y")), PAL_ACT_NONE);
  Verdict v = evaluate(c.image, in_cgroup(exec, "/user.slice/x.scope"));
  EXPECT_NE(v.cgroup_entry, 0u);
}

TEST(EvaluateNet, CgroupIsNotLookedUpWithoutACgroupRule) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when path == "/x"
  })");
  Verdict v = evaluate(c.image, in_cgroup(test::event_of(PAL_EVENT_EXEC, "/x"),
                                          "/system.slice"));
  EXPECT_EQ(v.cgroup_entry, 0u);
  EXPECT_EQ(v.action, PAL_ACT_DENY);
}

// ---- the event JSON -------------------------------------------------------

using test::error_of;
using test::parse;

TEST(EventJsonNet, ConnectWithDefaults) {
  Event ev = parse(R"({"event":"connect","address":"10.1.2.3","port":443,
                      "binary":"/usr/bin/curl","cgroup":"/system.slice/x.service"})");
  EXPECT_EQ(ev,
            in_cgroup(connect_to("10.1.2.3", 443), "/system.slice/x.service"));
  ev = parse(R"({"event":"bind","address":"::1","port":53,"protocol":"udp"})");
  EXPECT_EQ(ev.family, 6);
  EXPECT_EQ(ev.protocol, kUdp);
  EXPECT_FALSE(ev.binary_known);
  EXPECT_FALSE(ev.cgroup_known);
  ev = parse(R"({"event":"connect","address":"::ffff:10.1.2.3","port":1})");
  EXPECT_EQ(ev.family, 6);
  EXPECT_EQ(ev.address, connect_to("10.1.2.3", 1).address);
  ev = parse(
      R"({"event":"listen","address":"0.0.0.0","port":80,"family":"ipv6"})");
  EXPECT_EQ(ev.family, 6);
}

TEST(EventJsonNet, RejectsWithAReason) {
  EXPECT_EQ(error_of(R"({"event":"connect","port":1})"),
            "the event needs \"address\": the remote address, e.g. "
            "\"10.1.2.3\"");
  EXPECT_EQ(error_of(R"({"event":"bind","address":"1.2.3.4"})"),
            "the event needs \"port\": the local port, e.g. 443");
  EXPECT_EQ(error_of(R"({"event":"connect","address":"10.0.0.0/8","port":1})"),
            "\"address\" is not an IP address: \"10.0.0.0/8\" (one address, "
            "no prefix length)");
  EXPECT_EQ(error_of(R"({"event":"connect","address":"1.2.3.4","port":70000})"),
            "\"port\" must be a number 0..65535");
  EXPECT_EQ(error_of(R"({"event":"connect","address":"1.2.3.4","port":"22"})"),
            "\"port\" must be a number 0..65535");
  EXPECT_EQ(
      error_of(
          R"({"event":"connect","address":"1.2.3.4","port":1,"protocol":"icmp"})"),
      "\"protocol\" must be \"tcp\" or \"udp\"");
  EXPECT_EQ(
      error_of(
          R"({"event":"connect","address":"::1","port":1,"family":"ipv4"})"),
      "an ipv4 event has a dotted IPv4 address, not \"::1\"");
  EXPECT_EQ(
      error_of(
          R"({"event":"connect","address":"1.2.3.4","port":1,"path":"/x"})"),
      "\"path\" is not for network events: they have no file");
  EXPECT_EQ(error_of(R"({"event":"exec","path":"/x","port":1})"),
            "\"port\" is only for network events (connect, bind, listen)");
  EXPECT_EQ(error_of(R"({"event":"exec","path":"/x","cgroup":"docker"})"),
            "\"cgroup\" must be an absolute path, as the kernel resolves it");
}

// ---- explain --------------------------------------------------------------

TEST(ExplainNet, TextAndJsonShowTheNetworkFields) {
  auto c = compile_text(R"(policy "egress" mode enforce {
    deny connect when address in ["10.0.0.0/8"] and port == 443 "no"
  })");
  Event ev = in_cgroup(connect_to("10.1.2.3", 443), "/system.slice/x.service");
  Explanation e = explain_event(c, ev);
  EXPECT_EQ(e.verdict.action, PAL_ACT_DENY);
  std::string text = explanation_text(e);
  EXPECT_NE(
      text.find("event: connect to 10.1.2.3 port 443 (tcp, ipv4) by "
                "\"/usr/bin/curl\" in cgroup \"/system.slice/x.service\"\n"),
      std::string::npos)
      << text;
  std::vector<std::string> atoms;
  for (const auto &a : e.atoms)
    atoms.push_back(a.text);
  EXPECT_EQ(atoms, (std::vector<std::string>{"address == \"10.0.0.0/8\"",
                                             "port == 443"}));
  std::string json = explanation_json(e);
  EXPECT_NE(json.find("\"address\": \"10.1.2.3\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"port\": 443"), std::string::npos);
  EXPECT_NE(json.find("\"protocol\": \"tcp\""), std::string::npos);
  EXPECT_NE(json.find("\"family\": \"ipv4\""), std::string::npos);
  EXPECT_NE(json.find("\"cgroup\": \"/system.slice/x.service\""),
            std::string::npos);
}

TEST(ExplainNet, PortRangesReadAsRanges) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny connect when port in [22, 6000..6063]
  })");
  Explanation e = explain_event(c, connect_to("1.2.3.4", 6001));
  ASSERT_EQ(e.atoms.size(), 1u);
  EXPECT_EQ(e.atoms[0].text, "port in [22, 6000..6063]");
}

} // namespace
} // namespace palisade::engine
