// Every diagnostic message the frontend and the engine can emit has a test
// input that produces it. The message templates are read from the sources:
//   - each entry of the syntax error table (error_message<g::...> in
//     dsl/src/parse_errors.h), and each `err.message = ...` of its refine<>s;
//   - the message argument of every `.error(` / `.warning(` call, of the
//     value parser's `error(message, hint)` helper and of rule_warnings'
//     `Finding{message, hints}`, in dsl/src and engine/src.
// A message built at run time ("unknown field '" + name + "'") becomes its
// fixed fragments, which must appear in that order in one produced message;
// `c ? "a" : "b"` gives one template per alternative. Expressions without a
// string literal (a message passed on, e.g. `e.message`) are not templates:
// their literals are found where they are built (kPassedOn lists them).
// A table entry whose refine<> rewrites the message counts as covered when
// one of the rewritten messages is.
// The corpus: every tests/golden/*/ case compiled as golden_test does, and
// every input of tests/unit/dsl/parse_reject_test.cpp (the string literals
// passed to parse_fail(), read from that file so its assertions stay as
// they are), plus inputs written here: policies past the kernel's
// capacities (megabytes of text, too big for goldens), an unreadable file
// and a slot that does not exist.
// A message no input produces fails EveryMessageHasACase with its
// file:line; add a golden (UPDATE_GOLDEN=1 writes expected.diag) or a
// parser reject case. kUnreachable lists the few no input can reach.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "palisade/abi.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/compile.h"

#include "golden_case.h"

namespace palisade::engine {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = PALISADE_SOURCE_DIR;
const fs::path kGoldenDir = PALISADE_GOLDEN_DIR;

// Messages no input can produce, with the reason. Keyed by one of the
// template's fragments.
const std::map<std::string, std::string> kUnreachable = {
    // grammar::file ends only at eof and raises on anything else.
    {"internal error: the parser stopped", "guards against a grammar bug"},
    {"internal error while parsing: ",
     "only a std::exception other than bad_alloc out of the parser"},
    {"out of memory while parsing", "needs an allocation failure"},
    // Backstops behind an earlier check of the same thing.
    {"an alternative of this condition has more than ",
     "normalize.cpp reports the same limit at the condition first"},
    {"' takes one number",
     "the parser gives an ordering operator exactly one number"},
    {" is empty", "the parser rejects a range whose first number is greater "
                  "(\"empty range ...: its first number is greater\")"},
};

std::string read(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- a small C++ lexer: enough to find string literals and calls

struct Tok {
  enum Kind { Str, Word, Punct } kind;
  std::string text; // a string literal's value, after escapes
  int line;
};

void unescape(std::string_view body, std::string &out) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    const char c = body[++i];
    switch (c) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case '0':
      out += '\0';
      break;
    case 'x': {
      size_t j = i + 1;
      while (j < body.size() &&
             std::isxdigit(static_cast<unsigned char>(body[j])))
        ++j;
      out += static_cast<char>(
          std::stoi(std::string(body.substr(i + 1, j - i - 1)), nullptr, 16));
      i = j - 1;
      break;
    }
    default:
      out += c; // \" \\ \'
    }
  }
}

std::vector<Tok> lex(const std::string &s) {
  std::vector<Tok> out;
  int line = 1;
  size_t i = 0;
  const auto count_lines = [&](size_t from, size_t to) {
    line +=
        static_cast<int>(std::count(s.begin() + from, s.begin() + to, '\n'));
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.compare(i, 2, "//") == 0) {
      i = s.find('\n', i);
      if (i == s.npos)
        break;
    } else if (s.compare(i, 2, "/*") == 0) {
      const size_t end = s.find("*/", i) + 2;
      count_lines(i, end);
      i = end;
    } else if (s.compare(i, 2, "R\"") == 0) {
      const size_t open = s.find('(', i);
      const std::string close = ")" + s.substr(i + 2, open - i - 2) + "\"";
      const size_t end = s.find(close, open);
      Tok t{Tok::Str, s.substr(open + 1, end - open - 1), line};
      count_lines(i, end);
      i = end + close.size();
      if (!out.empty() && out.back().kind == Tok::Str)
        out.back().text += t.text;
      else
        out.push_back(std::move(t));
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (s[j] != c)
        j += s[j] == '\\' ? 2 : 1;
      if (c == '\'') {
        out.push_back({Tok::Punct, "'", line});
      } else {
        std::string value;
        unescape(std::string_view(s).substr(i + 1, j - i - 1), value);
        if (!out.empty() && out.back().kind == Tok::Str)
          out.back().text += value; // "a" "b" is one literal
        else
          out.push_back({Tok::Str, std::move(value), line});
      }
      i = j + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_'))
        ++j;
      out.push_back({Tok::Word, s.substr(i, j - i), line});
      i = j;
    } else {
      out.push_back({Tok::Punct, std::string(1, c), line});
      ++i;
    }
  }
  return out;
}

