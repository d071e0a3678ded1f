// The field catalog, name suggestions and path canonicalisation.
#include <gtest/gtest.h>

#include <set>

#include <palisade/abi.h>

#include "catalog/field_catalog.h"
#include "catalog/suggest.h"
#include "resolve/paths.h"

namespace palisade::engine {
namespace {

TEST(FieldCatalog, NamesAndAbiIdsAreUnique) {
  std::set<std::string_view> names;
  std::set<uint8_t> ids;
  for (const auto &f : field_catalog()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_TRUE(ids.insert(f.abi_id).second) << f.name;
    EXPECT_FALSE(f.description.empty()) << f.name;
  }
}

TEST(FieldCatalog, ExecHasPathAndBinary) {
  const EventSpec *exec = find_event("exec");
  ASSERT_NE(exec, nullptr);
  EXPECT_EQ(exec->abi_id, uint32_t{PAL_EVENT_EXEC});
  EXPECT_EQ(field_names(*exec),
            (std::vector<std::string>{"path", "binary", "parent.binary",
                                      "cgroup", "uid", "gid", "euid", "pid"}));
  EXPECT_EQ(find_field("path")->abi_id, PAL_FIELD_PATH);
  EXPECT_EQ(find_field(uint8_t{PAL_FIELD_BINARY})->name, "binary");
  EXPECT_EQ(find_field("parent.binary")->abi_id, PAL_FIELD_PARENT_BINARY);
}

TEST(Suggest, EditDistanceCountsSwapsAsOneEdit) {
  EXPECT_EQ(edit_distance("exce", "exec"), 1u);
  EXPECT_EQ(edit_distance("binry", "binary"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestNameOnlyForLikelyTypos) {
  std::vector<std::string> fields{"path", "binary"};
  EXPECT_EQ(closest_name("binry", fields), "binary");
  EXPECT_EQ(closest_name("pth", fields), "path");
  EXPECT_EQ(closest_name("uid", fields), std::nullopt);
  EXPECT_EQ(closest_name("p", fields), std::nullopt); // 3 edits from "path"
}

struct PathCase {
  std::string in;
  std::optional<std::string> out;
  std::string error; // substring of the message when out is nullopt
};

class CheckPath : public ::testing::TestWithParam<PathCase> {};

TEST_P(CheckPath, Canonicalises) {
  const auto &c = GetParam();
  dsl::Diagnostics diags;
  auto got = check_path(dsl::StringLit{c.in, {}}, diags);
  EXPECT_EQ(got, c.out);
  if (c.out) {
    EXPECT_TRUE(diags.all().empty());
  } else {
    ASSERT_EQ(diags.all().size(), 1u);
    EXPECT_NE(diags.all()[0].message.find(c.error), std::string::npos)
        << diags.all()[0].message;
    EXPECT_FALSE(diags.all()[0].hints.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, CheckPath,
    ::testing::Values(
        PathCase{"/usr/bin/nc", "/usr/bin/nc", ""},
        PathCase{"/tmp/", "/tmp", ""}, PathCase{"/", "/", ""},
        PathCase{"/a b/c", "/a b/c", ""},
        PathCase{"", std::nullopt, "empty path"},
        PathCase{"bin/sh", std::nullopt, "not absolute"},
        PathCase{"/usr//bin", std::nullopt, "empty component"},
        PathCase{"/usr/./bin", std::nullopt, "'.' component"},
        PathCase{"/usr/bin/../sbin", std::nullopt, "'..' component"},
        PathCase{"/" + std::string(252, 'a'), "/" + std::string(252, 'a'), ""},
        PathCase{"/" + std::string(253, 'a'), std::nullopt,
                 "path is 254 bytes; the kernel matcher supports at most 253"},
        PathCase{"/" + std::string(252, 'a') + "/", "/" + std::string(252, 'a'),
                 ""}));

TEST(LexicallyClean, ResolvesDotsAndSlashes) {
  EXPECT_EQ(lexically_clean("/usr//bin/../sbin/"), "/usr/sbin");
  EXPECT_EQ(lexically_clean("/.."), "/");
}

} // namespace
} // namespace palisade::engine
