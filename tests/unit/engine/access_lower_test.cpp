// Lowering of file events: one "values" entry per access mask an access
// atom meets, the fail-closed list per (policy, event), exact rename
// targets.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "canonical_entries.h"
#include "compile_text.h"
#include "lower/lower.h"
#include "passes.h"

namespace palisade::engine {
namespace {

using nlohmann::json;
using test::compile_text;
using test::entries_of;

json canonical(const std::string &text) {
  return json::parse(to_canonical_json(compile_text(text)));
}

TEST(AccessKey, IsSlotFieldAndTheWholeMask) {
  pal_lpm_key k = access_key(1, PAL_ACCESS_READ | PAL_ACCESS_TRUNCATE);
  EXPECT_EQ(k.prefixlen, uint32_t{PAL_ACCESS_KEY_BITS});
  EXPECT_EQ(k.data[0], 1);
  EXPECT_EQ(k.data[1], PAL_FIELD_ACCESS);
  EXPECT_EQ(k.data[2], 9);
  for (size_t i = 3; i < PAL_LPM_DATA; ++i)
    ASSERT_EQ(k.data[i], 0) << i;
}

TEST(AccessEntries, EveryMaskAnAtomMeetsHoldsExactlyTheAtomsMet) {
  std::vector<Atom> atoms = {
      Atom{PAL_FIELD_PATH, MatchKind::Exact, {"/x"}, {}},
      Atom{PAL_FIELD_ACCESS, MatchKind::Exact, {"write"}, {}},
      Atom{PAL_FIELD_ACCESS, MatchKind::Exact, {"create", "read"}, {}}};
  auto entries = access_entries(atoms, 0);
  // Every mask but truncate alone meets one of them.
  ASSERT_EQ(entries.size(), 14u);
  std::map<uint32_t, std::vector<AtomId>> by_mask;
  for (const auto &[key, held] : entries) {
    EXPECT_EQ(key.prefixlen, uint32_t{PAL_ACCESS_KEY_BITS});
    by_mask[key.data[2]] = held;
  }
  using V = std::vector<AtomId>;
  EXPECT_EQ(by_mask.count(PAL_ACCESS_TRUNCATE), 0u);
  EXPECT_EQ(by_mask[PAL_ACCESS_READ], V{2});
  EXPECT_EQ(by_mask[PAL_ACCESS_WRITE | PAL_ACCESS_TRUNCATE], V{1});
  EXPECT_EQ(by_mask[PAL_ACCESS_READ | PAL_ACCESS_WRITE], (V{1, 2}));
  EXPECT_EQ(by_mask[PAL_ACCESS_ALL], (V{1, 2}));
  EXPECT_TRUE(access_entries({atoms[0]}, 0).empty());
}

TEST(AccessEntries, AreValueEntriesWithCandidatesOfTheirMask) {
  json j = canonical(R"(policy "p" mode enforce {
    deny open when access == "write" and access != "truncate"
    audit open when access == "read" and path under "/etc"
  })");
  auto access = entries_of(j, "access");
  // Atoms: 0 write, 1 truncate, 2 read (3 is the path's). Every mask
  // meets one but create alone.
  EXPECT_EQ(access.size(), 14u);
  EXPECT_EQ(access.count("create"), 0u);
  const json &rw = access.at("read|write");
  EXPECT_EQ(rw["match"], "mask");
  EXPECT_EQ(rw["map"], "values"); // a whole value: hashed, not in the trie
  EXPECT_EQ(rw["prefixlen"], PAL_ACCESS_KEY_BITS);
  EXPECT_EQ(rw["held"], json::parse("[0, 2]"));
  EXPECT_EQ(access.at("truncate")["held"], json::parse("[1]"));
  // The deny is anchored on write, and listed only where truncate is not;
  // the audit is anchored on its path, so no access entry lists it.
  EXPECT_EQ(rw["candidates"], json::parse(R"(["rule 0 term 0"])"));
  EXPECT_EQ(access.at("write|truncate")["candidates"], json::array());
  EXPECT_EQ(access.at("read")["candidates"], json::array());
  EXPECT_EQ(j["rules"][0]["terms"][0]["anchor_field"], "access");
  EXPECT_EQ(j["rules"][1]["terms"][0]["anchor_field"], "path");
  // A mask is no path: nothing of it in exact_lens, which the decoder
  // checks against the exact paths.
  EXPECT_TRUE(entries_of(j, "path").count("/etc/"));
}

TEST(AccessEntries, ListOverflowNamesTheMask) {
  std::string text = "policy \"p\" mode enforce {\n";
  for (int i = 0; i <= PAL_MAX_LIST; ++i)
    text += "  deny open when access == \"read\" and binary != \"/b" +
            std::to_string(i) + "\"\n";
  text += "}\n";
  std::string d = test::diagnostics_of(text);
  EXPECT_NE(d.find("error: more than 64 rule conditions can hold through "
                   "access mask read\n"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("hint: the kernel checks at most 64 conditions per "
                   "access mask;"),
            std::string::npos)
      << d;
}

TEST(FailClosed, FirstDenyOrKillOfEachPolicyAndEvent) {
  json j = canonical(R"(
  policy "p0" mode enforce {
    deny exec when path == "/x"
    kill open when path == "/x"
    deny open when path == "/y"
    audit unlink
    deny rename when target == "/z"
  }
  policy "p1" mode audit {
    allow open when path == "/ok"
    deny open when path under "/"
    kill chmod
  })");
  // Slot order: p0: kill open, deny exec, deny open, deny rename, audit
  // unlink; p1: allow open, kill chmod, deny open.
  EXPECT_EQ(j["fail_closed"],
            json::parse(R"(["rule 0", "rule 1", "rule 3", "rule 6",
                            "rule 7"])"));
  EXPECT_EQ(j["rules"][6]["event"], "chmod");
  EXPECT_EQ(j["rules"][7]["event"], "open");
}

TEST(RenameTarget, ExactTargetsAreHashedWithTheirLength) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny rename when target == "/etc/passwd" and path != "/etc/passwd"
  })");
  json j = json::parse(to_canonical_json(c));
  auto target = entries_of(j, "target");
  ASSERT_EQ(target.count("/etc/passwd"), 1u);
  EXPECT_EQ(target.at("/etc/passwd")["match"], "exact");
  pal_slot hdr;
  std::memcpy(&hdr, c.image.maps.at("slots").at(0).value.data(), sizeof hdr);
  EXPECT_EQ(hdr.exact_lens[PAL_FIELD_TARGET - 1][0], uint64_t{1} << 11);
  EXPECT_EQ(hdr.exact_lens[PAL_FIELD_PATH - 1][0], uint64_t{1} << 11);
  EXPECT_EQ(hdr.events, 1u << PAL_EVENT_RENAME);
}

TEST(CanonicalJson, RejectsAnAccessKeyThatIsNotOneMask) {
  auto c = compile_text(R"(policy "p" mode enforce {
    deny open when access == "write"
  })");
  EXPECT_NO_THROW(to_canonical_json(c));
  auto key = c.image.maps.at("values").at(0).key;
  key[offsetof(pal_value_key, value)] = 0x10; // no intent has this bit
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
  key[offsetof(pal_value_key, value)] = 0; // no intent at all
  EXPECT_THROW(to_canonical_json(c), std::runtime_error);
}

} // namespace
} // namespace palisade::engine
