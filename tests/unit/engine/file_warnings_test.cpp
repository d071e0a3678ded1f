// Rule warnings on file events: access comparisons are "any of the
// intents", so two of them never exclude each other the way two exact
// paths do; rules of different events never shadow each other.
#include <gtest/gtest.h>

#include "compile_text.h"

namespace palisade::engine {
namespace {

using test::diagnostics_of;

// The quoted rule line and its caret line, as a diagnostic shows a whole
// rule written at column 3.
std::string quoted_rule(const std::string &rule) {
  return "  " + rule + "\n  ^" + std::string(rule.size() - 1, '~') + "\n";
}

TEST(FileWarnings, TwoIntentsCanHoldTogether) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access == "read" and access == "write"
})"),
            "");
}

TEST(FileWarnings, ForbiddingEveryNeededIntentNeverMatches) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access in ["read", "write"] and access != "read" and access != "write"
})"),
            "t.rules:2:3: warning: rule never matches: its condition can "
            "never hold\n" +
                quoted_rule("deny open when access in [\"read\", \"write\"] "
                            "and access != \"read\" and access != \"write\"") +
                "hint: every intent of access in [\"read\", \"write\"] is "
                "excluded by the other comparisons of 'access'\n");
}

TEST(FileWarnings, AWiderIntentListShadowsANarrowerOne) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when path under "/etc" and access in ["write", "truncate"]
  deny open when path == "/etc/shadow" and access == "write"
})"),
            "t.rules:3:3: warning: rule never decides: an earlier-deciding "
            "rule of policy 'p' matches whenever it does\n" +
                quoted_rule("deny open when path == \"/etc/shadow\" and "
                            "access == \"write\"") +
                "hint: shadowed by the rule at t.rules:2:3 (the first matching "
                "deny rule decides)\n");
  // The other way round, the narrower rule decides first and the wider
  // one still decides for truncating opens.
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  deny open when access == "write"
  deny open when access in ["write", "truncate"]
})"),
            "");
}

TEST(FileWarnings, OneIntentDoesNotExcludeAnother) {
  // For paths, path == "/a" implies path != "/b", so the allow below would
  // swallow the deny; an open with "read" may still have "write".
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  allow open when access == "read"
  deny open when access != "write"
  deny open when access == "write"
})"),
            "");
}

TEST(FileWarnings, EventsDoNotShadowEachOther) {
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
  kill exec when path under "/tmp"
  deny unlink when path under "/tmp"
  deny rename when path under "/tmp" or target under "/tmp"
})"),
            "");
  EXPECT_NE(diagnostics_of(R"(policy "p" mode enforce {
  allow chmod when path under "/srv"
})")
                .find("policy 'p' has no kill, deny or audit rule for "
                      "'chmod'"),
            std::string::npos);
}

} // namespace
} // namespace palisade::engine
