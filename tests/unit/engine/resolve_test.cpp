// Name resolution and value checks, on ASTs built in code.
#include <gtest/gtest.h>

#include <palisade/abi.h>

#include "compile_text.h"
#include "passes.h"
#include "test_helpers.h"

namespace palisade::engine {
namespace {

using dsl::Action;
using dsl::CompareOp;
using dsl::Mode;
using test::AstBuilder;

const dsl::Diagnostic &only_error(const dsl::Diagnostics &diags) {
  EXPECT_EQ(diags.error_count(), 1u) << diags.render();
  return diags.all().at(0);
}

TEST(Resolve, UnknownEventSuggestsClosest) {
  AstBuilder b;
  auto r = b.rule(Action::Deny, "exce", b.eq("path", "/bin/sh"));
  uint32_t line = b.last_line();
  dsl::Diagnostics diags;
  EXPECT_FALSE(resolve(test::files(b.file({}, test::policies(b.policy(
                                                  "p", Mode::Enforce,
                                                  test::rules(std::move(r)))))),
                       diags));
  const auto &d = only_error(diags);
  EXPECT_EQ(d.message, "unknown event 'exce'");
  EXPECT_EQ(d.loc.line, line);
  EXPECT_EQ(d.hints, std::vector<std::string>{"did you mean 'exec'?"});
}

TEST(Resolve, UnknownEventFarFromAnyListsThem) {
  AstBuilder b;
  dsl::Diagnostics diags;
  resolve(test::files(b.file(
              {}, test::policies(b.policy(
                      "p", Mode::Enforce,
                      test::rules(b.rule(Action::Deny, "mount", nullptr)))))),
          diags);
  EXPECT_EQ(only_error(diags).hints,
            std::vector<std::string>{
                "known events: exec, open, unlink, rename, chmod, chown, "
                "connect, bind, listen"});
}

TEST(Resolve, UnknownFieldAndSetAreBothReported) {
  AstBuilder b;
  auto field = b.eq("binry", "/bin/sh");
  uint32_t field_line = field->cmp().field_loc.line;
  auto set = b.in_set("path", "shels");
  uint32_t set_line = set->cmp().set_loc.line;
  dsl::Diagnostics diags;
  auto f =
      b.file({b.let("shells", {"/bin/sh"})},
             test::policies(b.policy(
                 "p", Mode::Enforce,
                 test::rules(b.rule(
                     Action::Deny, "exec",
                     b.all(test::exprs(std::move(field), std::move(set))))))));
  EXPECT_FALSE(resolve(test::files(std::move(f)), diags));
  ASSERT_EQ(diags.error_count(), 2u) << diags.render();
  EXPECT_EQ(diags.all()[0].message, "unknown field 'binry' in an 'exec' rule");
  EXPECT_EQ(diags.all()[0].loc.line, field_line);
  EXPECT_EQ(diags.all()[0].hints,
            std::vector<std::string>{"did you mean 'binary'?"});
  EXPECT_EQ(diags.all()[1].message, "unknown set 'shels'");
  EXPECT_EQ(diags.all()[1].loc.line, set_line);
  EXPECT_EQ(diags.all()[1].hints,
            std::vector<std::string>{"did you mean 'shells'?"});
}

TEST(Resolve, SetsAreCanonicalAndBelongToTheirFile) {
  AstBuilder a("a.rules"), b("b.rules");
  // The set is used in a.rules, defined in a.rules (anywhere) and b.rules.
  auto fa = a.file(
      {a.let("tools", {"/usr/bin/nc/", "/usr/bin/nc", "/bin/nc"})},
      test::policies(a.policy("p", Mode::Enforce,
                              test::rules(a.rule(Action::Deny, "exec",
                                                 a.in_set("path", "tools"))))));
  auto fb = b.file({b.let("tools", {"/usr/bin/socat"})}, {});
  dsl::Diagnostics diags;
  auto r = resolve(test::files(std::move(fa), std::move(fb)), diags);
  ASSERT_TRUE(r) << diags.render();
  const Cond &c = r->rules.at(0).condition;
  ASSERT_EQ(c.kind, Cond::Kind::Match);
  // Canonical, sorted, unique, and from a.rules' own set.
  EXPECT_EQ(c.match.values,
            (std::vector<std::string>{"/bin/nc", "/usr/bin/nc"}));
  EXPECT_EQ(c.match.field, PAL_FIELD_PATH);
  EXPECT_FALSE(c.match.negated);
}

TEST(Resolve, SetsOfAnotherFileAreNotVisible) {
  AstBuilder a("a.rules"), b("b.rules");
  auto fa = a.file({}, test::policies(a.policy(
                           "p", Mode::Enforce,
                           test::rules(a.rule(Action::Deny, "exec",
                                              a.in_set("path", "tools"))))));
  auto fb = b.file({b.let("tools", {"/usr/bin/nc"})}, {});
  dsl::Diagnostics diags;
  EXPECT_FALSE(resolve(test::files(std::move(fa), std::move(fb)), diags));
  ASSERT_EQ(diags.error_count(), 1u);
  EXPECT_EQ(diags.all()[0].message, "unknown set 'tools'");
}

TEST(Resolve, DuplicatesPointAtTheFirstDefinition) {
  AstBuilder b;
  auto l1 = b.let("s", {"/a"});
  auto l2 = b.let("s", {"/b"});
  auto p1 = b.policy("p", Mode::Enforce, {});
  auto p2 = b.policy("p", Mode::Audit, {});
  uint32_t let1 = l1.name_loc.line, let2 = l2.name_loc.line;
  uint32_t pol1 = p1.name_loc.line, pol2 = p2.name_loc.line;
  std::vector<dsl::Let> lets;
  lets.push_back(std::move(l1));
  lets.push_back(std::move(l2));
  dsl::Diagnostics diags;
  EXPECT_FALSE(
      resolve(test::files(b.file(std::move(lets),
                                 test::policies(std::move(p1), std::move(p2)))),
              diags));
  ASSERT_EQ(diags.error_count(), 2u);
  EXPECT_EQ(diags.all()[0].message, "set 's' is already defined");
  EXPECT_EQ(diags.all()[0].loc.line, let2);
  EXPECT_EQ(diags.all()[0].hints[0],
            "first defined at test.rules:" + std::to_string(let1) + ":1");
  EXPECT_EQ(diags.all()[1].message, "policy 'p' is already defined");
  EXPECT_EQ(diags.all()[1].loc.line, pol2);
  EXPECT_EQ(diags.all()[1].hints[0],
            "first defined at test.rules:" + std::to_string(pol1) + ":1");
}

TEST(Resolve, BadValueInASetIsReportedOnceAtTheSet) {
  AstBuilder b;
  auto let = b.let("s", {"/ok", "relative"});
  uint32_t bad_line = let.values[1].loc.line;
  auto f = b.file(
      {},
      test::policies(b.policy(
          "p", Mode::Enforce,
          test::rules(b.rule(Action::Deny, "exec", b.in_set("path", "s")),
                      b.rule(Action::Deny, "exec", b.in_set("binary", "s"))))));
  f.lets.push_back(std::move(let));
  dsl::Diagnostics diags;
  EXPECT_FALSE(resolve(test::files(std::move(f)), diags));
  const auto &d = only_error(diags);
  EXPECT_EQ(d.message, "path 'relative' is not absolute");
  EXPECT_EQ(d.loc.line, bad_line);
}

// A literal many rules repeat is checked once, but only good values are
// remembered: a bad one is reported wherever it is written.
TEST(Resolve, BadLiteralIsReportedInEveryRuleThatWritesIt) {
  AstBuilder b;
  auto first_cmp = b.eq("path", "relative");
  uint32_t first_line = first_cmp->cmp().values.at(0).loc.line;
  auto first = b.rule(Action::Deny, "exec", std::move(first_cmp));
  auto second_cmp = b.eq("path", "relative");
  uint32_t second_line = second_cmp->cmp().values.at(0).loc.line;
  auto second = b.rule(Action::Deny, "exec", std::move(second_cmp));
  dsl::Diagnostics diags;
  EXPECT_FALSE(
      resolve(test::files(b.file(
                  {}, test::policies(b.policy(
                          "p", Mode::Enforce,
                          test::rules(std::move(first), std::move(second)))))),
              diags));
  ASSERT_EQ(diags.error_count(), 2u) << diags.render();
  EXPECT_EQ(diags.all()[0].message, "path 'relative' is not absolute");
  EXPECT_EQ(diags.all()[0].loc.line, first_line);
  EXPECT_EQ(diags.all()[1].message, "path 'relative' is not absolute");
  EXPECT_EQ(diags.all()[1].loc.line, second_line);
}

// Rules that name one set, or write the same literal, hold one list of
// canonical values rather than a copy each.
TEST(Resolve, EqualValueListsAreOneSharedList) {
  AstBuilder b;
  auto f = b.file(
      {b.let("s", {"/b", "/a/"})},
      test::policies(b.policy(
          "p", Mode::Enforce,
          test::rules(
              b.rule(Action::Deny, "exec", b.in_set("path", "s")),
              b.rule(Action::Deny, "exec", b.in_set("binary", "s")),
              b.rule(Action::Deny, "exec", b.eq("path", "/tmp/x")),
              b.rule(Action::Deny, "exec", b.eq("binary", "/tmp/x/"))))));
  dsl::Diagnostics diags;
  auto r = resolve(test::files(std::move(f)), diags);
  ASSERT_TRUE(r) << diags.render();
  auto values = [&](size_t i) -> const ValueList & {
    return r->rules.at(i).condition.match.values;
  };
  EXPECT_EQ(values(0), (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(&values(0).get(), &values(1).get());
  EXPECT_EQ(values(2), std::vector<std::string>{"/tmp/x"});
  EXPECT_EQ(&values(2).get(), &values(3).get());
}

TEST(Resolve, EmptyListsBecomeConstantsWithAWarning) {
  AstBuilder b;
  auto f = b.file(
      {}, test::policies(b.policy(
              "p", Mode::Enforce,
              test::rules(b.rule(Action::Deny, "exec",
                                 b.cmp("path", CompareOp::In, {})),
                          b.rule(Action::Deny, "exec",
                                 b.cmp("path", CompareOp::NotIn, {}))))));
  dsl::Diagnostics diags;
  auto r = resolve(test::files(std::move(f)), diags);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->rules[0].condition.kind, Cond::Kind::False);
  EXPECT_EQ(r->rules[1].condition.kind, Cond::Kind::True);
  ASSERT_EQ(diags.all().size(), 2u);
  EXPECT_EQ(diags.all()[0].severity, dsl::Severity::Warning);
  EXPECT_EQ(diags.all()[0].message, "empty list never matches");
}

TEST(Resolve, RuleIdsFollowInputOrderAcrossFiles) {
  AstBuilder a("a.rules"), b("b.rules");
  auto fa = a.file(
      {}, test::policies(
              a.policy("one", Mode::Enforce,
                       test::rules(a.rule(Action::Deny, "exec", nullptr, "m0"),
                                   a.rule(Action::Allow, "exec", nullptr))),
              a.policy("two", Mode::Audit,
                       test::rules(a.rule(Action::Kill, "exec", nullptr)))));
  auto fb =
      b.file({}, test::policies(b.policy(
                     "three", Mode::Enforce,
                     test::rules(b.rule(Action::Audit, "exec", nullptr)))));
  dsl::Diagnostics diags;
  auto r = resolve(test::files(std::move(fa), std::move(fb)), diags);
  ASSERT_TRUE(r) << diags.render();
  ASSERT_EQ(r->rules.size(), 4u);
  std::vector<uint32_t> policy_of;
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r->rules[i].rule_id, i);
    EXPECT_EQ(r->rule_info[i].rule_id, i);
    policy_of.push_back(r->rules[i].policy_index);
  }
  EXPECT_EQ(policy_of, (std::vector<uint32_t>{0, 0, 1, 2}));
  EXPECT_EQ(r->rule_info[0].message, "m0");
  EXPECT_EQ(r->rule_info[3].loc.file_name(), "b.rules");
  EXPECT_EQ(r->policies[2].info.name, "three");
  EXPECT_EQ(r->policies[2].info.index, 2u);
}

TEST(Resolve, SourceTextIsTrimmedOnOneLineWithoutComments) {
  AstBuilder b;
  auto src = std::make_shared<dsl::SourceFile>();
  src->name = "t.rules";
  src->text = "policy \"p\" mode enforce {\n  deny exec when  # why\n"
              "      path == \"/bin/#sh\"   \n}\n";
  auto r = b.rule(Action::Deny, "exec", nullptr);
  r.loc = dsl::SourceLocation{src.get(), 2, 3, 3, 25};
  auto f = b.file({}, test::policies(b.policy("p", Mode::Enforce,
                                              test::rules(std::move(r)))));
  dsl::Diagnostics diags;
  auto res = resolve(test::files(std::move(f)), diags);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->rule_info[0].source_text,
            "deny exec when path == \"/bin/#sh\"");
}

// compile_text() drops the parsed files before it returns: the compiled
// policy keeps what its rule locations point into (events and `run` quote
// the file name and line long after the compile).
TEST(Compile, RuleLocationsOutliveTheParsedFiles) {
  const CompiledPolicy c = test::compile_text(
      "policy \"p\" mode enforce {\n  deny exec when path == \"/bin/nc\"\n}\n",
      "k.rules");
  ASSERT_EQ(c.rules.size(), 1u);
  const dsl::SourceLocation &loc = c.rules[0].loc;
  ASSERT_NE(loc.file, nullptr);
  EXPECT_EQ(loc.file_name(), "k.rules");
  EXPECT_EQ(loc.file->line_text(loc.line),
            "  deny exec when path == \"/bin/nc\"");
}

} // namespace
} // namespace palisade::engine
