// The parent.binary field: the language's one dotted field, a path field
// on every event with its own key byte (PAL_FIELD_PARENT_BINARY), the
// reference evaluator's lookup (only when a rule names it, none when the
// parent is unknown), explain's event JSON and text, and the diagnostics
// of dotted names that are not fields.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "catalog/field_catalog.h"
#include "compile_text.h"
#include "palisade/engine/evaluate.h"
#include "palisade/engine/explain.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;
using test::connect_to;
using test::diagnostics_of;
using test::event_of;
using test::parse;

Event with_parent(Event ev, std::string parent) {
  ev.parent_binary = std::move(parent);
  ev.parent_binary_known = true;
  return ev;
}

TEST(ParentBinary, APathFieldOfEveryEvent) {
  const FieldSpec *f = find_field("parent.binary");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->abi_id, PAL_FIELD_PARENT_BINARY);
  EXPECT_EQ(f->type, FieldType::Path);
  for (const auto &event : event_catalog())
    EXPECT_TRUE(field_in_event(*f, event)) << event.name;
  EXPECT_EQ(find_field(uint8_t{PAL_FIELD_PARENT_BINARY})->name,
            "parent.binary");
  // Path fields come first: it has a row of exact lengths in pal_slot.
  EXPECT_LE(PAL_FIELD_PARENT_BINARY, PAL_PATH_FIELDS);
}

TEST(ParentBinary, ExactUnderAndNegated) {
  auto c = compile_text(R"(
  let shells = ["/bin/sh", "/usr/bin/bash"]
  policy "p" mode enforce {
    kill exec when parent.binary == "/usr/sbin/nginx" and path in shells
    deny connect when parent.binary under "/tmp"
    deny open when parent.binary not in ["/usr/sbin/sshd"] and path == "/etc/shadow"
  })");
  auto exec = [&](const std::string &parent, const std::string &path) {
    return evaluate(c.image,
                    with_parent(event_of(PAL_EVENT_EXEC, path), parent))
        .action;
  };
  EXPECT_EQ(exec("/usr/sbin/nginx", "/bin/sh"), PAL_ACT_KILL);
  EXPECT_EQ(exec("/usr/sbin/nginx", "/usr/bin/ls"), PAL_ACT_NONE);
  EXPECT_EQ(exec("/usr/sbin/sshd", "/bin/sh"), PAL_ACT_NONE);
  // The caller's own binary is another field.
  Event by_nginx = event_of(PAL_EVENT_EXEC, "/bin/sh", "/usr/sbin/nginx");
  EXPECT_EQ(evaluate(c.image, with_parent(by_nginx, "/usr/bin/bash")).action,
            PAL_ACT_NONE);

  auto connect = [&](const std::string &parent) {
    return evaluate(c.image, with_parent(connect_to("10.1.2.3", 443), parent))
        .action;
  };
  EXPECT_EQ(connect("/tmp/x/dropper"), PAL_ACT_DENY);
  EXPECT_EQ(connect("/tmp"), PAL_ACT_NONE); // under is strictly below
  EXPECT_EQ(connect("/tmpfoo/x"), PAL_ACT_NONE);

  Event open = test::open_of("/etc/shadow", PAL_ACCESS_READ);
  EXPECT_EQ(evaluate(c.image, with_parent(open, "/usr/sbin/sshd")).action,
            PAL_ACT_NONE);
  EXPECT_EQ(evaluate(c.image, with_parent(open, "/usr/bin/bash")).action,
            PAL_ACT_DENY);
}

