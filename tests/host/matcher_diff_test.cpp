// Differential test of the in-kernel matcher (bpf/lib/match.h, run through
// BPF_PROG_TEST_RUN on this machine's JIT) against the userspace reference
// evaluator (engine/evaluate.h), on random policies and random events of
// every kind (opens with intent masks, renames with new names, network
// events with ports, addresses, protocols and families, cgroups, parent
// executables): the
// verdict, the entries the lookups found and the number of candidate terms
// evaluated must all agree. Small policies probe every path boundary; big
// ones (hundreds of rules, lists of hundreds of paths, up to 64 policies)
// probe the index. Every policy is applied with a slot flip, so stale
// entries left in a reused slot would show up as disagreements too.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <regex>
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
#include "palisade/enforce/policy_maps.h"
#include "palisade/engine/evaluate.h"
#include "random_policy.h"
#include "require_root.h"

namespace palisade {
namespace {

using test_support::quoted;
const auto &kDirs = test_support::kBoundaryDirs;
const auto &kFiles = test_support::kBoundaryFiles;
using test_support::Random;
using test_support::random_event;
using test_support::random_policy_text;

// ---- big policies: many rules and policies, long lists, nested dirs ----

std::string app_dir(size_t i) { return "/srv/app" + std::to_string(i); }

// A file of the big universe: 30 applications with 60 files each, in
// bin/ and lib/ below the application's directory.
std::string big_file(Random &r) {
  size_t j = r.below(60);
  return app_dir(r.below(30)) + (j % 3 ? "/bin/t" : "/lib/t") +
         std::to_string(j);
}

std::string big_dir(Random &r) {
  switch (r.below(4)) {
  case 0:
    return app_dir(r.below(30));
  case 1:
    return app_dir(r.below(30)) + "/bin";
  case 2:
    return app_dir(r.below(30)) + "/lib";
  default:
    return r.pick(kDirs);
  }
}

std::string big_list(Random &r) {
  size_t n = r.chance(20) ? r.below(300) + 20 : r.below(6) + 1;
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out +=
        (i ? ", " : "") + quoted(r.chance(90) ? big_file(r) : r.pick(kFiles));
  return out + "]";
}

std::string big_field(Random &r) { return r.chance(75) ? "path" : "binary"; }

// A comparison that holds for some values: an index anchor.
std::string big_positive(Random &r) {
  switch (r.below(3)) {
  case 0:
    return big_field(r) + " under " + quoted(big_dir(r));
  case 1:
    return big_field(r) + " == " + quoted(big_file(r));
  default:
    return big_field(r) + " in " + big_list(r);
  }
}

std::string big_comparison(Random &r) {
  switch (r.below(5)) {
  case 0:
    return big_field(r) + " != " + quoted(big_file(r));
  case 1:
    return big_field(r) + " not in " + big_list(r);
  default:
    return big_positive(r);
  }
}

std::string big_condition(Random &r, int depth) {
  if (depth == 0 || r.chance(50))
    return big_comparison(r);
  switch (r.below(4)) {
  case 0:
  case 1:
    return "(" + big_condition(r, depth - 1) + " and " +
           big_condition(r, depth - 1) + ")";
  case 2:
    return "(" + big_condition(r, depth - 1) + " or " +
           big_condition(r, depth - 1) + ")";
  default:
    return "not " + big_condition(r, depth - 1);
  }
}

// An open rule: an intent and a path of the big universe.
std::string big_open_condition(Random &r) {
  std::string c = test_support::random_comparison(r, "access");
  if (r.chance(70))
    c += " and " + big_positive(r);
  return c;
}

// A port of the big universe: 0..2047, so ranges and numbers meet.
std::string big_port(Random &r) {
  uint32_t lo = uint32_t(r.below(2048));
  if (r.chance(60))
    return std::to_string(lo);
  return std::to_string(lo) + ".." + std::to_string(lo + r.below(300));
}

// A network of the big universe: 10.x.y.0/24 .. 10.x.0.0/16 and hosts.
std::string big_network(Random &r) {
  std::string a = "10." + std::to_string(r.below(8)) + ".";
  switch (r.below(3)) {
  case 0:
    return quoted(a + "0.0/16");
  case 1:
    return quoted(a + std::to_string(r.below(8)) + ".0/24");
  default:
    return quoted(a + std::to_string(r.below(8)) + "." +
                  std::to_string(r.below(8)));
  }
}

std::string big_net_condition(Random &r) {
  std::string ports = "[";
  for (size_t i = 0, n = r.below(20) + 1; i < n; i++)
    ports += (i ? ", " : "") + big_port(r);
  ports += "]";
  std::string c = "port in " + ports;
  if (r.chance(50))
    c += " and address in [" + big_network(r) + ", " + big_network(r) + "]";
  if (r.chance(20))
    c += " and protocol == \"udp\"";
  if (r.chance(20))
    c += " and " + test_support::random_comparison(r, "cgroup");
  if (r.chance(10))
    c += " and " + test_support::random_comparison(r, "parent.binary");
  return c;
}

engine::Event big_net_event(Random &r) {
  engine::Event ev;
  ev.kind = PAL_EVENT_CONNECT;
  ev.binary = big_file(r);
  ev.port = uint16_t(r.below(2400));
  ev.protocol = r.chance(70) ? 6 : 17;
  ev.family = 4;
  ev.address[10] = ev.address[11] = 0xff;
  ev.address[12] = 10;
  ev.address[13] = uint8_t(r.below(9));
  ev.address[14] = uint8_t(r.below(9));
  ev.address[15] = uint8_t(r.below(9));
  ev.cgroup_known = true;
  ev.cgroup = r.chance(50) ? "/system.slice/docker-1.scope" : "/user.slice";
  ev.parent_binary_known = !r.chance(5);
  if (ev.parent_binary_known)
    ev.parent_binary = r.chance(50) ? big_file(r) : r.pick(kFiles);
  return ev;
}

std::string big_policy_text(Random &r) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny",
                                                   "kill"};
  std::ostringstream text;
  size_t policies = r.chance(30) ? r.below(61) + 4 : r.below(4) + 1;
  size_t rules = r.below(400) + 100;
  for (size_t p = 0; p < policies; p++) {
    text << "policy \"p" << p << "\" mode "
         << (r.chance(60) ? "enforce" : "audit") << " {\n";
    for (size_t i = 0; i < rules / policies + 1; i++) {
      if (r.chance(12)) { // network rules: many ports and networks
        text << "  " << r.pick(actions) << " connect when "
             << big_net_condition(r) << "\n";
        continue;
      }
      if (r.chance(20)) { // some file rules among the exec ones
        text << "  " << r.pick(actions) << " open when "
             << big_open_condition(r) << "\n";
        continue;
      }
      text << "  " << r.pick(actions) << " exec";
      // Most rules name something that must hold (as real ones do); the
      // rest are checked for every exec, and at most 64 of those fit.
      if (r.chance(92))
        text << " when " << big_positive(r) << " and " << big_condition(r, 2);
      else if (r.chance(80))
        text << " when " << big_condition(r, 1);
      text << "\n";
    }
    text << "}\n";
  }
  return text.str();
}

