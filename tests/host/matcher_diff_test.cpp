// Differential test of the in-kernel matcher (bpf/lib/match.h, run through
// BPF_PROG_TEST_RUN on this machine's JIT) against the userspace reference
// evaluator (engine/evaluate.h), on random policies and random events.
// Every policy is applied with a slot flip, so stale entries left in a
// reused slot would show up as disagreements too.
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include "match_test.skel.h"
#include "palisade/abi.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/evaluate.h"
#include "palisade/enforce/policy_maps.h"

namespace palisade {
namespace {

// Mirrors struct pal_match_input / pal_match_output of match_test.bpf.c.
struct MatchInput {
  pal_path path;
  pal_path binary;
};
struct MatchOutput {
  pal_atom_set atoms;
  uint32_t action, policy, rule_id;
  uint32_t would, would_policy, would_rule_id;
  uint32_t fail_closed;
  uint32_t slot;
};

// Paths chosen to sit on every boundary the matcher has: a directory and
// its own name, sibling prefixes (/a vs /ab), nesting, the root.
const std::vector<std::string> kDirs = {"/", "/a", "/a/b", "/a/b/c", "/ab",
                                        "/usr/bin", "/tmp"};
const std::vector<std::string> kFiles = {
    "/a",       "/a/x",         "/a/b",          "/a/b/x", "/a/b/c/x",
    "/ab",      "/ab/x",        "/abc",          "/usr/bin/nc",
    "/usr/bin/bash", "/tmp/t", "/tmp/t/u/v/w", "/x"};

class Random {
public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(gen_); }
  bool chance(int percent) { return below(100) < size_t(percent); }
  template <class T> const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

private:
  std::mt19937 gen_;
};

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

std::string random_list(Random &r) {
  std::string out = "[";
  size_t n = r.below(3) + 1;
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") + quoted(r.pick(kFiles));
  return out + "]";
}

std::string random_comparison(Random &r) {
  std::string field = r.chance(70) ? "path" : "binary";
  switch (r.below(5)) {
  case 0: return field + " == " + quoted(r.pick(kFiles));
  case 1: return field + " != " + quoted(r.pick(kFiles));
  case 2: return field + " in " + random_list(r);
  case 3: return field + " not in " + random_list(r);
  default: return field + " under " + quoted(r.pick(kDirs));
  }
}

std::string random_condition(Random &r, int depth) {
  if (depth == 0 || r.chance(40))
    return random_comparison(r);
  switch (r.below(3)) {
  case 0: return "(" + random_condition(r, depth - 1) + " and " + random_condition(r, depth - 1) + ")";
  case 1: return "(" + random_condition(r, depth - 1) + " or " + random_condition(r, depth - 1) + ")";
  default: return "not " + random_condition(r, depth - 1);
  }
}

std::string random_policy_text(Random &r) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny", "kill"};
  std::ostringstream text;
  size_t policies = r.below(3) + 1;
  for (size_t p = 0; p < policies; p++) {
    text << "policy \"p" << p << "\" mode " << (r.chance(60) ? "enforce" : "audit") << " {\n";
    size_t rules = r.below(6) + 1;
    for (size_t i = 0; i < rules; i++) {
      text << "  " << r.pick(actions) << " exec";
      if (r.chance(90))
        text << " when " << random_condition(r, 3);
      text << "\n";
    }
    text << "}\n";
  }
  return text.str();
}

engine::ExecEvent random_event(Random &r) {
  engine::ExecEvent ev;
  ev.path = r.pick(kFiles);
  if (r.chance(20))
    ev.path += "/deeper";
  ev.binary = r.pick(kFiles);
  ev.binary_known = !r.chance(10);
  if (!ev.binary_known)
    ev.binary.clear();
  ev.path_truncated = r.chance(10);
  ev.path_unresolved = r.chance(5);
  return ev;
}

void fill_path(pal_path &p, const std::string &s, bool known, bool truncated,
               bool unresolved) {
  std::memset(&p, 0, sizeof(p));
  std::memcpy(p.str, s.data(), s.size());
  p.len = static_cast<__u32>(s.size());
  if (!known) p.flags |= PAL_PATH_UNKNOWN;
  if (truncated) p.flags |= PAL_PATH_TRUNCATED;
  if (unresolved) p.flags |= PAL_PATH_UNRESOLVED;
}