bool is(const std::vector<Tok> &t, size_t i, std::string_view text) {
  return i < t.size() && t[i].kind != Tok::Str && t[i].text == text;
}

// The arguments of the call whose '(' or '{' is at `open`: token ranges.
std::vector<std::pair<size_t, size_t>> arguments(const std::vector<Tok> &t,
                                                 size_t open) {
  std::vector<std::pair<size_t, size_t>> args;
  int depth = 0;
  size_t start = open + 1;
  for (size_t i = open; i < t.size(); ++i) {
    if (t[i].kind != Tok::Punct)
      continue;
    const char c = t[i].text[0];
    if (c == '(' || c == '{' || c == '[')
      ++depth;
    else if (c == ')' || c == '}' || c == ']') {
      if (--depth == 0) {
        args.emplace_back(start, i);
        return args;
      }
    } else if (c == ',' && depth == 1) {
      args.emplace_back(start, i);
      start = i + 1;
    }
  }
  return args;
}

struct Template {
  std::string where; // file:line
  std::vector<std::string> fragments;
  std::string owner; // for refine<g::X>: X; for the table entry X: X
  bool table = false;
  std::string text() const {
    std::string s;
    for (const auto &f : fragments)
      s += (s.empty() ? "" : "...") + f;
    return s;
  }
};

// The templates of the expression in tokens [b, e): its fixed fragments, one
// template per alternative of `c ? "a" : "b"`.
std::vector<std::vector<std::string>> fragments(const std::vector<Tok> &t,
                                                size_t b, size_t e) {
  std::vector<std::vector<std::string>> slots; // each: its alternatives
  bool choice_open = false;
  for (size_t i = b; i < e; ++i) {
    if (t[i].kind != Tok::Str)
      continue;
    if (i > b && is(t, i - 1, ":") && choice_open) {
      slots.back().push_back(t[i].text);
      choice_open = false;
    } else if (i > b && is(t, i - 1, ":")) {
      // `p ? p->name : "?"`: a fallback for a runtime part, not text of its own
    } else {
      slots.push_back({t[i].text});
      choice_open = i > b && is(t, i - 1, "?");
    }
  }
  std::vector<std::vector<std::string>> out;
  if (slots.empty())
    return out;
  out.push_back({});
  for (const auto &slot : slots) {
    std::vector<std::vector<std::string>> next;
    for (const auto &prefix : out)
      for (const auto &alt : slot) {
        next.push_back(prefix);
        next.back().push_back(alt);
      }
    out = std::move(next);
  }
  return out;
}

// Message arguments without a string literal, as "file: tokens": the
// message comes from elsewhere and must be one of kPassedOn.
std::vector<std::string> passed_on;

// Where those messages are built (and so found as templates).
const std::set<std::string> kPassedOn = {
    // SyntaxError: the table and refine<>s of parse_errors.h
    "dsl/src/parser.cpp: e.message",
    // PEGTL's own parse_error: only a raise outside our control
    "dsl/src/parser.cpp: std::string(e.message())",
    // ParsedValue: value_keys.cpp's error(message, hint)
    "engine/src/resolve/resolve.cpp: v.error",
    // rule_warnings.cpp's Finding{message, hints}
    "engine/src/warnings/rule_warnings.cpp: found_[i]->message",
};

