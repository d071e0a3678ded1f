// enforce::Session on this machine's kernel, as the daemon will drive it:
// one session, several applies. A reapply replaces what is enforced, a
// policy that fails to compile leaves the running one in force, a mode
// switch takes effect without a reload, and every decision reaches the
// handler and the trail. Exec enforcement is forced to the tracepoint
// fallback (a denied exec is killed by SIGKILL), which every kernel runs.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include <bpf/bpf.h>
#include <cstring>
#include <set>

#include "palisade/enforce/program_table.h"
#include "palisade/enforce/run_state.h"
#include "palisade/enforce/session.h"
#include "require_root.h"

namespace palisade::enforce {
namespace {

namespace fs = std::filesystem;

// Starts `path` and waits for it: its wait status.
int start_and_wait(const std::string &path) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl(path.c_str(), path.c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// The ids of the kernel's programs that are enforcement programs of this
// build (by name, as the kernel truncates it).
std::set<uint32_t> enforcement_programs() {
  std::set<std::string> names;
  for (const ProgramRole &role : program_roles())
    names.insert(std::string(role.program).substr(0, BPF_OBJ_NAME_LEN - 1));
  std::set<uint32_t> ids;
  for (__u32 id = 0; bpf_prog_get_next_id(id, &id) == 0;) {
    const int fd = bpf_prog_get_fd_by_id(id);
    if (fd < 0)
      continue;
    bpf_prog_info info{};
    __u32 len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && names.count(info.name))
      ids.insert(id);
    close(fd);
  }
  return ids;
}

// Opens `path` in a child: its wait status.
int open_and_wait(const std::string &path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(path.c_str(), O_RDONLY);
    _exit(fd >= 0 ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    PALISADE_REQUIRE_ROOT();
    char tmpl[] = "/tmp/palisade-session-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Two programs of our own, so no rule touches anything else here.
    for (const char *name : {"a", "b"})
      fs::copy_file("/bin/true", dir_ / name);
    session_ = make_session(/*publish=*/false);
  }

  std::unique_ptr<Session> make_session(bool publish, bool persist = false) {
    Session::Options o;
    o.persist = persist;
    o.mechanism = "tracepoint";
    o.audit_log = (dir_ / "audit.jsonl").string();
    o.capacity = Session::Options::Capacity::Full;
    o.publish = publish;
    return Session::create(
        o, [this](const nlohmann::json &ev, const std::string &) {
          events_.push_back(ev);
        });
  }
  void TearDown() override {
    session_.reset(); // enforcement removed before the files go
    if (!dir_.empty())
      fs::remove_all(dir_);
  }

  // A policy file denying exec of `prog` (in our directory), in `mode`.
  std::string policy(const std::string &name, const std::string &prog,
                     const std::string &mode = "enforce") {
    const fs::path p = dir_ / (name + ".rules");
    std::ofstream(p) << "policy \"" << name << "\" mode " << mode << " {\n"
                     << "  deny exec when path == \"" << (dir_ / prog).string()
                     << "\"\n}\n";
    return p.string();
  }

  // true when `prog` ran to its end, false when SIGKILL stopped it.
  bool runs(const std::string &prog) {
    const int status = start_and_wait((dir_ / prog).string());
    session_->poll(100); // deliver its events
    if (WIFSIGNALED(status)) {
      EXPECT_EQ(WTERMSIG(status), SIGKILL) << prog;
      return false;
    }
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << prog;
    return true;
  }

  // The decided exec events of `prog` seen so far.
  std::vector<nlohmann::json> decisions(const std::string &prog) {
    std::vector<nlohmann::json> out;
    for (const auto &ev : events_)
      if (ev.value("kind", "") == "exec" &&
          ev.value("path", "") == (dir_ / prog).string() &&
          (ev.value("action", "none") != "none" || ev.contains("would")))
        out.push_back(ev);
    return out;
  }

  void apply(const std::string &file) {
    dsl::Diagnostics diags;
    std::string error;
    auto applied = session_->reapply({file}, diags, error);
    ASSERT_TRUE(applied) << diags.render() << error;
  }

  fs::path dir_;
  std::unique_ptr<Session> session_;
  std::vector<nlohmann::json> events_;
};

TEST_F(SessionTest, ReapplyReplacesTheEnforcedPolicy) {
  apply(policy("first", "a"));
  EXPECT_FALSE(runs("a"));
  EXPECT_TRUE(runs("b"));
  apply(policy("second", "b"));
  EXPECT_TRUE(runs("a"));
  EXPECT_FALSE(runs("b"));
  // The decision names the rule of the policy in force when it was made.
  auto b = decisions("b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0]["rule"]["policy"], "second");
  EXPECT_EQ(b[0]["outcome"], "killed");
}

TEST_F(SessionTest, APolicyThatFailsToCompileChangesNothing) {
  apply(policy("first", "a"));
  const fs::path bad = dir_ / "bad.rules";
  std::ofstream(bad) << "policy \"bad\" mode enforce {\n"
                     << "  deny exec when path == \"" << (dir_ / "b").string()
                     << "\"\n  deny unlink when path == \"/etc/shadow\"\n}\n";
  dsl::Diagnostics diags;
  std::string error;
  EXPECT_FALSE(session_->reapply({bad.string()}, diags, error));
  // The unlink rule: the tracepoint fallback enforces opens only.
  EXPECT_NE(diags.render().find("bad.rules:3:3: error: unlink rules cannot be "
                                "enforced on this kernel"),
            std::string::npos)
      << diags.render();
  EXPECT_FALSE(runs("a")); // still the first policy
  EXPECT_TRUE(runs("b"));
}

TEST_F(SessionTest, ModeSwitchTakesEffectWithoutReload) {
  apply(policy("p", "a"));
  std::string error;
  ASSERT_TRUE(session_->set_mode("p", dsl::Mode::Audit, error)) << error;
  EXPECT_TRUE(runs("a"));
  auto seen = decisions("a");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["would"], "deny");
  EXPECT_EQ(seen[0]["outcome"], "allowed");
  ASSERT_TRUE(session_->set_mode("p", dsl::Mode::Enforce, error)) << error;
  EXPECT_FALSE(runs("a"));
  EXPECT_FALSE(session_->set_mode("nope", dsl::Mode::Audit, error));
  EXPECT_NE(error.find("no policy \"nope\""), std::string::npos) << error;
}

TEST_F(SessionTest, EveryDecisionIsInTheTrail) {
  apply(policy("p", "a"));
  EXPECT_FALSE(runs("a"));
  EXPECT_FALSE(runs("a"));
  std::ifstream trail(dir_ / "audit.jsonl");
  std::string line;
  size_t killed = 0;
  while (std::getline(trail, line)) {
    auto ev = nlohmann::json::parse(line);
    killed += ev.value("path", "") == (dir_ / "a").string() &&
              ev.value("outcome", "") == "killed";
  }
  EXPECT_EQ(killed, 2u);
  EXPECT_EQ(session_->take_new_drops(), 0u);
}

// The slot flip under load: policies replaced again and again while a
// denied program is started again and again. Both policies deny it, so no
// start may ever get through, not even one caught between two slots.
TEST_F(SessionTest, ReplacingUnderLoadNeverLetsADeniedExecThrough) {
  const fs::path both_a = dir_ / "one.rules", also_a = dir_ / "two.rules";
  std::ofstream(both_a) << "policy \"one\" mode enforce {\n"
                        << "  deny exec when path == \""
                        << (dir_ / "a").string()
                        << "\"\n  deny exec when path == \"/opt/x\"\n}\n";
  std::ofstream(also_a) << "policy \"two\" mode enforce {\n"
                        << "  deny exec when path in [\""
                        << (dir_ / "a").string() << "\", \"/opt/y\"]\n}\n";
  apply(both_a.string());
  std::atomic<bool> done{false};
  std::atomic<int> replaced{0}, failed{0};
  std::thread replacer([&] {
    for (int i = 0; !done; ++i) {
      dsl::Diagnostics diags;
      std::string error;
      const fs::path &next = i % 2 ? both_a : also_a;
      if (session_->reapply({next.string()}, diags, error))
        ++replaced;
      else
        ++failed;
    }
  });
  const std::string path = (dir_ / "a").string();
  int ran = 0, starts = 0;
  for (; starts < 1500 || replaced < 50; ++starts) {
    const int status = start_and_wait(path);
    ran += WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  done = true;
  replacer.join();
  std::printf("%d starts of a denied program across %d replacements\n", starts,
              replaced.load());
  EXPECT_EQ(ran, 0) << "of " << starts << " starts, across " << replaced
                    << " replacements";
  EXPECT_EQ(failed, 0);
  EXPECT_GE(replaced, 50);
}

// What `enforcectl status` and `mode` rely on: the enforcement claims the
// machine, pins its maps by name, and takes all of it away when it ends.
TEST_F(SessionTest, PublishedEnforcementIsTheOnlyOneAndLeavesNothing) {
  std::string problem;
  if (auto other = running_enforcement(problem))
    GTEST_SKIP() << "an enforcement runs on this machine (pid " << other->pid
                 << "); this test would have to claim it";
  session_ = make_session(/*publish=*/true);
  const std::string file = policy("published", "a");
  apply(file);
  const std::string maps = std::string(kPinRoot) + "/maps/";
  for (const char *map :
       {"pal_config", "pal_policies", "pal_events", "pal_drops"})
    EXPECT_TRUE(fs::exists(maps + map)) << maps << map;

  auto run = running_enforcement(problem);
  ASSERT_TRUE(run) << problem;
  EXPECT_EQ(run->pid, getpid());
  ASSERT_EQ(run->policies.size(), 1u);
  EXPECT_EQ(run->policies[0].name, "published");
  EXPECT_EQ(run->mechanism[PAL_HOOK_EXEC], PAL_MECH_TP_SIGKILL);

  // The switch `enforcectl mode` makes, through the pins alone.
  ModeChange change;
  std::string error;
  ASSERT_TRUE(
      set_running_policy_mode("published", dsl::Mode::Audit, change, error))
      << error;
  EXPECT_EQ(change.from, dsl::Mode::Enforce);
  EXPECT_TRUE(runs("a"));
  EXPECT_EQ(running_enforcement(problem)->policies[0].mode, dsl::Mode::Audit);
  EXPECT_FALSE(
      set_running_policy_mode("nope", dsl::Mode::Audit, change, error));
  EXPECT_NE(error.find("no policy named 'nope'"), std::string::npos) << error;

  // A second enforcement is refused before it loads anything.
  auto second = make_session(/*publish=*/true);
  dsl::Diagnostics diags;
  EXPECT_FALSE(second->reapply({file}, diags, error));
  EXPECT_NE(error.find("an enforcement is already running (pid " +
                       std::to_string(getpid())),
            std::string::npos)
      << error;
  EXPECT_FALSE(second->running());
  second.reset();
  EXPECT_TRUE(running_enforcement(problem)) << "the refused one released it";

  session_.reset();
  EXPECT_FALSE(fs::exists(kPinRoot));
  EXPECT_FALSE(fs::exists(kStateFile));
  EXPECT_FALSE(running_enforcement(problem));
}

// palisaded's lifecycle: its enforcement outlives the process (a kill -9
// or a stop that keeps it), a foreground `run` refuses to start beside
// it, and the next daemon adopts it: the same programs, not a second
// set, and the records buffered meanwhile reach the trail.
TEST_F(SessionTest, PersistentEnforcementOutlivesItsProcessAndIsAdopted) {
  std::string problem, error;
  if (auto other = running_enforcement(problem))
    GTEST_SKIP() << "an enforcement runs on this machine (pid " << other->pid
                 << "); this test would have to claim it";
  session_ = make_session(/*publish=*/true, /*persist=*/true);
  auto took = session_->take_over(error);
  ASSERT_TRUE(took) << error;
  EXPECT_EQ(took->previous_pid, 0);
  // An exec rule (a BTF tracepoint kills) and an open rule (a syscall
  // tracepoint, a perf event, kills): both kinds of link must outlive it.
  const std::string kept = policy("kept", "a");
  std::ofstream(kept, std::ios::app)
      << "policy \"kept-open\" mode enforce {\n  deny open when path == \""
      << (dir_ / "b").string() << "\"\n}\n";
  apply(kept);
  EXPECT_FALSE(runs("a"));
  EXPECT_TRUE(WIFSIGNALED(open_and_wait((dir_ / "b").string())));
  const std::set<uint32_t> programs = enforcement_programs();
  EXPECT_FALSE(programs.empty());

  session_->keep_on_exit();
  session_.reset(); // as a daemon killed: nothing of it runs
  EXPECT_TRUE(WIFSIGNALED(start_and_wait((dir_ / "a").string())))
      << "the kept enforcement no longer kills a";
  EXPECT_TRUE(WIFSIGNALED(open_and_wait((dir_ / "b").string())))
      << "the kept enforcement no longer kills an open of b";
  EXPECT_TRUE(WIFEXITED(start_and_wait((dir_ / "b").string())));
  auto left = running_enforcement(problem);
  ASSERT_TRUE(left) << problem;
  EXPECT_FALSE(left->holder_alive);
  EXPECT_EQ(left->pid, getpid());
  ASSERT_EQ(left->policies.size(), 2u);
  EXPECT_EQ(left->policies[0].name, "kept");
  ModeChange change;
  EXPECT_FALSE(
      set_running_policy_mode("kept", dsl::Mode::Audit, change, error));
  EXPECT_NE(error.find("start palisaded"), std::string::npos) << error;

  // `run` does not start a second enforcement beside it, and leaves it.
  {
    auto plain = make_session(/*publish=*/true);
    dsl::Diagnostics diags;
    EXPECT_FALSE(plain->reapply({policy("other", "b")}, diags, error));
    EXPECT_NE(error.find("palisaded left in force"), std::string::npos)
        << error;
  }
  EXPECT_TRUE(WIFSIGNALED(start_and_wait((dir_ / "a").string())));
  EXPECT_TRUE(running_enforcement(problem));

  // The next daemon adopts it: same program ids, nothing loaded.
  events_.clear();
  session_ = make_session(/*publish=*/true, /*persist=*/true);
  took = session_->take_over(error);
  ASSERT_TRUE(took) << error;
  EXPECT_TRUE(took->adopted) << took->why_not;
  EXPECT_EQ(took->previous_pid, getpid());
  EXPECT_EQ(enforcement_programs(), programs);
  std::ifstream in(kept);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_GE(session_->catch_up({PolicySource{kept, text.str(), std::nullopt}}),
            1);
  const auto gap = decisions("a");
  ASSERT_GE(gap.size(), 2u) << "the kills while nobody read are in the trail";
  EXPECT_EQ(gap[0]["rule"]["policy"], "kept") << gap[0].dump();
  // The kernel's counts went on with nobody reading: 1 kill before, 2 in
  // the gap.
  bool counted = false;
  for (const auto &r : session_->rule_hits())
    if (r.policy == "kept") {
      EXPECT_EQ(r.hits.blocked, 3u) << r.rule.source_text;
      counted = true;
    }
  EXPECT_TRUE(counted) << "the adopted rules are named";

  // It applies into the adopted maps and flips as before.
  apply(policy("next", "b"));
  EXPECT_TRUE(runs("a"));
  EXPECT_FALSE(runs("b"));
  EXPECT_EQ(enforcement_programs(), programs);
  EXPECT_TRUE(running_enforcement(problem)->holder_alive);

  session_.reset(); // a stop that removes it
  EXPECT_FALSE(fs::exists(kPinRoot));
  // The kernel frees detached links and programs after a grace period.
  for (int i = 0; i < 100 && !enforcement_programs().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(enforcement_programs().empty());
  EXPECT_TRUE(WIFEXITED(start_and_wait((dir_ / "b").string())));
}

// After an upgrade the pinned programs are another build's: the new
// daemon does not adopt them but replaces them, and they enforce until
// the new ones are attached with the policy.
TEST_F(SessionTest, PinnedProgramsOfAnotherBuildAreReplacedWithoutAGap) {
  std::string problem, error;
  if (auto other = running_enforcement(problem))
    GTEST_SKIP() << "an enforcement runs on this machine (pid " << other->pid
                 << "); this test would have to claim it";
  session_ = make_session(/*publish=*/true, /*persist=*/true);
  ASSERT_TRUE(session_->take_over(error)) << error;
  const std::string file = policy("upgraded", "a");
  apply(file);
  const std::set<uint32_t> old_programs = enforcement_programs();
  session_->keep_on_exit();
  session_.reset();
  {
    // What an older build would have written.
    std::ifstream in(kStateFile);
    auto state = nlohmann::json::parse(in);
    state["build"] = "0123456789abcdef";
    std::ofstream(kStateFile) << state.dump();
  }
  session_ = make_session(/*publish=*/true, /*persist=*/true);
  auto took = session_->take_over(error);
  ASSERT_TRUE(took) << error;
  EXPECT_FALSE(took->adopted);
  EXPECT_NE(took->why_not.find("another build (0123456789abcdef"),
            std::string::npos)
      << took->why_not;
  EXPECT_FALSE(session_->running());
  EXPECT_TRUE(WIFSIGNALED(start_and_wait((dir_ / "a").string())))
      << "the old programs enforce until the new ones do";

  apply(file);
  EXPECT_FALSE(runs("a"));
  EXPECT_TRUE(runs("b"));
  for (int i = 0;
       i < 100 && enforcement_programs().size() > old_programs.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::set<uint32_t> now = enforcement_programs();
  EXPECT_EQ(now.size(), old_programs.size()) << "the old set is gone";
  for (uint32_t id : now)
    EXPECT_EQ(old_programs.count(id), 0u) << "program " << id << " is old";
  auto run = running_enforcement(problem);
  ASSERT_TRUE(run) << problem;
  EXPECT_EQ(run->pid, getpid());
  EXPECT_TRUE(run->holder_alive);
}

// The kernel counts each rule's decisions; a reapply that keeps a rule
// keeps its counts, a new rule starts at zero.
TEST_F(SessionTest, RuleHitsAreCountedAndSurviveAReapply) {
  const fs::path file = dir_ / "counted.rules";
  auto write = [&](bool with_b) {
    std::ofstream(file) << "policy \"counted\" mode enforce {\n"
                        << "  deny exec when path == \""
                        << (dir_ / "a").string() << "\"\n"
                        << (with_b ? "  deny exec when path == \"" +
                                         (dir_ / "b").string() + "\"\n"
                                   : "")
                        << "}\npolicy \"trial\" mode audit {\n"
                        << "  deny exec when path == \""
                        << (dir_ / "b").string() << "\"\n}\n";
  };
  auto hits_of = [&](const std::string &policy, const std::string &prog) {
    for (const auto &r : session_->rule_hits())
      if (r.policy == policy &&
          r.rule.source_text.find((dir_ / prog).string()) != std::string::npos)
        return r.hits;
    ADD_FAILURE() << "no rule of " << policy << " on " << prog;
    return pal_rule_hits{};
  };
  write(false);
  apply(file.string());
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(runs("a"));
  EXPECT_TRUE(runs("b"));
  EXPECT_EQ(hits_of("counted", "a").blocked, 3u);
  EXPECT_EQ(hits_of("trial", "b").would, 1u);
  EXPECT_EQ(hits_of("trial", "b").blocked, 0u);

  write(true); // a new rule; the others stay
  apply(file.string());
  EXPECT_EQ(hits_of("counted", "a").blocked, 3u) << "carried over";
  EXPECT_EQ(hits_of("counted", "b").blocked, 0u) << "a new rule starts at 0";
  EXPECT_FALSE(runs("a"));
  EXPECT_FALSE(runs("b"));
  EXPECT_EQ(hits_of("counted", "a").blocked, 4u);
  EXPECT_EQ(hits_of("counted", "b").blocked, 1u);
  // The audit policy's rule decided too, for its own policy.
  EXPECT_EQ(hits_of("trial", "b").would, 2u);
}

} // namespace
} // namespace palisade::enforce
