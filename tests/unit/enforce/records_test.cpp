// Event JSON (docs/events.md) and the compact view, from raw records.
#include <cstring>
#include <memory>

#include <gtest/gtest.h>

#include "palisade/abi.h"
#include "palisade/enforce/records.h"

namespace palisade::enforce {
namespace {

void set_path(pal_path &p, const char *s) {
  std::strcpy(p.str, s);
  p.len = static_cast<__u32>(std::strlen(s));
}

engine::CompiledPolicy catalog() {
  engine::CompiledPolicy c;
  c.policies.push_back({"baseline", dsl::Mode::Enforce, 0, {}});
  c.policies.push_back({"trial", dsl::Mode::Audit, 1, {}});
  auto file = std::make_shared<dsl::SourceFile>();
  file->name = "base.rules";
  engine::RuleInfo r0;
  r0.rule_id = 0;
  r0.action = dsl::Action::Deny;
  r0.event = "exec";
  r0.message = "no raw network tools";
  r0.label = "no-nc";
  r0.loc = {file.get(), 3, 3, 3, 40};
  r0.source_text = "deny exec when path == \"/usr/bin/nc\"";
  engine::RuleInfo r1 = r0;
  r1.rule_id = 1;
  r1.policy_index = 1;
  r1.message = "";
  r1.label = "";
  r1.loc.line = 7;
  r1.source_text = "deny exec when path under \"/tmp\"";
  c.rules = {r0, r1};
  c.sources = {file}; // the rules' locations point into it
  return c;
}

std::unique_ptr<pal_exec_record> exec_record() {
  auto r = std::make_unique<pal_exec_record>();
  std::memset(r.get(), 0, sizeof(*r));
  r->hdr.kind = PAL_REC_EXEC;
  r->hdr.boot_ns = 1'000'000'123;
  r->hdr.pid = 42;
  r->hdr.tid = 42;
  r->hdr.ppid = 7;
  r->hdr.uid = 1000;
  r->hdr.gid = 1000;
  r->hdr.cgroup_id = 99;
  std::strcpy(r->hdr.comm, "bash");
  r->decision.mechanism = PAL_MECH_LSM;
  r->decision.slot = 1;
  set_path(r->path, "/usr/bin/nc");
  set_path(r->binary, "/usr/bin/bash");
  const char args[] = "nc\0-l\0"
                      "4444";
  std::memcpy(r->args, args, sizeof(args));
  r->args_len = sizeof(args); // includes the final NUL
  return r;
}

RecordDecoder decoder() {
  RecordDecoder d;
  d.set_boot_to_wall_ns(1'790'000'000'000'000'000); // 2026-09-21T...
  d.set_catalog(1, catalog());
  return d;
}

TEST(RecordsTest, DeniedExecByLsmIsBlockedWithRule) {
  auto r = exec_record();
  r->decision.action = PAL_ACT_DENY;
  r->decision.flags = PAL_EXEC_DECIDED;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["kind"], "exec");
  EXPECT_EQ((*ev)["action"], "deny");
  EXPECT_EQ((*ev)["outcome"], "blocked");
  EXPECT_EQ((*ev)["mechanism"], "lsm");
  EXPECT_EQ((*ev)["path"], "/usr/bin/nc");
  EXPECT_EQ((*ev)["args"], nlohmann::json({"nc", "-l", "4444"}));
  EXPECT_EQ((*ev)["process"]["binary"], "/usr/bin/bash");
  EXPECT_EQ((*ev)["process"]["pid"], 42);
  EXPECT_EQ((*ev)["process"]["uid"], 1000);
  EXPECT_EQ((*ev)["rule"]["policy"], "baseline");
  EXPECT_EQ((*ev)["rule"]["line"], 3);
  EXPECT_EQ((*ev)["rule"]["file"], "base.rules");
  EXPECT_EQ((*ev)["rule"]["message"], "no raw network tools");
  EXPECT_EQ((*ev)["rule"]["label"], "no-nc");
  EXPECT_FALSE(ev->contains("would"));
  EXPECT_EQ((*ev)["time"], "2026-09-21T14:13:21.000000123Z");
  EXPECT_EQ(compact_line(*ev),
            "🛑 exec    /usr/bin/nc -l 4444 by bash(42)  DENY (blocked) "
            "baseline:3 [no-nc] \"no raw network tools\" [lsm]");
}

TEST(RecordsTest, TracepointDenyIsReportedAsKilled) {
  auto r = exec_record();
  r->decision.mechanism = PAL_MECH_TP_SIGKILL;
  r->decision.action = PAL_ACT_DENY;
  r->decision.flags = PAL_EXEC_DECIDED;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["outcome"], "killed");
  EXPECT_EQ((*ev)["mechanism"], "tracepoint+sigkill");
}