std::string tokens_text(const std::vector<Tok> &t, size_t b, size_t e) {
  std::string s;
  for (size_t i = b; i < e; ++i) {
    const bool word = t[i].kind == Tok::Word;
    if (word && !s.empty() &&
        std::isalnum(static_cast<unsigned char>(s.back())))
      s += ' ';
    s += t[i].text;
  }
  return s;
}

std::vector<Template> templates_of(const fs::path &file) {
  const std::vector<Tok> t = lex(read(file));
  const std::string name = fs::relative(file, kSourceDir).string();
  std::vector<Template> out;
  std::string refine_of; // the refine<g::X> being read, if any
  const auto add = [&](size_t b, size_t e, const std::string &owner,
                       bool table) {
    for (auto &f : fragments(t, b, e))
      if (!f.empty()) {
        int line = 0;
        for (size_t i = b; i < e && !line; ++i)
          if (t[i].kind == Tok::Str)
            line = t[i].line;
        out.push_back(
            {name + ":" + std::to_string(line), std::move(f), owner, table});
      }
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (is(t, i, "template"))
      refine_of.clear();
    // error_message<g::X> = {"message", ...}
    // (`::` is two tokens)
    if (is(t, i, "error_message") && is(t, i + 1, "<") && is(t, i + 2, "g") &&
        is(t, i + 6, ">") && is(t, i + 7, "=") && is(t, i + 8, "{")) {
      const auto args = arguments(t, i + 8);
      add(args[0].first, args[0].second, t[i + 5].text, true);
    }
    // refine<g::X>(...) { ... }
    if (is(t, i, "refine") && is(t, i + 1, "<") && is(t, i + 2, "g") &&
        is(t, i + 6, ">") && i > 0 && is(t, i - 1, "void"))
      refine_of = t[i + 5].text;
    // err.message = ...;
    if (is(t, i, "err") && is(t, i + 1, ".") && is(t, i + 2, "message") &&
        is(t, i + 3, "=")) {
      size_t e = i + 4;
      while (!is(t, e, ";"))
        ++e;
      add(i + 4, e, refine_of, false);
    }
    // diags.error(loc, message), .warning(loc, message)
    // (not their definitions: `Diagnostics::error(`, `ParsedValue error(`)
    const bool definition =
        i > 0 && (is(t, i - 1, ":") ||
                  (t[i - 1].kind == Tok::Word && t[i - 1].text != "return"));
    if ((is(t, i, "error") || is(t, i, "warning")) && is(t, i + 1, "(") &&
        !definition) {
      const auto args = arguments(t, i + 1);
      const bool member = i > 0 && is(t, i - 1, ".");
      const size_t which = member ? 1 : 0; // error(message, hint) helper
      if (args.size() > which) {
        const auto [b, e] = args[which];
        if (std::none_of(t.begin() + b, t.begin() + e,
                         [](const Tok &k) { return k.kind == Tok::Str; }))
          passed_on.push_back(name + ": " + tokens_text(t, b, e));
        add(b, e, refine_of, false);
      }
    }
    // rule_warnings: Finding{message, hints}
    if (is(t, i, "Finding") && is(t, i + 1, "{")) {
      const auto args = arguments(t, i + 1);
      add(args[0].first, args[0].second, "", false);
    }
  }
  return out;
}

std::vector<Template> all_templates() {
  std::vector<Template> out;
  std::vector<fs::path> files;
  for (const char *dir : {"dsl/src", "engine/src"})
    for (const auto &e : fs::recursive_directory_iterator(kSourceDir / dir))
      if (e.path().extension() == ".cpp" || e.path().extension() == ".h")
        files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto &f : files)
    for (auto &t : templates_of(f))
      out.push_back(std::move(t));
  return out;
}

// ---- the corpus

void collect(const dsl::Diagnostics &diags, std::vector<std::string> &out) {
  for (const auto &d : diags.all())
    out.push_back(d.message);
}

// A golden case, as golden_test.cpp runs it.
void run_golden(const fs::path &dir, std::vector<std::string> &out) {
  collect(test::run_golden_case(dir).diags, out);
}