engine::Event big_event(Random &r) {
  if (r.chance(15))
    return big_net_event(r);
  engine::Event ev;
  if (r.chance(20)) {
    ev.kind = PAL_EVENT_OPEN;
    ev.access = uint32_t(r.below(PAL_ACCESS_ALL + 1));
  }
  ev.path = r.chance(85) ? big_file(r) : r.pick(kFiles);
  if (r.chance(10))
    ev.path += "/deeper";
  ev.binary = r.chance(80) ? big_file(r) : r.pick(kFiles);
  ev.binary_known = !r.chance(5);
  if (!ev.binary_known)
    ev.binary.clear();
  ev.path_truncated = r.chance(5);
  ev.path_unresolved = r.chance(3);
  return ev;
}

void fill_path(pal_path &p, const std::string &s, bool known, bool truncated,
               bool unresolved) {
  std::memset(&p, 0, sizeof(p));
  std::memcpy(p.str, s.data(), s.size());
  p.len = static_cast<__u32>(s.size());
  if (!known)
    p.flags |= PAL_PATH_UNKNOWN;
  if (truncated)
    p.flags |= PAL_PATH_TRUNCATED;
  if (unresolved)
    p.flags |= PAL_PATH_UNRESOLVED;
}

// The image with another hash seed for its exact paths (the engine picks
// the first seed without a collision, so 0 nearly always): the kernel
// must use the slot's seed, not assume one.
void reseed(engine::MapImage &image, uint64_t seed) {
  for (auto e : image.maps["exact"]) { // a view: writes go to the image
    pal_exact_key k;
    pal_exact x;
    std::memcpy(&k, e.key.data(), sizeof k);
    std::memcpy(&x, e.value.data(), sizeof x);
    k.hash = engine::exact_path_hash(
        seed, std::string_view(reinterpret_cast<const char *>(x.path), x.len));
    std::memcpy(e.key.data(), &k, sizeof k);
  }
  image.maps["exact"].sort_by_key();
  for (auto e : image.maps["slots"]) {
    pal_slot hdr;
    std::memcpy(&hdr, e.value.data(), sizeof hdr);
    hdr.hash_seed = seed;
    std::memcpy(e.value.data(), &hdr, sizeof hdr);
  }
}

