// The audit trail: whole lines, appended, rotated by size.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "palisade/enforce/audit_log.h"

namespace palisade::enforce {
namespace {

std::vector<std::string> lines_of(const std::string &path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

class AuditLogTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("palisade-audit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(AuditLogTest, CreatesDirectoriesAndAppendsLines) {
  const std::string path = (dir_ / "sub" / "audit.jsonl").string();
  {
    AuditLog log;
    ASSERT_EQ(log.open({path}), "");
    EXPECT_TRUE(log.append("{\"a\":1}"));
    EXPECT_TRUE(log.append("{\"b\":2}"));
  }
  AuditLog again; // a restart appends, never truncates
  ASSERT_EQ(again.open({path}), "");
  EXPECT_TRUE(again.append("{\"c\":3}"));
  EXPECT_EQ(lines_of(path),
            (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
}

TEST_F(AuditLogTest, RotatesBySizeKeepingWholeLines) {
  const std::string path = (dir_ / "audit.jsonl").string();
  AuditLog log;
  ASSERT_EQ(log.open({path, 100, 2}), "");
  const std::string line(39, 'x'); // 40 bytes with the newline
  for (int i = 0; i < 7; i++)
    ASSERT_TRUE(log.append(line));
  // 2 lines per file: 7 lines = current(1) + .1(2) + .2(2), oldest dropped.
  EXPECT_EQ(lines_of(path).size(), 1u);
  EXPECT_EQ(lines_of(path + ".1").size(), 2u);
  EXPECT_EQ(lines_of(path + ".2").size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  for (const auto &f : {path, path + ".1", path + ".2"})
    for (const auto &l : lines_of(f))
      EXPECT_EQ(l, line);
}

TEST_F(AuditLogTest, UnwritableLocationIsAnError) {
  AuditLog log;
  std::string err = log.open({"/proc/palisade-no-such/audit.jsonl"});
  EXPECT_NE(err.find("open audit log"), std::string::npos) << err;
  EXPECT_FALSE(log.append("x"));
  EXPECT_EQ(log.failed_writes(), 1u);
}

} // namespace
} // namespace palisade::enforce