// The inputs of parse_reject_test.cpp: each parse_fail("literal").
std::vector<std::string> reject_inputs() {
  const std::vector<Tok> t =
      lex(read(kSourceDir / "tests/unit/dsl/parse_reject_test.cpp"));
  std::vector<std::string> out;
  for (size_t i = 0; i + 2 < t.size(); ++i)
    if (is(t, i, "parse_fail") && is(t, i + 1, "(") &&
        t[i + 2].kind == Tok::Str)
      out.push_back(t[i + 2].text);
  return out;
}

// Policies past the kernel's capacities: too big to keep as goldens, so
// they are written here, each just over one limit of bpf/include/palisade/
// abi.h.
std::string paths_list(const std::string &name, size_t n,
                       const std::string &prefix) {
  std::string s = "let " + name + " = [";
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", \"" : "\"") + prefix + std::to_string(i) + "\"";
  return s + "]\n";
}

struct CapacityInput {
  std::string name, error, text; // `error`: part of the one error expected
};

std::vector<CapacityInput> capacity_inputs() {
  std::vector<CapacityInput> out;
  const auto policy = [](const std::string &rules) {
    return "policy \"p\" mode enforce {\n" + rules + "}\n";
  };
  { // PAL_MAX_RULES + 1 rules
    std::string rules;
    for (size_t i = 0; i <= PAL_MAX_RULES; ++i)
      rules += "deny exec when path == \"/t" + std::to_string(i) + "\"\n";
    out.push_back({"too_many_rules", "too many rules", policy(rules)});
  }
  { // PAL_MAX_ATOMS + 1 distinct comparisons, 8 x 8 to a rule
    std::string rules;
    for (size_t r = 0; r * 64 <= PAL_MAX_ATOMS; ++r) {
      rules += "deny exec when ";
      for (size_t t = 0; t < 8; ++t) {
        rules += t ? " or (" : "(";
        for (size_t i = 0; i < 8; ++i)
          rules += std::string(i ? " and " : "") + "not path == \"/a" +
                   std::to_string(r * 64 + t * 8 + i) + "\"";
        rules += ")";
      }
      rules += "\n";
    }
    out.push_back(
        {"too_many_atoms", "too many distinct comparisons", policy(rules)});
  }
  { // PAL_SLOT_TERMS + 8 alternatives, 8 to a rule
    std::string rules;
    for (size_t r = 0; r * 8 <= PAL_SLOT_TERMS; ++r) {
      rules += "deny exec when path under \"/u" + std::to_string(r) + "/0\"";
      for (size_t i = 1; i < 8; ++i)
        rules += " or path under \"/u" + std::to_string(r) + "/" +
                 std::to_string(i) + "\"";
      rules += "\n";
    }
    out.push_back(
        {"too_many_terms", "alternatives over all policies", policy(rules)});
  }
  { // PAL_SLOT_LITS + 64 comparisons in alternatives: 8 x 8 to a rule
    std::string cond;
    for (size_t t = 0; t < 8; ++t) {
      cond += t ? " or (" : "(";
      for (size_t i = 0; i < 8; ++i)
        cond += std::string(i ? " and " : "") + "not path == \"/x" +
                std::to_string(t) + "/" + std::to_string(i) + "\"";
      cond += ")";
    }
    std::string rules;
    for (size_t r = 0; r * 64 <= PAL_SLOT_LITS; ++r)
      rules += "deny exec when " + cond + "\n";
    out.push_back(
        {"too_many_lits", "comparisons over all policies", policy(rules)});
  }
  { // PAL_SLOT_GLOBS + 1 different suffixes
    std::string rules;
    for (size_t i = 0; i <= PAL_SLOT_GLOBS; ++i)
      rules += "deny open when path endswith \".x" + std::to_string(i) + "\"\n";
    out.push_back({"too_many_globs", "different endswith and matches values",
                   policy(rules)});
  }
  // PAL_SLOT_ENTRIES path entries, and one more
  out.push_back({"too_many_path_entries", "path entries",
                 paths_list("big", PAL_SLOT_ENTRIES, "/f") +
                     policy("deny exec when path in big\n"
                            "deny exec when path under \"/f0\"\n")});
  // PAL_SLOT_ENTRIES path entries, and an address's value entries
  out.push_back({"too_many_entries", "path, access and value entries",
                 paths_list("big", PAL_SLOT_ENTRIES, "/f") +
                     policy("deny exec when path in big\n"
                            "deny connect when address == \"10.0.0.1\"\n")});
  // Each of 65536 paths is held by its list and four directories above it.
  out.push_back({"too_many_held", "(path, comparison) pairs",
                 paths_list("big", 65536, "/d/e/g/f") +
                     policy("deny exec when path in big\n"
                            "deny exec when path under \"/\"\n"
                            "deny exec when path under \"/d\"\n"
                            "deny exec when path under \"/d/e\"\n"
                            "deny exec when path under \"/d/e/g\"\n")});
  // 'under "/"' is a candidate of every entry: three times 65537, and the
  // list's own 65536.
  out.push_back({"too_many_candidates", "candidate records",
                 paths_list("big", 65536, "/f") +
                     policy("deny exec when path under \"/\"\n"
                            "audit exec when path under \"/\"\n"
                            "kill exec when path under \"/\"\n"
                            "deny exec when path in big\n")});
  return out;
}

