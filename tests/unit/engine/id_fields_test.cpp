// The identity fields uid, gid, euid and pid: on every event, numbers and
// ranges like port over 0..4294967295 with port's diagnostics, 4-byte value
// keys with their prefix closure, the reference evaluator's lookups
// (match.h pal_lookup_ids) and the event JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "catalog/field_catalog.h"
#include "compile_text.h"
#include "image/image_decode.h"
#include "lower/value_keys.h"
#include "palisade/engine/evaluate.h"
#include "palisade/engine/explain.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;
using test::connect_to;
using test::diagnostics_of;
using test::event_of;

std::string diag(const std::string &cond, const std::string &event = "exec") {
  return diagnostics_of("policy \"p\" mode enforce {\n  deny " + event +
                        " when " + cond + "\n}\n");
}

Event with_ids(Event ev, uint32_t uid, uint32_t gid, uint32_t euid,
               uint32_t pid) {
  ev.uid = uid;
  ev.gid = gid;
  ev.euid = euid;
  ev.pid = pid;
  return ev;
}

TEST(IdFields, EveryEventHasThem) {
  for (const auto &event : event_catalog())
    for (const char *name : {"uid", "gid", "euid", "pid"}) {
      const FieldSpec *f = find_field(name);
      ASSERT_NE(f, nullptr) << name;
      EXPECT_EQ(f->type, FieldType::Id);
      EXPECT_TRUE(field_in_event(*f, event)) << name << " " << event.name;
    }
  EXPECT_EQ(find_field("uid")->abi_id, PAL_FIELD_UID);
  EXPECT_EQ(find_field("gid")->abi_id, PAL_FIELD_GID);
  EXPECT_EQ(find_field("euid")->abi_id, PAL_FIELD_EUID);
  EXPECT_EQ(find_field("pid")->abi_id, PAL_FIELD_PID);
  EXPECT_EQ(value_width(PAL_FIELD_UID), 4u);
  EXPECT_EQ(value_width(PAL_FIELD_PID), 4u);
  EXPECT_TRUE(is_value_field(PAL_FIELD_EUID));
}

TEST(IdFields, OutOfRangeAndEmptyRanges) {
  EXPECT_EQ(diag("uid == 4294967296"),
            "t.rules:2:25: error: uid 4294967296 is out of range\n"
            "  deny exec when uid == 4294967296\n"
            "                        ^~~~~~~~~~\n"
            "hint: uids are 0..4294967295\n");
  EXPECT_EQ(diag("gid in [1..4294967296]"),
            "t.rules:2:26: error: gid 4294967296 is out of range\n"
            "  deny exec when gid in [1..4294967296]\n"
            "                         ^~~~~~~~~~~~~\n"
            "hint: gids are 0..4294967295\n");
  EXPECT_EQ(diag("euid > 4294967295"),
            "t.rules:2:25: error: 'euid > 4294967295' never holds\n"
            "  deny exec when euid > 4294967295\n"
            "                        ^~~~~~~~~~\n"
            "hint: euids are 0..4294967295\n");
  EXPECT_EQ(diag("pid < 0"), "t.rules:2:24: error: 'pid < 0' never holds\n"
                             "  deny exec when pid < 0\n"
                             "                       ^\n"
                             "hint: pids are 0..4294967295\n");
  EXPECT_EQ(diag("uid in [2000..1000]"),
            "t.rules:2:26: error: empty range 2000..1000: its first number "
            "is greater than its last\n"
            "  deny exec when uid in [2000..1000]\n"
            "                         ^~~~~~~~~~\n"
            "hint: write the smaller number first: 1000..2000\n");
}

TEST(IdFields, StringsAreErrors) {
  EXPECT_EQ(diag("uid == \"0\""),
            "t.rules:2:25: error: 'uid' compares with numbers, not strings\n"
            "  deny exec when uid == \"0\"\n"
            "                        ^~~\n"
            "hint: write uid numbers without quotes: uid == 0\n");
  EXPECT_EQ(diag("gid == \"root\"", "connect"),
            "t.rules:2:28: error: 'gid' compares with numbers, not strings\n"
            "  deny connect when gid == \"root\"\n"
            "                           ^~~~~~\n"
            "hint: gids are numbers 0..4294967295, e.g. gid == 1000 or gid "
            "in [0, 1000..1999]\n");
  EXPECT_EQ(diag("pid under \"/1\""),
            "t.rules:2:22: error: 'under' does not apply to 'pid'\n"
            "  deny exec when pid under \"/1\"\n"
            "                     ^~~~~\n"
            "hint: 'under' takes a directory and applies to paths (path, "
            "binary, parent.binary, target, cgroup); write pid == ... or pid "
            "in [...]\n");
}

TEST(IdFields, OrderingIsARange) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when uid >= 1000 and euid < 1000
    deny open when gid <= 10
    deny connect when pid > 4294967294
  })");
  auto act = [&](Event ev, uint32_t uid, uint32_t gid, uint32_t euid,
                 uint32_t pid) {
    return evaluate(c.image, with_ids(std::move(ev), uid, gid, euid, pid))
        .action;
  };
  const Event exec = event_of(PAL_EVENT_EXEC, "/usr/bin/su", "/bin/sh");
  EXPECT_EQ(act(exec, 1000, 0, 0, 5), PAL_ACT_DENY);
  EXPECT_EQ(act(exec, 4294967295u, 0, 999, 5), PAL_ACT_DENY);
  EXPECT_EQ(act(exec, 999, 0, 0, 5), PAL_ACT_NONE);
  EXPECT_EQ(act(exec, 1000, 0, 1000, 5), PAL_ACT_NONE);
  const Event open = test::open_of("/etc/passwd", PAL_ACCESS_READ);
  EXPECT_EQ(act(open, 0, 10, 0, 1), PAL_ACT_DENY);
  EXPECT_EQ(act(open, 0, 11, 0, 1), PAL_ACT_NONE);
  const Event conn = connect_to("10.1.2.3", 443);
  EXPECT_EQ(act(conn, 0, 0, 0, 4294967295u), PAL_ACT_DENY);
  EXPECT_EQ(act(conn, 0, 0, 0, 4294967294u), PAL_ACT_NONE);
}