TEST(RecordsTest, AuditModeRecordsWouldAndAllows) {
  auto r = exec_record();
  r->decision.would = PAL_ACT_DENY;
  r->decision.would_policy = 1;
  r->decision.would_rule_id = 1;
  r->decision.flags = PAL_EXEC_WOULD;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["action"], "none");
  EXPECT_EQ((*ev)["outcome"], "allowed");
  EXPECT_EQ((*ev)["would"], "deny");
  EXPECT_EQ((*ev)["would_rule"]["policy"], "trial");
  EXPECT_EQ((*ev)["would_rule"]["line"], 7);
  EXPECT_FALSE((*ev)["would_rule"].contains("label")); // rule 1 has none
  EXPECT_FALSE(ev->contains("rule"));
  EXPECT_EQ(compact_line(*ev),
            "🚀 exec    /usr/bin/nc -l 4444 by bash(42)  allowed  would deny "
            "trial:7 [lsm]");
}

TEST(RecordsTest, FlagsNameTruncationAndMissingData) {
  auto r = exec_record();
  r->path.flags = PAL_PATH_TRUNCATED;
  r->decision.flags = PAL_EXEC_ARGS_TRUNC | PAL_EXEC_NO_STASH;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["flags"], nlohmann::json({"args_truncated", "no_syscall_data",
                                            "path_truncated"}));
}

TEST(RecordsTest, APathNamedByInodeSaysSo) {
  auto r = exec_record();
  r->path.flags = PAL_PATH_BY_INODE;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["flags"], nlohmann::json({"path_by_inode"}));
}

TEST(RecordsTest, ExitBySignalAndByCode) {
  pal_exit_record r{};
  r.hdr.kind = PAL_REC_EXIT;
  r.hdr.pid = 42;
  std::strcpy(r.hdr.comm, "nc");
  std::strcpy(r.binary, "/usr/bin/nc");
  r.signal = 9;
  auto ev = decoder().decode(&r, sizeof(r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["kind"], "exit");
  EXPECT_EQ((*ev)["signal"], "SIGKILL");
  EXPECT_FALSE(ev->contains("exit_code"));
  EXPECT_EQ(compact_line(*ev), "💥 exit    /usr/bin/nc nc(42) SIGKILL");

  r.signal = 0;
  r.exit_code = 3;
  ev = decoder().decode(&r, sizeof(r));
  EXPECT_EQ((*ev)["exit_code"], 3);
  EXPECT_EQ(compact_line(*ev), "🏁 exit    /usr/bin/nc nc(42) code 3");
}

TEST(RecordsTest, ShortOrUnknownRecordsAreRejected) {
  pal_exit_record r{};
  r.hdr.kind = PAL_REC_EXIT;
  EXPECT_FALSE(decoder().decode(&r, sizeof(r.hdr)));
  r.hdr.kind = 77;
  EXPECT_FALSE(decoder().decode(&r, sizeof(r)));
}

void fill_hdr(pal_record_hdr &h, uint32_t kind) {
  h.kind = kind;
  h.boot_ns = 2'000'000'000;
  h.pid = h.tid = 77;
  h.ppid = 1;
  std::strcpy(h.comm, "vim");
}

TEST(RecordsTest, DeniedRenameIntoProtectedDirShowsBothNames) {
  auto r = std::make_unique<pal_file_record>();
  std::memset(r.get(), 0, sizeof(*r));
  fill_hdr(r->hdr, PAL_REC_FILE);
  r->event = PAL_EVENT_RENAME;
  r->decision.mechanism = PAL_MECH_FMOD_RET;
  r->decision.slot = 1;
  r->decision.action = PAL_ACT_DENY;
  r->decision.flags = PAL_EXEC_DECIDED;
  set_path(r->path, "/home/u/key");
  set_path(r->target, "/etc/ssl/private/key");
  set_path(r->binary, "/usr/bin/mv");
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["kind"], "rename");
  EXPECT_EQ((*ev)["path"], "/home/u/key");
  EXPECT_EQ((*ev)["target"], "/etc/ssl/private/key");
  EXPECT_EQ((*ev)["outcome"], "blocked");
  EXPECT_EQ((*ev)["mechanism"], "fmod_ret");
  EXPECT_EQ((*ev)["rule"]["policy"], "baseline");
  EXPECT_EQ((*ev)["rule"]["label"], "no-nc");
  EXPECT_FALSE(ev->contains("access"));
  EXPECT_EQ(compact_line(*ev),
            "🛑 rename  /home/u/key -> /etc/ssl/private/key by mv(77)  DENY "
            "(blocked) baseline:3 [no-nc] \"no raw network tools\" [fmod_ret]");
}

