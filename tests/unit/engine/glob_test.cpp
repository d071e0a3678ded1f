// startswith, endswith and matches: the glob semantics (a table of
// pattern, path, expected), the kernel's NFA against the reference
// matcher, the language's errors, and decisions of the evaluator.
#include <gtest/gtest.h>

#include <random>

#include <palisade/abi.h>

#include "compile_text.h"
#include "palisade/engine/evaluate.h"
#include "resolve/glob.h"
#include "test_events.h"

namespace palisade::engine {
namespace {

using test::compile_text;
using test::diagnostics_of;

struct Case {
  const char *pattern, *path;
  bool match;
};

const Case kCases[] = {
    {"/home/*/.ssh/**", "/home/ann/.ssh/id_rsa", true},
    {"/home/*/.ssh/**", "/home/ann/.ssh/keys/a", true},
    {"/home/*/.ssh/**", "/home/ann/x/.ssh/id_rsa", false}, // * stops at /
    {"/home/*/.ssh/**", "/home/ann/.ssh", false},
    {"/home/*/.ssh/**", "/home//.ssh/x", true}, // * may be empty
    {"/a/*", "/a/", true},
    {"/a/*", "/a/b/c", false},
    {"/a/**", "/a/b/c", true},
    {"/a/**", "/a", false},
    {"/a/**/b", "/a/b", true}, // /**/ is also one '/'
    {"/a/**/b", "/a/x/y/b", true},
    {"/a/**/b", "/a/xb", false},
    {"/a/**/b", "/ab", false},
    {"/a/**/**/b", "/a/b", true},
    {"/a/**/**/b", "/a/x/b", true},
    {"/a/**b", "/a/x/yb", true},
    {"/a/?", "/a/b", true},
    {"/a/?", "/a/", false},
    {"/a?b", "/a/b", false}, // ? is not /
    {"/a?b", "/axb", true},
    {"**/id_rsa", "/home/a/.ssh/id_rsa", true},
    {"**/id_rsa", "/id_rsa", true},
    {"**/id_rsa", "/x/my_id_rsa", false},
    {"**.pem", "/etc/ssl/a.pem", true},
    {"/etc/*.pem", "/etc/a.pem", true},
    {"/etc/*.pem", "/etc/x/a.pem", false},
    {"/etc/*.pem", "/etc/.pem", true},
    {"/exact", "/exact", true},
    {"/exact", "/exactly", false},
    {"/x/*/*", "/x/a/b", true},
    {"/x/*/*", "/x/a", false},
    {"/*", "/", true},
    {"/**", "/", true},
    {"/tmp/.*", "/tmp/.X11-unix", true},
    {"/tmp/.*", "/tmp/a", false},
};

TEST(GlobMatch, TableOfPatternsAndPaths) {
  for (const Case &c : kCases) {
    EXPECT_EQ(glob_match(c.pattern, c.path), c.match)
        << c.pattern << " on " << c.path;
    // The kernel's NFA (with its prefix atom, here checked by hand).
    pal_glob g = compile_glob(false, c.pattern, PAL_NO_ATOM);
    std::string fixed = glob_fixed_prefix(c.pattern);
    bool nfa = std::string_view(c.path).starts_with(fixed) &&
               glob_nfa_match(g, c.path);
    EXPECT_EQ(nfa, c.match) << "NFA: " << c.pattern << " on " << c.path;
  }
}

TEST(GlobMatch, TheNfaAgreesWithTheReferenceOnRandomPatterns) {
  std::mt19937 rng(7);
  const std::vector<std::string> parts = {"/", "a",    "b", "*", "**",
                                          "?", "/**/", ".", "ab"};
  const std::string bytes = "/ab.";
  for (int n = 0; n < 3000; ++n) {
    std::string p = "/";
    for (int k = rng() % 6; k >= 0; --k)
      p += parts[rng() % parts.size()];
    if (p.find("***") != std::string::npos)
      continue;
    pal_glob g = compile_glob(false, p, PAL_NO_ATOM);
    const std::string fixed = glob_fixed_prefix(p);
    for (int m = 0; m < 20; ++m) {
      std::string path = "/";
      for (int k = rng() % 8; k > 0; --k)
        path += bytes[rng() % bytes.size()];
      bool nfa = path.starts_with(fixed) && glob_nfa_match(g, path);
      ASSERT_EQ(nfa, glob_match(p, path)) << p << " on " << path;
    }
  }
}

TEST(GlobMatch, SuffixNfa) {
  pal_glob g = compile_glob(true, ".pem", PAL_NO_ATOM);
  EXPECT_TRUE(glob_nfa_match(g, "/a/b.pem"));
  EXPECT_TRUE(glob_nfa_match(g, "/.pem"));
  EXPECT_FALSE(glob_nfa_match(g, "/a/b.pem.bak"));
  EXPECT_FALSE(glob_nfa_match(g, "/pem"));
}

TEST(GlobErrors, ExactDiagnostics) {
  auto diag = [](const std::string &cond) {
    return diagnostics_of("policy \"p\" mode enforce { deny open when " + cond +
                          " }");
  };
  EXPECT_EQ(diag("path matches \"/a/[ab]\""),
            "t.rules:1:55: error: '[' starts a character class, which "
            "patterns do not have\n"
            "policy \"p\" mode enforce { deny open when path matches "
            "\"/a/[ab]\" }\n"
            "                                                      ^~~~~~~~~\n"
            "hint: patterns have '*', '**' and '?'; for alternatives write "
            "a list of patterns: matches [\"/a/x\", \"/a/y\"]\n");
  EXPECT_NE(diag("path matches \"a/*\"")
                .find("error: a pattern must start with '/' or '**'"),
            std::string::npos);
  EXPECT_NE(
      diag("path matches \"/a/***\"").find("error: '***' is not a wildcard"),
      std::string::npos);
  EXPECT_NE(diag("path startswith \"tmp\"")
                .find("error: a path prefix must start with '/'\n"),
            std::string::npos);
  EXPECT_NE(diag("path startswith \"tmp\"")
                .find("hint: paths are absolute: write startswith \"/tmp\""),
            std::string::npos);
  EXPECT_NE(diag("path endswith \"a\\x00\"")
                .find("error: a path never contains a NUL byte"),
            std::string::npos);
  EXPECT_NE(diag("path endswith \"" + std::string(300, 'a') + "\"")
                .find("error: the endswith value is 300 bytes long, the "
                      "limit is 253"),
            std::string::npos);
  EXPECT_NE(diag("path endswith \"" + std::string(63, 'a') + "\"")
                .find("error: the endswith value needs 65 matcher states, "
                      "the kernel's limit is 64"),
            std::string::npos);
  EXPECT_NE(diag("path matches \"/a" + std::string(64, '?') + "\"")
                .find("error: the matches value needs 65 matcher states"),
            std::string::npos);
  EXPECT_EQ(diag("path matches \"/a" + std::string(63, '?') + "\""), "");
  EXPECT_NE(diag("access matches \"/a\"")
                .find("error: 'matches' does not apply to 'access'"),
            std::string::npos);
}

TEST(GlobEvaluate, EachFormDecides) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when path startswith "/tmp/." and access == "write"
    deny open when path endswith ".pem"
    kill open when path matches "/home/*/.ssh/**"
    audit open when not path matches "/srv/**" and path startswith "/srv"
  })");
  auto action = [&](const std::string &path) {
    return evaluate(c.image, test::open_of(path, PAL_ACCESS_WRITE)).action;
  };
  EXPECT_EQ(action("/tmp/.X11-unix/x"), PAL_ACT_DENY);
  EXPECT_EQ(action("/tmp/.hidden"), PAL_ACT_DENY);
  EXPECT_EQ(action("/tmp/a"), PAL_ACT_NONE);
  EXPECT_EQ(action("/etc/ssl/a.pem"), PAL_ACT_DENY);
  EXPECT_EQ(action("/etc/ssl/a.pem.bak"), PAL_ACT_NONE);
  EXPECT_EQ(action("/home/ann/.ssh/id_rsa"), PAL_ACT_KILL);
  EXPECT_EQ(action("/home/ann/x/.ssh/id_rsa"), PAL_ACT_NONE);
  EXPECT_EQ(action("/srvx"), PAL_ACT_AUDIT);
  EXPECT_EQ(action("/srv/x"), PAL_ACT_NONE);
}