// The verdict plus how the kernel reached it: entries found, candidates.
std::string describe(const engine::Verdict &v) {
  std::ostringstream s;
  s << test_support::verdict_text(v) << " path_entry=" << v.path_entry
    << " binary_entry=" << v.binary_entry << " target_entry=" << v.target_entry
    << " access_entry=" << v.access_entry << " cgroup_entry=" << v.cgroup_entry
    << " parent_binary_entry=" << v.parent_binary_entry
    << " port_entry=" << v.port_entry << " address_entry=" << v.address_entry
    << " protocol_entry=" << v.protocol_entry
    << " family_entry=" << v.family_entry << " uid_entry=" << v.uid_entry
    << " gid_entry=" << v.gid_entry << " euid_entry=" << v.euid_entry
    << " pid_entry=" << v.pid_entry << " considered=" << v.considered;
  return s.str();
}

class MatcherDiffTest : public ::testing::Test {
protected:
  void SetUp() override {
    PALISADE_REQUIRE_ROOT();
    skel_ = pal_match_test__open_and_load();
    ASSERT_NE(skel_, nullptr)
        << "load match_test.bpf.o: " << std::strerror(errno);
    maps_ = enforce::PolicyMaps(enforce::PolicyMapSet(skel_->obj), {});
    std::string err;
    ASSERT_TRUE(maps_.init(err)) << err;
  }
  void TearDown() override {
    if (skel_)
      pal_match_test__destroy(skel_);
  }

