// Golden cases: tests/golden/<case>/*.rules are parsed (in name order) and
// compiled for slot 0. expected.json holds the canonical JSON when the
// compile succeeds, expected.diag the rendered diagnostics when there are
// any (warnings included). A missing file means "must be absent".
// UPDATE_GOLDEN=1 rewrites both; review the diff, the goldens are the spec.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "palisade/dsl/parser.h"
#include "palisade/engine/compile.h"

#include "golden_case.h"

namespace palisade::engine {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = PALISADE_GOLDEN_DIR;

std::vector<std::string> golden_cases() {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(kGoldenDir))
    if (e.is_directory())
      out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> read(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text`, or removes the file when there is nothing to expect.
void update(const fs::path &p, const std::optional<std::string> &text) {
  if (!text || text->empty()) {
    fs::remove(p);
    return;
  }
  std::ofstream(p, std::ios::binary) << *text;
}

struct Outcome {
  std::optional<std::string> json;
  std::string diag;
};

Outcome run_case(const fs::path &dir) {
  test::GoldenRun run = test::run_golden_case(dir);
  Outcome out;
  if (run.compiled)
    out.json = to_canonical_json(*run.compiled);
  out.diag = run.diags.render();
  return out;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, MatchesExpected) {
  const fs::path dir = kGoldenDir / GetParam();
  Outcome got = run_case(dir);
  if (std::getenv("UPDATE_GOLDEN")) {
    update(dir / "expected.json", got.json);
    update(dir / "expected.diag", got.diag);
    return;
  }
  auto want_json = read(dir / "expected.json");
  auto want_diag = read(dir / "expected.diag").value_or("");
  EXPECT_EQ(got.json.has_value(), want_json.has_value())
      << (got.json ? "compiled, but there is no expected.json"
                   : "did not compile, but expected.json exists")
      << "\n"
      << got.diag;
  if (got.json && want_json) {
    EXPECT_EQ(*got.json, *want_json);
  }
  EXPECT_EQ(got.diag, want_diag);
}

TEST(GoldenCases, ThereAreEnough) { EXPECT_GE(golden_cases().size(), 12u); }

std::string test_name(const ::testing::TestParamInfo<std::string> &info) {
  std::string s = info.param;
  for (char &c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return s;
}

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);
INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(golden_cases()),
                         test_name);

} // namespace
} // namespace palisade::engine