TEST(GlobEvaluate, ATruncatedPathMatchesNoSuffixOrGlob) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when path endswith ".pem"
    deny open when path startswith "/data/"
  })");
  Event ev = test::open_of("/data/" + std::string(300, 'x') + ".pem",
                           PAL_ACCESS_WRITE);
  EXPECT_EQ(evaluate(c.image, ev).action, PAL_ACT_DENY);
  ev.path = "/x/" + std::string(300, 'x') + ".pem";
  EXPECT_EQ(evaluate(c.image, ev).action, PAL_ACT_DENY);
  ev.path_truncated = true; // only the head: no suffix can be known
  EXPECT_EQ(evaluate(c.image, ev).action, PAL_ACT_NONE);
}

TEST(GlobWarnings, SoundOnExactValues) {
  EXPECT_NE(diagnostics_of(R"(policy "p" mode enforce {
    deny open when path == "/a/x" and path matches "/b/*"
  })")
                .find("warning: rule never matches"),
            std::string::npos);
  EXPECT_EQ(diagnostics_of(R"(policy "p" mode enforce {
    deny open when path == "/b/x" and path matches "/b/*"
    deny open when path under "/c" and path endswith ".pem"
    deny open when path startswith "/d/." and not path under "/d/.git"
  })"),
            "");
}

} // namespace
} // namespace palisade::engine