std::vector<uint32_t> bits_of(const pal_atom_set &set) {
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < PAL_MAX_ATOMS; i++)
    if (set.bits[i / 64] >> (i % 64) & 1)
      ids.push_back(i);
  return ids;
}

std::string describe(const engine::Verdict &v) {
  std::ostringstream s;
  s << "action=" << v.action << " policy=" << v.policy << " rule=" << v.rule_id
    << " would=" << v.would << " would_policy=" << v.would_policy
    << " would_rule=" << v.would_rule_id << " fail_closed=" << v.fail_closed
    << " atoms=[";
  for (auto a : v.atoms) s << a << " ";
  return s.str() + "]";
}

class MatcherDiffTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (geteuid() != 0) {
      if (std::getenv("CI"))
        FAIL() << "the host tier must run as root in CI";
      GTEST_SKIP() << "needs root (loads BPF programs)";
    }
    skel_ = pal_match_test__open_and_load();
    ASSERT_NE(skel_, nullptr) << "load match_test.bpf.o: " << std::strerror(errno);
    maps_ = enforce::PolicyMaps({skel_->maps.pal_config, skel_->maps.pal_atoms,
                                 skel_->maps.pal_rules, skel_->maps.pal_policies},
                                0);
    std::string err;
    ASSERT_TRUE(maps_.init(err)) << err;
  }
  void TearDown() override {
    if (skel_) pal_match_test__destroy(skel_);
  }

  engine::Verdict run_in_kernel(const engine::ExecEvent &ev) {
    MatchInput in;
    fill_path(in.path, ev.path, true, ev.path_truncated, ev.path_unresolved);
    fill_path(in.binary, ev.binary, ev.binary_known, false, false);
    __u32 zero = 0;
    EXPECT_EQ(bpf_map_update_elem(bpf_map__fd(skel_->maps.mt_input), &zero, &in, BPF_ANY), 0);
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    int err = bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.pal_match_test), &opts);
    EXPECT_EQ(err, 0) << "BPF_PROG_TEST_RUN: " << std::strerror(errno);
    EXPECT_EQ(opts.retval, 0u);
    MatchOutput out{};
    EXPECT_EQ(bpf_map_lookup_elem(bpf_map__fd(skel_->maps.mt_output), &zero, &out), 0);
    engine::Verdict v;
    v.action = out.action;
    v.policy = out.policy;
    v.rule_id = out.rule_id;
    v.would = out.would;
    v.would_policy = out.would_policy;
    v.would_rule_id = out.would_rule_id;
    v.fail_closed = out.fail_closed != 0;
    v.atoms = bits_of(out.atoms);
    return v;
  }

  pal_match_test *skel_ = nullptr;
  enforce::PolicyMaps maps_;
};

TEST_F(MatcherDiffTest, KernelAgreesWithReferenceEvaluator) {
  const uint32_t seed = std::getenv("PALISADE_DIFF_SEED")
                            ? uint32_t(std::atoi(std::getenv("PALISADE_DIFF_SEED")))
                            : 20261124u;
  Random r(seed);
  int policies = 0, events = 0, decided = 0;
  while (policies < 300) {
    std::string text = random_policy_text(r);
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("random.rules", text, diags);
    ASSERT_TRUE(file) << diags.render() << text;
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto compiled = engine::compile(files, {}, maps_.inactive_slot(), diags);
    if (!compiled)
      continue; // e.g. a condition beyond the term limit: draw another
    std::string err;
    ASSERT_TRUE(maps_.apply(*compiled, err)) << err;
    policies++;
    for (int i = 0; i < 40; i++) {
      engine::ExecEvent ev = random_event(r);
      engine::Verdict want = engine::evaluate_exec(compiled->image, compiled->n_rules, ev);
      engine::Verdict got = run_in_kernel(ev);
      events++;
      decided += want.action != PAL_ACT_NONE || want.would != PAL_ACT_NONE;
      ASSERT_EQ(describe(got), describe(want))
          << "seed " << seed << ", event path=" << ev.path
          << (ev.path_truncated ? " (truncated)" : "")
          << (ev.path_unresolved ? " (unresolved)" : "")
          << " binary=" << (ev.binary_known ? ev.binary : "<unknown>")
          << "\npolicy:\n" << text;
    }
  }
  // The generator must exercise decisions, not just empty verdicts.
  EXPECT_GT(decided, events / 4);
  std::printf("compared %d events over %d policies, %d decided\n", events,
              policies, decided);
}

} // namespace
} // namespace palisade