TEST(RecordsTest, OpenShowsItsIntentsAndAuditOnlyWould) {
  auto r = std::make_unique<pal_file_record>();
  std::memset(r.get(), 0, sizeof(*r));
  fill_hdr(r->hdr, PAL_REC_FILE);
  r->event = PAL_EVENT_OPEN;
  r->access = PAL_ACCESS_READ | PAL_ACCESS_WRITE | PAL_ACCESS_TRUNCATE;
  r->decision.mechanism = PAL_MECH_LSM;
  r->decision.slot = 1;
  r->decision.would = PAL_ACT_DENY;
  r->decision.would_policy = 1;
  r->decision.would_rule_id = 1;
  r->decision.flags = PAL_EXEC_WOULD;
  set_path(r->path, "/tmp/x");
  set_path(r->binary, "/usr/bin/vim.basic");
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["access"], nlohmann::json({"read", "write", "truncate"}));
  EXPECT_EQ((*ev)["action"], "none");
  EXPECT_EQ((*ev)["outcome"], "allowed");
  EXPECT_EQ((*ev)["would"], "deny");
  EXPECT_EQ((*ev)["would_rule"]["policy"], "trial");
}

// The tracepoint fallback decides an open after it happened: a deny is a
// kill there, and the trail must not claim the open was refused.
TEST(RecordsTest, OpenDeniedAfterTheFactIsKilledNotBlocked) {
  auto r = std::make_unique<pal_file_record>();
  std::memset(r.get(), 0, sizeof(*r));
  fill_hdr(r->hdr, PAL_REC_FILE);
  r->event = PAL_EVENT_OPEN;
  r->access = PAL_ACCESS_READ;
  r->decision.mechanism = PAL_MECH_TP_SIGKILL;
  r->decision.slot = 1;
  r->decision.action = PAL_ACT_DENY;
  r->decision.flags = PAL_EXEC_DECIDED;
  set_path(r->path, "/etc/secret/key");
  r->path.flags = PAL_PATH_BY_INODE; // reached through a hard link
  set_path(r->binary, "/usr/bin/cat");
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["outcome"], "killed");
  EXPECT_EQ((*ev)["mechanism"], "tracepoint+sigkill");
  EXPECT_EQ((*ev)["path"], "/etc/secret/key");
  EXPECT_EQ((*ev)["flags"], nlohmann::json({"path_by_inode"}));
}

