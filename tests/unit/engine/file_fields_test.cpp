// The fields of file events in the language: which events have them, how
// access values and target paths are checked, and the exact diagnostics.
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

TEST(FileFields, EveryEventHasPathAndBinaryAndItsOwn) {
  auto fields = [](const char *event) {
    return field_names(*find_event(event));
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(fields("exec"), (V{"path", "binary", "parent.binary", "cgroup",
                               "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(fields("open"), (V{"path", "binary", "parent.binary", "access",
                               "cgroup", "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(fields("unlink"), (V{"path", "binary", "parent.binary", "cgroup",
                                 "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(fields("rename"), (V{"path", "binary", "parent.binary", "target",
                                 "cgroup", "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(fields("chmod"), (V{"path", "binary", "parent.binary", "cgroup",
                                "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(fields("chown"), (V{"path", "binary", "parent.binary", "cgroup",
                                "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(find_event("rename")->abi_id, uint32_t{PAL_EVENT_RENAME});
  EXPECT_EQ(find_event(uint32_t{PAL_EVENT_CHOWN})->name, "chown");
  EXPECT_EQ(find_field("target")->abi_id, PAL_FIELD_TARGET);
  EXPECT_EQ(find_field("access")->type, FieldType::Access);
  EXPECT_EQ(event_names(*find_field("access")),
            std::vector<std::string>{"open"});
}

TEST(FileFields, AccessValuesAreSortedIntentNames) {
  Cond c = resolved_condition(R"(policy "p" mode enforce {
    deny open when access in ["write", "read", "write"]
  })");
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  EXPECT_EQ(c.match.field, PAL_FIELD_ACCESS);
  EXPECT_EQ(c.match.kind, MatchKind::Exact);
  EXPECT_EQ(c.match.values, (std::vector<std::string>{"read", "write"}));
}

TEST(FileFields, AccessSetsWork) {
  Cond c = resolved_condition(R"(
  let changes = ["truncate", "write", "create"]
  policy "p" mode enforce { deny open when access not in changes })");
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  EXPECT_TRUE(c.match.negated);
  EXPECT_EQ(c.match.values,
            (std::vector<std::string>{"create", "truncate", "write"}));
}

TEST(FileFields, TargetIsAPathOfRename) {
  Cond c = resolved_condition(R"(policy "p" mode enforce {
    deny rename when target under "/etc/"
  })");
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  EXPECT_EQ(c.match.field, PAL_FIELD_TARGET);
  EXPECT_EQ(c.match.kind, MatchKind::Under);
  EXPECT_EQ(c.match.values, std::vector<std::string>{"/etc"});
}

TEST(FileFields, TargetOnAnotherEventSaysWhereItIs) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when target == "/x"
})"),
            "t.rules:2:18: error: field 'target' is not available in an "
            "'open' rule, only in 'rename' rules\n"
            "  deny open when target == \"/x\"\n"
            "                 ^~~~~~\n"
            "hint: fields of an 'open' rule: path, binary, parent.binary, "
            "access, cgroup, uid, "
            "gid, euid, pid\n");
}

TEST(FileFields, AccessOnAnotherEventSaysWhereItIs) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny exec when access == "read"
})"),
            "t.rules:2:18: error: field 'access' is not available in an "
            "'exec' rule, only in 'open' rules\n"
            "  deny exec when access == \"read\"\n"
            "                 ^~~~~~\n"
            "hint: fields of an 'exec' rule: path, binary, parent.binary, "
            "cgroup, uid, gid, "
            "euid, pid\n");
}

TEST(FileFields, UnderOnAccessIsATypeError) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access under "/write"
})"),
            "t.rules:2:25: error: 'under' does not apply to 'access'\n"
            "  deny open when access under \"/write\"\n"
            "                        ^~~~~\n"
            "hint: 'access' is a set of intents, not a path: write access == "
            "\"write\" or access in [\"write\", \"truncate\"]\n");
}

TEST(FileFields, UnknownAccessValueSuggestsTheClosest) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access in ["wrte", "execute"]
})"),
            "t.rules:2:29: error: unknown access value 'wrte'\n"
            "  deny open when access in [\"wrte\", \"execute\"]\n"
            "                            ^~~~~~\n"
            "hint: did you mean 'write'?\n"
            "t.rules:2:37: error: unknown access value 'execute'\n"
            "  deny open when access in [\"wrte\", \"execute\"]\n"
            "                                    ^~~~~~~~~\n"
            "hint: access values: read, write, create, truncate\n");
}

TEST(FileFields, PathChecksDoNotApplyToAccess) {
  // "read" is no absolute path, nor needs to be; a path is checked as one
  // whichever event it is of.
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access == "read" and path == "/etc/shadow"
})"),
            "");
  EXPECT_NE(diagnostics_of(R"(policy "p" mode enforce {
  deny rename when target == "etc/passwd"
})")
                .find("error: path 'etc/passwd' is not absolute"),
            std::string::npos);
}

TEST(FileFields, OneSetChecksPerFieldType) {
  // The same set as intents is fine, as paths it is not absolute.
  std::string d = diagnostics_of(R"(
let w = ["write"]
policy "p" mode enforce {
  deny open when access in w
  deny open when path in w
})");
  EXPECT_NE(d.find("t.rules:2:10: error: path 'write' is not absolute"),
            std::string::npos)
      << d;
  EXPECT_EQ(d.find("access"), std::string::npos) << d;
}

} // namespace
} // namespace palisade::engine