struct Corpus {
  std::vector<std::string> messages;
  size_t golden_cases = 0, golden_invalid = 0, reject_inputs = 0,
         capacity_inputs = 0;
};

Corpus corpus() {
  Corpus c;
  std::vector<fs::path> cases;
  for (const auto &e : fs::directory_iterator(kGoldenDir))
    if (e.is_directory())
      cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  for (const auto &dir : cases) {
    ++c.golden_cases;
    c.golden_invalid += fs::exists(dir / "expected.json") ? 0 : 1;
    run_golden(dir, c.messages);
  }
  for (const auto &input : reject_inputs()) {
    ++c.reject_inputs;
    dsl::Diagnostics diags;
    (void)dsl::parse_rules("test.rules", input, diags);
    collect(diags, c.messages);
  }
  for (const auto &in : capacity_inputs()) {
    dsl::Diagnostics diags;
    std::vector<dsl::PolicyFile> files;
    files.push_back(*dsl::parse_rules(in.name + ".rules", in.text, diags));
    (void)compile(files, TargetCaps{}, 0, diags);
    // Each is over one limit only: its error, and no other.
    std::vector<std::string> errors;
    for (const auto &d : diags.all())
      if (d.severity == dsl::Severity::Error)
        errors.push_back(d.message);
    EXPECT_EQ(errors.size(), 1u) << in.name;
    EXPECT_TRUE(!errors.empty() && errors[0].find(in.error) != errors[0].npos)
        << in.name << ": " << (errors.empty() ? "no error" : errors[0]);
    collect(diags, c.messages);
    ++c.capacity_inputs;
  }
  // Inputs no golden can express: a file that cannot be read (the parser
  // reject test checks its text too) and a slot past the last.
  {
    dsl::Diagnostics diags;
    (void)dsl::parse_rules_file("/nonexistent/palisade/x.rules", diags);
    collect(diags, c.messages);
  }
  {
    dsl::Diagnostics diags;
    std::vector<dsl::PolicyFile> files;
    files.push_back(*dsl::parse_rules("slot.rules", "", diags));
    (void)compile(files, TargetCaps{}, PAL_SLOTS, diags);
    collect(diags, c.messages);
  }
  { // A kernel that enforces no hook (enforceable_test covers each case).
    dsl::Diagnostics diags;
    std::vector<dsl::PolicyFile> files;
    files.push_back(*dsl::parse_rules(
        "caps.rules", "policy \"p\" mode enforce { deny listen }\n", diags));
    TargetCaps caps;
    caps.known = true;
    (void)compile(files, caps, 0, diags);
    collect(diags, c.messages);
  }
  return c;
}

bool allowlisted(const Template &t) {
  return std::any_of(
      t.fragments.begin(), t.fragments.end(),
      [](const std::string &f) { return kUnreachable.count(f); });
}

bool produced(const std::vector<std::string> &fragments,
              const std::vector<std::string> &messages) {
  for (const auto &m : messages) {
    size_t at = 0;
    bool all = true;
    for (const auto &f : fragments) {
      const size_t found = m.find(f, at);
      if (found == m.npos) {
        all = false;
        break;
      }
      at = found + f.size();
    }
    if (all)
      return true;
  }
  return false;
}