TEST(RecordsTest, MappedConnectShowsItsIpv4AddressAndKill) {
  auto r = std::make_unique<pal_net_record>();
  std::memset(r.get(), 0, sizeof(*r));
  fill_hdr(r->hdr, PAL_REC_NET);
  r->event = PAL_EVENT_CONNECT;
  r->decision.mechanism = PAL_MECH_CGROUP;
  r->decision.slot = 1;
  r->decision.action = PAL_ACT_KILL;
  r->decision.flags = PAL_EXEC_DECIDED;
  r->port = 4444;
  r->protocol = 6;
  r->family = 6;
  const uint8_t mapped[16] = {0, 0, 0,    0,    0,  0, 0, 0,
                              0, 0, 0xff, 0xff, 10, 1, 2, 3};
  std::memcpy(r->address, mapped, 16);
  set_path(r->binary, "/usr/bin/bash");
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["kind"], "connect");
  EXPECT_EQ((*ev)["address"], "10.1.2.3");
  EXPECT_EQ((*ev)["family"], "ipv6");
  EXPECT_EQ((*ev)["port"], 4444);
  EXPECT_EQ((*ev)["protocol"], "tcp");
  EXPECT_EQ((*ev)["outcome"], "blocked+killed");
  EXPECT_EQ((*ev)["rule"]["label"], "no-nc");
  EXPECT_EQ(compact_line(*ev),
            "💀 connect 10.1.2.3:4444 tcp by bash(77)  KILL (blocked+killed) "
            "baseline:3 [no-nc] \"no raw network tools\" [cgroup]");
}

// process.parent_binary: reported when the kernel resolved the parent's
// executable, left out when it did not (flags UNKNOWN) or could not.
TEST(RecordsTest, ParentBinaryOnlyWhenResolved) {
  auto r = exec_record();
  r->decision.action = PAL_ACT_KILL;
  r->decision.flags = PAL_EXEC_DECIDED;
  set_path(r->parent_binary, "/usr/sbin/nginx");
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["process"]["parent_binary"], "/usr/sbin/nginx");
  EXPECT_EQ((*ev)["process"]["binary"], "/usr/bin/bash");

  r->parent_binary.flags = PAL_PATH_UNKNOWN;
  r->parent_binary.len = 0;
  r->parent_binary.str[0] = 0;
  ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_FALSE((*ev)["process"].contains("parent_binary"));

  auto n = std::make_unique<pal_net_record>();
  std::memset(n.get(), 0, sizeof(*n));
  fill_hdr(n->hdr, PAL_REC_NET);
  n->event = PAL_EVENT_CONNECT;
  n->decision.slot = 1;
  n->decision.action = PAL_ACT_DENY;
  n->decision.flags = PAL_EXEC_DECIDED;
  n->family = 4;
  set_path(n->binary, "/tmp/x/curl");
  set_path(n->parent_binary, "/tmp/x/dropper");
  ev = decoder().decode(n.get(), sizeof(*n));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["process"]["parent_binary"], "/tmp/x/dropper");

  auto f = std::make_unique<pal_file_record>();
  std::memset(f.get(), 0, sizeof(*f));
  fill_hdr(f->hdr, PAL_REC_FILE);
  f->event = PAL_EVENT_UNLINK;
  f->decision.slot = 1;
  f->decision.action = PAL_ACT_DENY;
  f->decision.flags = PAL_EXEC_DECIDED;
  set_path(f->path, "/etc/passwd");
  set_path(f->parent_binary, "/usr/sbin/cron");
  f->target.flags = PAL_PATH_UNKNOWN;
  ev = decoder().decode(f.get(), sizeof(*f));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["process"]["parent_binary"], "/usr/sbin/cron");
}

TEST(RecordsTest, Ipv6AddressIsBracketedInTheCompactView) {
  auto r = std::make_unique<pal_net_record>();
  std::memset(r.get(), 0, sizeof(*r));
  fill_hdr(r->hdr, PAL_REC_NET);
  r->event = PAL_EVENT_BIND;
  r->decision.slot = 1;
  r->port = 53;
  r->protocol = 17;
  r->family = 6;
  r->address[15] = 1; // ::1
  r->decision.would = PAL_ACT_DENY;
  r->decision.flags = PAL_EXEC_WOULD;
  auto ev = decoder().decode(r.get(), sizeof(*r));
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["address"], "::1");
  const std::string line = compact_line(*ev);
  EXPECT_TRUE(line.starts_with(
      "🌐 bind    [::1]:53 udp by vim(77)  allowed  would deny"))
      << line;
}

} // namespace
} // namespace palisade::enforce