// A parent without an executable (a kernel thread) equals no path: only
// the negated comparisons hold, and nothing fails closed.
TEST(ParentBinary, UnknownParentHoldsOnlyNegations) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when parent.binary under "/" and path == "/a"
    deny exec when parent.binary != "/usr/sbin/sshd" and path == "/b"
  })");
  Event a = event_of(PAL_EVENT_EXEC, "/a");
  Event b = event_of(PAL_EVENT_EXEC, "/b");
  ASSERT_FALSE(a.parent_binary_known);
  Verdict va = evaluate(c.image, a);
  EXPECT_EQ(va.action, PAL_ACT_NONE);
  EXPECT_EQ(va.parent_binary_entry, 0u);
  EXPECT_FALSE(va.fail_closed);
  EXPECT_EQ(evaluate(c.image, b).action, PAL_ACT_DENY);
  EXPECT_EQ(evaluate(c.image, with_parent(a, "/usr/bin/x")).action,
            PAL_ACT_DENY);
  EXPECT_NE(evaluate(c.image, with_parent(a, "/usr/bin/x")).parent_binary_entry,
            0u);
  EXPECT_EQ(evaluate(c.image, with_parent(b, "/usr/sbin/sshd")).action,
            PAL_ACT_NONE);
}

// The kernel looks the parent up only when a rule names the field; the
// evaluator mirrors that, so a known parent finds no entry otherwise.
TEST(ParentBinary, NoLookupWithoutARuleOnIt) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny exec when binary == "/usr/sbin/nginx"
  })");
  Verdict v = evaluate(
      c.image, with_parent(event_of(PAL_EVENT_EXEC, "/a"), "/usr/sbin/nginx"));
  EXPECT_EQ(v.action, PAL_ACT_NONE);
  EXPECT_EQ(v.parent_binary_entry, 0u);
}

TEST(ParentBinary, PathChecksAndDottedNames) {
  EXPECT_EQ(diagnostics_of("policy \"p\" mode enforce {\n"
                           "  deny exec when parent.binary == \"nginx\"\n}\n"),
            "t.rules:2:35: error: path 'nginx' is not absolute\n"
            "  deny exec when parent.binary == \"nginx\"\n"
            "                                  ^~~~~~~\n"
            "hint: the kernel matches resolved absolute paths; start the path "
            "with '/'\n");
  EXPECT_EQ(diagnostics_of("policy \"p\" mode enforce {\n"
                           "  deny exec when parent.binry == \"/a\"\n}\n"),
            "t.rules:2:18: error: unknown field 'parent.binry' in an 'exec' "
            "rule\n"
            "  deny exec when parent.binry == \"/a\"\n"
            "                 ^~~~~~~~~~~~\n"
            "hint: did you mean 'parent.binary'?\n");
}

TEST(ParentBinary, ExplainEventJsonAndText) {
  Event ev =
      parse(R"({"event":"exec","path":"/bin/sh","binary":"/usr/sbin/nginx",
                       "parent_binary":"/usr/lib/systemd/systemd"})");
  EXPECT_TRUE(ev.parent_binary_known);
  EXPECT_EQ(ev.parent_binary, "/usr/lib/systemd/systemd");
  Event unknown =
      parse(R"({"event":"exec","path":"/bin/sh","parent_binary":null})");
  EXPECT_FALSE(unknown.parent_binary_known);
  EXPECT_EQ(
      test::error_of(R"({"event":"exec","path":"/a","parent_binary":"x"})"),
      "\"parent_binary\" must be an absolute path, as the kernel "
      "resolves it");

  auto c = compile_text(R"(policy "p" mode enforce {
    kill exec when parent.binary == "/usr/sbin/nginx" and path == "/bin/sh"
  })");
  Explanation e = explain_event(
      c, parse(R"({"event":"exec","path":"/bin/sh","binary":"/usr/sbin/nginx",
                   "parent_binary":"/usr/sbin/nginx"})"));
  EXPECT_EQ(e.verdict.action, PAL_ACT_KILL);
  const std::string text = explanation_text(e);
  EXPECT_NE(text.find("event: exec of \"/bin/sh\" by \"/usr/sbin/nginx\" "
                      "child of \"/usr/sbin/nginx\"\n"),
            std::string::npos)
      << text;
  const std::string json = explanation_json(e);
  EXPECT_NE(json.find("\"parent_binary\": \"/usr/sbin/nginx\""),
            std::string::npos)
      << json;
}

} // namespace
} // namespace palisade::engine