  engine::Verdict run_in_kernel(const engine::Event &ev) {
    pal_match_input in;
    std::memset(&in, 0, sizeof in);
    in.event = ev.kind;
    in.access = ev.access;
    fill_path(in.path, ev.path, true, ev.path_truncated, ev.path_unresolved);
    fill_path(in.binary, ev.binary, ev.binary_known, false, false);
    // Only a rename has a new name; any other event's is unknown.
    const bool rename = ev.kind == PAL_EVENT_RENAME;
    fill_path(in.target, rename ? ev.target : "", rename,
              rename && ev.target_truncated, rename && ev.target_unresolved);
    fill_path(in.cgroup, ev.cgroup, ev.cgroup_known, ev.cgroup_truncated,
              false);
    fill_path(in.parent_binary, ev.parent_binary, ev.parent_binary_known, false,
              false);
    in.port = ev.port;
    in.protocol = ev.protocol;
    in.family = ev.family;
    std::memcpy(in.address, ev.address.data(), sizeof in.address);
    in.uid = ev.uid;
    in.gid = ev.gid;
    in.euid = ev.euid;
    in.pid = ev.pid;
    __u32 zero = 0;
    EXPECT_EQ(bpf_map_update_elem(bpf_map__fd(skel_->maps.mt_input), &zero, &in,
                                  BPF_ANY),
              0);
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    int err = bpf_prog_test_run_opts(
        bpf_program__fd(skel_->progs.pal_match_test), &opts);
    EXPECT_EQ(err, 0) << "BPF_PROG_TEST_RUN: " << std::strerror(errno);
    EXPECT_EQ(opts.retval, 0u);
    pal_match_output out{};
    EXPECT_EQ(
        bpf_map_lookup_elem(bpf_map__fd(skel_->maps.mt_output), &zero, &out),
        0);
    engine::Verdict v;
    v.action = out.action;
    v.policy = out.policy;
    v.rule_id = out.rule_id;
    v.would = out.would;
    v.would_policy = out.would_policy;
    v.would_rule_id = out.would_rule_id;
    v.fail_closed = out.fail_closed != 0;
    v.path_entry = out.path_entry;
    v.binary_entry = out.binary_entry;
    v.target_entry = out.target_entry;
    v.access_entry = out.access_entry;
    v.port_entry = out.port_entry;
    v.address_entry = out.address_entry;
    v.protocol_entry = out.protocol_entry;
    v.family_entry = out.family_entry;
    v.cgroup_entry = out.cgroup_entry;
    v.parent_binary_entry = out.parent_binary_entry;
    v.uid_entry = out.uid_entry;
    v.gid_entry = out.gid_entry;
    v.euid_entry = out.euid_entry;
    v.pid_entry = out.pid_entry;
    v.considered = out.considered;
    return v;
  }

  struct Counts {
    int policies = 0, rejected = 0, events = 0, decided = 0, considered = 0;
    int net_decided = 0, value_entries = 0, cgroup_entries = 0;
    int id_entries = 0, parent_entries = 0;
    int any_of = 0; // policies with under/startswith/... a list or set
  };

  // under, startswith, endswith or matches followed by a list or by one of
  // the sets random_policy_text() defines.
  static bool compares_with_several(const std::string &text) {
    static const std::regex several(
        "(under|startswith|endswith|matches) "
        "(\\[|dirs|prefixes|suffixes|globs|cgroups)");
    return std::regex_search(text, several);
  }