TEST(IdFields, ValueEntriesAreFourBytePrefixesWithTheirClosure) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny unlink when uid in [1000..1999]
    kill unlink when uid == 1500 and path == "/etc/passwd"
    allow unlink when uid != 0 and pid == 42
  })");
  std::vector<std::pair<std::string, uint32_t>> uids;
  for (const AtomEntry &e : decode_entries(c.image))
    if (e.field == PAL_FIELD_UID)
      uids.emplace_back(e.value, e.prefixlen);
  // 1000..1999 is a set of aligned blocks; 1500 a full 32-bit key.
  ASSERT_FALSE(uids.empty());
  bool has_1500 = false;
  for (const auto &[v, bits] : uids)
    has_1500 = has_1500 || (v == "1500" && bits == 16 + 32);
  EXPECT_TRUE(has_1500);
  const Event unlink = event_of(PAL_EVENT_UNLINK, "/etc/passwd", "/bin/rm");
  Verdict v = evaluate(c.image, with_ids(unlink, 1500, 0, 0, 7));
  ASSERT_NE(v.uid_entry, 0u);
  EXPECT_EQ(v.action, PAL_ACT_KILL);
  // 1500's entry holds its own atom and that of 1000..1999 (and != 0's).
  EXPECT_GE(held_atoms(c.image, v).size(), 2u);
  EXPECT_EQ(evaluate(c.image, with_ids(unlink, 1999, 0, 0, 7)).action,
            PAL_ACT_DENY);
  EXPECT_EQ(evaluate(c.image, with_ids(unlink, 2000, 0, 0, 7)).action,
            PAL_ACT_NONE);
  // The allow exception (uid != 0 and pid 42) leaves no action; root's
  // pid 42 is not exempt but names no denied uid either.
  Verdict a = evaluate(c.image, with_ids(unlink, 1500, 0, 0, 42));
  EXPECT_EQ(a.action, PAL_ACT_NONE);
  EXPECT_NE(a.pid_entry, 0u);
  EXPECT_EQ(evaluate(c.image, with_ids(unlink, 1500, 0, 0, 43)).action,
            PAL_ACT_KILL);
  // No rule names gid or euid: no lookup, no entry.
  EXPECT_EQ(a.gid_entry, 0u);
  EXPECT_EQ(a.euid_entry, 0u);
}

TEST(IdFields, EventJson) {
  std::string error;
  auto ev = event_from_json(
      R"({"event":"exec","path":"/bin/su","uid":1000,"gid":100,"euid":0,"pid":4242})",
      error);
  ASSERT_TRUE(ev) << error;
  EXPECT_EQ(ev->uid, 1000u);
  EXPECT_EQ(ev->gid, 100u);
  EXPECT_EQ(ev->euid, 0u);
  EXPECT_EQ(ev->pid, 4242u);
  ev =
      event_from_json(R"({"event":"connect","address":"::1","port":1})", error);
  ASSERT_TRUE(ev) << error;
  EXPECT_EQ(ev->uid, 0u);
  EXPECT_EQ(ev->pid, 0u);
  ev = event_from_json(
      R"({"event":"connect","address":"::1","port":1,"uid":4294967295})",
      error);
  ASSERT_TRUE(ev) << error;
  EXPECT_EQ(ev->uid, 4294967295u);
  EXPECT_FALSE(event_from_json(
      R"({"event":"exec","path":"/bin/su","uid":4294967296})", error));
  EXPECT_EQ(error, "\"uid\" must be a number 0..4294967295");
  EXPECT_FALSE(
      event_from_json(R"({"event":"exec","path":"/bin/su","pid":"1"})", error));
  EXPECT_EQ(error, "\"pid\" must be a number 0..4294967295");
  EXPECT_FALSE(
      event_from_json(R"({"event":"exec","path":"/bin/su","gid":-1})", error));
  EXPECT_EQ(error, "\"gid\" must be a number 0..4294967295");
}

TEST(IdFields, ExplainShowsTheIds) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when uid != 0
  })");
  const Event ev = with_ids(event_of(PAL_EVENT_EXEC, "/usr/bin/su", "/bin/sh"),
                            1000, 100, 0, 4242);
  Explanation e = explain_event(c, ev);
  std::string text = explanation_text(e);
  EXPECT_NE(text.find("as uid 1000 gid 100 euid 0 pid 4242"), std::string::npos)
      << text;
  auto j = nlohmann::json::parse(explanation_json(e));
  EXPECT_EQ(j["event"]["uid"], 1000);
  EXPECT_EQ(j["event"]["gid"], 100);
  EXPECT_EQ(j["event"]["euid"], 0);
  EXPECT_EQ(j["event"]["pid"], 4242);
  EXPECT_EQ(e.verdict.action, PAL_ACT_DENY);
}

} // namespace
} // namespace palisade::engine