TEST(DiagnosticsCoverage, TheExtractorFindsTheKnownKinds) {
  const auto templates = all_templates();
  const auto has = [&](const std::vector<std::string> &f) {
    return std::any_of(templates.begin(), templates.end(),
                       [&](const Template &t) { return t.fragments == f; });
  };
  EXPECT_TRUE(has({"expected 'let' or 'policy'"})); // the table
  EXPECT_TRUE(has({"unknown field '", "'"}));       // .error(loc, a + b)
  EXPECT_TRUE(has({"empty list never matches"}));   // c ? "a" : "b"
  EXPECT_TRUE(has({"empty list: 'not in' always matches"}));
  EXPECT_TRUE(has({"unknown protocol '", "'"})); // error(message, hint)
  EXPECT_TRUE(has({"rule never matches: its condition can never hold"}));
  EXPECT_TRUE(has({"tab character in a string"})); // err.message =
  EXPECT_GT(templates.size(), 80u);
}

// A message handed to error()/warning() in a variable would escape the
// extraction: each such call must be one whose text is built elsewhere.
TEST(DiagnosticsCoverage, MessagesPassedOnComeFromKnownBuilders) {
  passed_on.clear();
  (void)all_templates();
  for (const auto &site : passed_on)
    EXPECT_TRUE(kPassedOn.count(site))
        << "message passed on at " << site
        << ": extract where it is built, then list it in kPassedOn";
  for (const auto &known : kPassedOn)
    EXPECT_TRUE(std::count(passed_on.begin(), passed_on.end(), known))
        << "stale kPassedOn entry: " << known;
}

// The parser reject inputs are read from parse_reject_test.cpp: each must
// be found and must be rejected.
TEST(DiagnosticsCoverage, ParserRejectInputsAreFoundAndRejected) {
  const auto inputs = reject_inputs();
  EXPECT_GE(inputs.size(), 70u);
  for (const auto &input : inputs) {
    dsl::Diagnostics diags;
    EXPECT_FALSE(dsl::parse_rules("test.rules", input, diags)) << input;
    EXPECT_EQ(diags.error_count(), 1u) << input;
  }
}

TEST(DiagnosticsCoverage, EveryMessageHasACase) {
  const auto templates = all_templates();
  const Corpus c = corpus();
  std::set<std::string> owners_covered; // refine<g::X> templates produced
  std::vector<bool> covered(templates.size());
  for (size_t i = 0; i < templates.size(); ++i) {
    covered[i] = produced(templates[i].fragments, c.messages);
    if (covered[i] && !templates[i].table && !templates[i].owner.empty())
      owners_covered.insert(templates[i].owner);
  }
  std::string missing;
  size_t n_covered = 0, n_allowed = 0;
  for (size_t i = 0; i < templates.size(); ++i) {
    const Template &t = templates[i];
    // A table entry whose refine<> rewrites the message is covered by the
    // rewritten message (each of those is a template of its own).
    if (!covered[i] && t.table && owners_covered.count(t.owner))
      covered[i] = true;
    if (covered[i]) {
      ++n_covered;
      continue;
    }
    if (allowlisted(t)) {
      ++n_allowed;
      continue;
    }
    missing += "  " + t.where + ": " + t.text() + "\n";
  }
  std::printf("diagnostic templates: %zu, covered %zu, allowlisted %zu\n"
              "corpus: %zu golden cases (%zu invalid), %zu parser reject "
              "inputs, %zu capacity inputs, %zu messages\n",
              templates.size(), n_covered, n_allowed, c.golden_cases,
              c.golden_invalid, c.reject_inputs, c.capacity_inputs,
              c.messages.size());
  EXPECT_TRUE(missing.empty())
      << "diagnostic messages no test input produces:\n"
      << missing;
  for (const auto &entry : kUnreachable) {
    const std::string &first = entry.first;
    const bool listed =
        std::any_of(templates.begin(), templates.end(), [&](const Template &t) {
          return std::find(t.fragments.begin(), t.fragments.end(), first) !=
                 t.fragments.end();
        });
    EXPECT_TRUE(listed) << "stale allowlist entry: " << first;
  }
}

} // namespace
} // namespace palisade::engine