  // Draws policies until `wanted` compiled, applies each, and compares
  // `events_each` events on it.
  template <class PolicyGen, class EventGen>
  void compare(uint32_t seed, int wanted, int events_each,
               PolicyGen policy_text, EventGen event, Counts &n) {
    Random r(seed);
    while (n.policies < wanted) {
      std::string text = policy_text(r);
      dsl::Diagnostics diags;
      auto file = dsl::parse_rules("random.rules", text, diags);
      ASSERT_TRUE(file) << diags.render() << text;
      std::vector<dsl::PolicyFile> files;
      files.push_back(std::move(*file));
      auto compiled = engine::compile(files, {}, maps_.inactive_slot(), diags);
      if (!compiled) {
        n.rejected++; // e.g. beyond the term or list limits: draw another
        continue;
      }
      const engine::MapImage as_compiled = compiled->image;
      const bool reseeded = n.policies % 3 == 2;
      if (reseeded)
        reseed(compiled->image, 0x5eed0000u + n.policies);
      std::string err;
      ASSERT_TRUE(maps_.apply(*compiled, err)) << err;
      n.policies++;
      n.any_of += compares_with_several(text);
      engine::Evaluator evaluate(compiled->image);
      engine::Evaluator evaluate_compiled(as_compiled);
      for (int i = 0; i < events_each; i++) {
        engine::Event ev = event(r);
        engine::Verdict want = evaluate(ev);
        if (reseeded)
          ASSERT_EQ(describe(want), describe(evaluate_compiled(ev)))
              << "another seed changed the decision";
        engine::Verdict got = run_in_kernel(ev);
        n.events++;
        n.decided += want.action != PAL_ACT_NONE || want.would != PAL_ACT_NONE;
        n.considered += want.considered;
        n.net_decided +=
            ev.kind >= PAL_EVENT_CONNECT &&
            (want.action != PAL_ACT_NONE || want.would != PAL_ACT_NONE);
        n.value_entries += want.port_entry != 0 || want.address_entry != 0;
        n.cgroup_entries += want.cgroup_entry != 0;
        n.parent_entries += want.parent_binary_entry != 0;
        n.id_entries += want.uid_entry != 0 || want.gid_entry != 0 ||
                        want.euid_entry != 0 || want.pid_entry != 0;
        ASSERT_EQ(describe(got), describe(want))
            << "seed " << seed << ", " << test_support::event_text(ev)
            << "\npolicy:\n"
            << text;
      }
    }
  }

  pal_match_test *skel_ = nullptr;
  enforce::PolicyMaps maps_;
};

uint32_t seed_or(uint32_t fallback) {
  const char *s = std::getenv("PALISADE_DIFF_SEED");
  return s ? uint32_t(std::atoi(s)) : fallback;
}

TEST_F(MatcherDiffTest, KernelAgreesWithReferenceEvaluator) {
  Counts n;
  auto small_policy = [](Random &r) { return random_policy_text(r, 6); };
  compare(seed_or(20261124u), 300, 40, small_policy, random_event, n);
  // The generator must exercise decisions, not just empty verdicts: about
  // a quarter of its events are decided (25.3% with the default seed since
  // lists and sets after under and the pattern operators joined the mix),
  // a broken one decides almost none.
  EXPECT_GT(n.decided, n.events / 5);
  // Network events and cgroups reach the kernel's value and cgroup lookups.
  EXPECT_GT(n.net_decided, n.events / 50);
  EXPECT_GT(n.value_entries, n.events / 20);
  EXPECT_GT(n.cgroup_entries, n.events / 50);
  EXPECT_GT(n.parent_entries, n.events / 50);
  // ... and the identity fields the kernel reads from the given ids.
  EXPECT_GT(n.id_entries, n.events / 20);
  // Lists and sets after under and the pattern operators are in the mix.
  EXPECT_GT(n.any_of, n.policies / 4);
  std::printf("compared %d events over %d policies, %d decided (%d network), "
              "%d with a port or address entry, %d with a cgroup entry, "
              "%d with a parent.binary entry, %d with an id entry; %d "
              "policies compare with a list or set after under, "
              "startswith, endswith or matches\n",
              n.events, n.policies, n.decided, n.net_decided, n.value_entries,
              n.cgroup_entries, n.parent_entries, n.id_entries, n.any_of);
}

