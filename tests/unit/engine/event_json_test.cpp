// The event `enforcectl explain --event` takes (docs/explain.md): every
// kind, its own fields only, and one exact reason for each mistake.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "palisade/engine/explain.h"

#include "test_events.h"

namespace palisade::engine {
namespace {

using test::error_of;
using test::parse;

TEST(EventJson, ExecByDefaultAndUnderItsOldKey) {
  Event ev = parse(R"({"path":"/usr/bin/nc","binary":"/usr/bin/bash"})");
  EXPECT_EQ(ev.kind, uint32_t{PAL_EVENT_EXEC});
  EXPECT_EQ(ev.path, "/usr/bin/nc");
  EXPECT_TRUE(ev.binary_known);
  EXPECT_EQ(
      parse(R"({"kind":"exec","path":"/usr/bin/nc","binary":"/usr/bin/bash"})"),
      ev);
  EXPECT_EQ(
      parse(
          R"({"event":"exec","path":"/usr/bin/nc","binary":"/usr/bin/bash"})"),
      ev);
  ev = parse(R"({"kind":"exec","path":"/a","path_truncated":true})");
  EXPECT_FALSE(ev.binary_known);
  EXPECT_TRUE(ev.path_truncated);
  ev = parse(R"({"kind":"exec","path_unresolved":true,"binary":null})");
  EXPECT_TRUE(ev.path_unresolved);
}

TEST(EventJson, OpenHasIntents) {
  Event ev = parse(R"({"event":"open","path":"/etc/shadow",
                       "access":["read","write"],"binary":"/usr/bin/cat"})");
  EXPECT_EQ(ev.kind, uint32_t{PAL_EVENT_OPEN});
  EXPECT_EQ(ev.access, uint32_t{PAL_ACCESS_READ | PAL_ACCESS_WRITE});
  EXPECT_EQ(parse(R"({"event":"open","path":"/x","access":"truncate"})").access,
            uint32_t{PAL_ACCESS_TRUNCATE});
  EXPECT_EQ(parse(R"({"event":"open","path":"/x","access":[]})").access, 0u);
}

TEST(EventJson, RenameHasATarget) {
  Event ev = parse(R"({"event":"rename","path":"/tmp/a","target":"/etc/a"})");
  EXPECT_EQ(ev.kind, uint32_t{PAL_EVENT_RENAME});
  EXPECT_EQ(ev.target, "/etc/a");
  ev = parse(R"({"event":"rename","path":"/tmp/a","target_unresolved":true})");
  EXPECT_TRUE(ev.target_unresolved);
  ev = parse(R"({"event":"rename","path":"/tmp/a","target":"/t",
                 "target_truncated":true})");
  EXPECT_TRUE(ev.target_truncated);
}

TEST(EventJson, TheOtherEvents) {
  EXPECT_EQ(parse(R"({"event":"unlink","path":"/x"})").kind,
            uint32_t{PAL_EVENT_UNLINK});
  EXPECT_EQ(parse(R"({"event":"chmod","path":"/x"})").kind,
            uint32_t{PAL_EVENT_CHMOD});
  EXPECT_EQ(parse(R"({"event":"chown","path":"/x"})").kind,
            uint32_t{PAL_EVENT_CHOWN});
}

TEST(EventJson, RejectsWithAReason) {
  EXPECT_EQ(error_of("{"), "the event is not valid JSON");
  EXPECT_EQ(error_of("[]"), "the event must be a JSON object");
  EXPECT_EQ(error_of(R"({"event":"mount","path":"/x"})"),
            "unknown event \"mount\" (known: exec, open, unlink, rename, "
            "chmod, chown, connect, bind, listen)");
  EXPECT_EQ(error_of(R"({"event":3,"path":"/x"})"),
            "\"event\" must be a string");
  EXPECT_EQ(error_of(R"({"kind":"exec","event":"open","path":"/x"})"),
            "\"kind\" and \"event\" name different events");
  EXPECT_EQ(error_of(R"({"event":"open","path":"/x"})"),
            "the event needs \"access\": the open's intents, e.g. [\"read\"] "
            "(known: read, write, create, truncate)");
  EXPECT_EQ(error_of(R"({"event":"open","path":"/x","access":["wrte"]})"),
            "unknown access \"wrte\" (known: read, write, create, truncate)");
  EXPECT_EQ(error_of(R"({"event":"open","path":"/x","access":{"read":1}})"),
            "\"access\" must be a list of intents, e.g. [\"read\", \"write\"]");
  EXPECT_EQ(error_of(R"({"path":"/x","access":["read"]})"),
            "\"access\" is only for open events");
  EXPECT_EQ(
      error_of(R"({"event":"open","path":"/x","access":[],"target":"/y"})"),
      "\"target\" is only for rename events");
  EXPECT_EQ(
      error_of(R"({"event":"unlink","path":"/x","target_unresolved":true})"),
      "\"target_unresolved\" is only for rename events");
  EXPECT_EQ(error_of(R"({"event":"rename","path":"/x"})"),
            "the event needs \"target\": the new name");
  EXPECT_EQ(error_of(R"({"event":"rename","path":"/x","target":"y"})"),
            "\"target\" must be an absolute path, as the kernel resolves it");
  EXPECT_EQ(error_of(R"({"kind":"exec"})"),
            "the event needs \"path\": the event's file");
  EXPECT_EQ(error_of(R"({"kind":"exec","path":"x"})"),
            "\"path\" must be an absolute path, as the kernel resolves it");
  EXPECT_EQ(error_of(R"({"kind":"exec","path":"/a/../b"})"),
            "\"path\" is not a resolved path (no '.', '..', empty components "
            "or trailing '/'); did you mean \"/b\"?");
  EXPECT_EQ(error_of(R"({"kind":"exec","path":"/a/"})"),
            "\"path\" is not a resolved path (no '.', '..', empty components "
            "or trailing '/'); did you mean \"/a\"?");
  EXPECT_EQ(error_of(R"({"kind":"exec","path":"/a","binary":3})"),
            "\"binary\" must be a string");
  EXPECT_EQ(error_of(R"({"kind":"exec","path":"/a","path_truncated":"yes"})"),
            "\"path_truncated\" must be true or false");
  EXPECT_EQ(
      error_of(R"({"kind":"exec","path":"/a","binnary":"/b"})"),
      "unknown key \"binnary\" in the event (known: event, kind, path, "
      "binary, access, target, path_truncated, path_unresolved, "
      "target_truncated, target_unresolved, cgroup, parent_binary, address, "
      "port, "
      "protocol, family, uid, gid, euid, pid)");
}

} // namespace
} // namespace palisade::engine