// Prefixes, suffixes and globs alone, on exec events whose paths are the
// boundary files: every pattern meets every file, so the kernel's NFA is
// compared with the evaluator's matcher on each pair, also negated and
// on truncated paths.
TEST_F(MatcherDiffTest, KernelAgreesOnGlobs) {
  Counts n;
  auto glob_policy = [](Random &r) {
    std::string text = "policy \"g\" mode enforce {\n";
    for (int i = 0, k = int(r.below(6)) + 1; i < k; i++) {
      const char *form[] = {" startswith ", " endswith ", " matches "};
      const auto &from = i % 3 == 0   ? test_support::kPrefixes
                         : i % 3 == 1 ? test_support::kSuffixes
                                      : test_support::kGlobs;
      const size_t f = i % 3;
      // Now and then a list: the comparison holds for any of its values.
      const std::string values =
          r.chance(25) ? test_support::quoted_list(r, from, r.below(3) + 2)
                       : quoted(r.pick(from));
      text += std::string("  ") + (r.chance(50) ? "deny" : "audit") +
              " exec when " + (r.chance(25) ? "not " : "") + "path" + form[f] +
              values + (r.chance(30) ? " and binary matches \"/**/b*\"" : "") +
              "\n";
    }
    return text + "}\n";
  };
  auto exec_event = [](Random &r) {
    engine::Event ev;
    ev.kind = PAL_EVENT_EXEC;
    ev.path = r.pick(test_support::kBoundaryFiles);
    if (r.chance(30))
      ev.path += r.chance(50) ? "/x" : "/a/b/x";
    ev.binary = r.pick(test_support::kBoundaryFiles);
    ev.path_truncated = r.chance(10);
    return ev;
  };
  compare(seed_or(20261125u), 400, 30, glob_policy, exec_event, n);
  EXPECT_GT(n.decided, n.events / 4);
  EXPECT_GT(n.any_of, n.policies / 4);
  std::printf("compared %d events over %d glob policies, %d decided, %d "
              "with a list\n",
              n.events, n.policies, n.decided, n.any_of);
}

// What the BPF maps hold for one slot, as (map, key bytes) -> value bytes;
// array elements that are all zero are left out.
using Contents = std::map<std::pair<std::string, std::vector<uint8_t>>,
                          std::vector<uint8_t>>;

// Elements of each array map's slot that `images` wrote: one past the
// highest index.
std::map<std::string, uint32_t>
written_bound(const std::vector<const engine::MapImage *> &images,
              pal_match_test *skel) {
  std::map<std::string, bpf_map *> arrays = {
      {"slots", skel->maps.pal_slots}, {"cands", skel->maps.pal_cands},
      {"rules", skel->maps.pal_rules}, {"terms", skel->maps.pal_terms},
      {"lits", skel->maps.pal_lits},   {"policies", skel->maps.pal_policies}};
  std::map<std::string, uint32_t> out;
  for (const auto *image : images)
    for (const auto &[name, map] : arrays) {
      const uint32_t per_slot = bpf_map__max_entries(map) / PAL_SLOTS;
      auto it = image->maps.find(name);
      if (it == image->maps.end())
        continue;
      for (const auto &e : it->second) {
        uint32_t idx;
        std::memcpy(&idx, e.key.data(), sizeof idx);
        out[name] = std::max(out[name], idx % per_slot + 1);
      }
    }
  return out;
}

Contents slot_contents(pal_match_test *skel, uint32_t slot,
                       const std::map<std::string, uint32_t> &bound) {
  Contents out;
  auto keyed = [&](const char *name, bpf_map *map, size_t slot_offset) {
    const int fd = bpf_map__fd(map);
    std::vector<uint8_t> key(bpf_map__key_size(map)), next(key.size()),
        value(bpf_map__value_size(map));
    void *prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, next.data()) == 0) {
      uint32_t s = slot_offset == 4 ? next[4]
                                    : next[0] | next[1] << 8 | next[2] << 16 |
                                          uint32_t(next[3]) << 24;
      if (s == slot && bpf_map_lookup_elem(fd, next.data(), value.data()) == 0)
        out[{name, next}] = value;
      key = next;
      prev = key.data();
    }
  };
  keyed("atoms", skel->maps.pal_atoms, 4); // data[0], after prefixlen
  keyed("exact", skel->maps.pal_exact, 0);
  keyed("values", skel->maps.pal_values, 0);
  keyed("held", skel->maps.pal_held, 0);
  keyed("globs", skel->maps.pal_globs, 0);
  auto array = [&](const char *name, bpf_map *map) {
    const int fd = bpf_map__fd(map);
    const uint32_t per_slot = bpf_map__max_entries(map) / PAL_SLOTS;
    std::vector<uint8_t> value(bpf_map__value_size(map)), zero(value.size());
    auto b = bound.find(name);
    const uint32_t n = b == bound.end() ? 0 : std::min(per_slot, b->second);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t idx = slot * per_slot + i;
      EXPECT_EQ(bpf_map_lookup_elem(fd, &idx, value.data()), 0);
      if (value != zero) {
        std::vector<uint8_t> k(sizeof idx);
        std::memcpy(k.data(), &idx, sizeof idx);
        out[{name, k}] = value;
      }
    }
  };
  array("slots", skel->maps.pal_slots);
  array("cands", skel->maps.pal_cands);
  array("rules", skel->maps.pal_rules);
  array("terms", skel->maps.pal_terms);
  array("lits", skel->maps.pal_lits);
  array("policies", skel->maps.pal_policies);
  return out;
}

Contents image_contents(const engine::MapImage &image) {
  Contents out;
  for (const auto &[name, entries] : image.maps)
    for (const auto &e : entries)
      if (std::any_of(e.value.begin(), e.value.end(),
                      [](uint8_t b) { return b; }))
        out[{name, {e.key.begin(), e.key.end()}}] = {e.value.begin(),
                                                     e.value.end()};
  return out;
}

// A slot that held a big policy and then a small one holds the small one
// only: the apply cleared every map, the index maps included.
TEST_F(MatcherDiffTest, ApplyLeavesNoStaleEntries) {
  auto compile_text = [&](const std::string &text) {
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("stale.rules", text, diags);
    EXPECT_TRUE(file) << diags.render();
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto c = engine::compile(files, {}, maps_.inactive_slot(), diags);
    EXPECT_TRUE(c) << diags.render();
    return *c;
  };
  Random r(7);
  std::string big;
  while (big.empty()) {
    std::string text = big_policy_text(r);
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("big.rules", text, diags);
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    if (engine::compile(files, {}, 0, diags))
      big = text;
  }
  const std::string small =
      "policy \"s\" mode enforce { deny exec when path == \"/srv/app1/bin/t1\" "
      "and binary != \"/bin/sh\" }\n";
  std::string err;
  const uint32_t slot = maps_.inactive_slot();
  auto first = compile_text(big);
  ASSERT_TRUE(maps_.apply(first, err)) << err;
  auto other = compile_text(small + "policy \"o\" mode audit { audit exec }\n");
  ASSERT_TRUE(maps_.apply(other, err)) << err;
  auto again = compile_text(small);
  ASSERT_EQ(again.image.slot, slot);
  ASSERT_TRUE(maps_.apply(again, err)) << err;
  ASSERT_GT(image_contents(first.image).size(), 1000u);
  // Every array element an image wrote is below these bounds.
  auto bound = written_bound({&first.image, &other.image, &again.image}, skel_);
  EXPECT_EQ(slot_contents(skel_, slot, bound), image_contents(again.image));
  EXPECT_EQ(slot_contents(skel_, slot ^ 1, bound), image_contents(other.image));
  EXPECT_EQ(run_in_kernel(engine::Event{.path = "/srv/app1/bin/t1",
                                        .binary = "/bin/bash"})
                .action,
            uint32_t{PAL_ACT_DENY});
}

TEST_F(MatcherDiffTest, KernelAgreesOnBigPolicies) {
  Counts n;
  compare(seed_or(20261125u), 40, 150, big_policy_text, big_event, n);
  EXPECT_GT(n.decided, n.events / 4);
  EXPECT_GT(n.considered, n.events); // the index is exercised, not bypassed
  EXPECT_LT(n.rejected, n.policies); // most drawn policies fit the limits
  std::printf("compared %d events over %d big policies (%d did not fit), %d "
              "decided, %d candidate terms evaluated\n",
              n.events, n.policies, n.rejected, n.decided, n.considered);
}

} // namespace
} // namespace palisade
