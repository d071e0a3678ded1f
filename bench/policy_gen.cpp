#include "policy_gen.h"

#include <random>
#include <unordered_set>
#include <vector>

namespace palisade::bench {
namespace {

// The vocabulary: what rules compare `path` and `binary` with. It grows
// with the policy, as real deny lists do, so that no path or directory is
// tested by more rules than the kernel checks per entry (64).
struct Vocabulary {
  std::vector<std::string> paths;       // path == / !=        (80)
  std::vector<std::string> path_sets;   // let names, path in  (40)
  std::vector<std::string> dirs;        // path under          (32)
  std::vector<std::string> binaries;    // binary == / !=      (40)
  std::vector<std::string> binary_sets; // let names, binary in (16)
  std::vector<std::string> binary_dirs; // binary under        (16)
  std::string lets;                     // the `let` lines
};

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

std::string tool(int i) {
  static const char *dirs[] = {"/usr/bin", "/usr/sbin", "/usr/local/bin",
                               "/opt/vendor/bin", "/usr/libexec/tools"};
  return std::string(dirs[i % 5]) + "/tool" + std::to_string(i);
}

// `count` lets of `min_size`..`max_size` values drawn from `range`
// values; returns their names.
std::vector<std::string> add_sets(std::string &lets, const std::string &prefix,
                                  int count, int min_size, int max_size,
                                  int range, std::mt19937 &rng,
                                  std::string (*value)(int)) {
  std::vector<std::string> names;
  for (int s = 0; s < count; ++s) {
    names.push_back(prefix + std::to_string(s));
    int size = min_size + static_cast<int>(rng() % (max_size - min_size + 1));
    lets += "let " + names.back() + " = [";
    for (int k = 0; k < size; ++k)
      lets += (k ? ", " : "") + quoted(value(static_cast<int>(rng() % range)));
    lets += "]\n";
  }
  return names;
}

std::string daemon(int i) {
  return (i % 2 ? "/usr/sbin/daemon" : "/usr/lib/svc/worker") +
         std::to_string(i);
}

Vocabulary vocabulary(int rules, std::mt19937 &rng) {
  auto at_least = [](int floor, int n) { return n > floor ? n : floor; };
  const int paths = at_least(80, rules / 2);
  Vocabulary v;
  for (int i = 0; i < paths; ++i)
    v.paths.push_back(tool(1000000 + i)); // disjoint from the set values
  v.path_sets = add_sets(v.lets, "tools", at_least(40, rules / 8), 3, 8,
                         at_least(400, 2 * rules), rng, tool);
  for (const char *d : {"/tmp", "/dev/shm", "/var/tmp", "/run/user"})
    v.dirs.push_back(d);
  for (int i = 0; int(v.dirs.size()) < at_least(32, rules / 32); ++i)
    v.dirs.push_back((i % 2 ? "/home/user" : "/srv/job") + std::to_string(i) +
                     (i % 3 ? "/bin" : ""));
  for (int i = 0; i < at_least(40, rules / 4); ++i)
    v.binaries.push_back(daemon(1000000 + i));
  v.binary_sets = add_sets(v.lets, "daemons", at_least(16, rules / 16), 2, 5,
                           at_least(400, rules), rng, daemon);
  for (int i = 0; i < 16; ++i)
    v.binary_dirs.push_back("/opt/app" + std::to_string(i));
  return v;
}

// Rules of the shapes real policies have. Each pairs a path test with a
// binary test, so that rules rarely imply one another: the warnings stay
// as rare as in a policy someone maintains.
class RuleWriter {
public:
  RuleWriter(const Vocabulary &v, std::mt19937 &rng) : v_(v), rng_(rng) {}

  // A rule that is not yet in the policy (after a few tries, any rule).
  std::string rule() {
    std::string r;
    for (int tries = 0; tries < 20; ++tries)
      if (written_.insert(r = condition()).second)
        break;
    if (rng_() % 3 == 0)
      r += " \"rule " + std::to_string(++messages_) + "\"";
    return r;
  }

  void next_policy() { written_.clear(); }

private:
  std::string condition() {
    const std::string p = quoted(pick(v_.paths)), s = pick(v_.path_sets),
                      d = quoted(pick(v_.dirs)), b = quoted(pick(v_.binaries)),
                      bs = pick(v_.binary_sets),
                      bd = quoted(pick(v_.binary_dirs));
    switch (rng_() % 6) {
    case 0:
      return "deny exec when path == " + p + " and binary != " + b;
    case 1:
      return "deny exec when path in " + s + " and binary not in " + bs;
    case 2:
      return "kill exec when path under " + d + " and binary == " + b;
    case 3:
      return "allow exec when path in " + s + " and binary == " + b;
    case 4:
      return "audit exec when path under " + d + " and not binary under " + bd;
    default:
      return "deny exec when (path == " + p + " or path under " + d +
             ") and not (binary == " + b + " or binary under " + bd + ")";
    }
  }

  const std::string &pick(const std::vector<std::string> &from) {
    return from[rng_() % from.size()];
  }

  const Vocabulary &v_;
  std::mt19937 &rng_;
  std::unordered_set<std::string> written_; // conditions of this policy
  int messages_ = 0;
};

} // namespace

GeneratedPolicy generate_policy(int rules, uint32_t seed) {
  std::mt19937 rng(seed);
  Vocabulary v = vocabulary(rules, rng);
  RuleWriter writer(v, rng);
  GeneratedPolicy out;
  out.lets = static_cast<int>(v.path_sets.size() + v.binary_sets.size());
  out.policies = 8;
  out.text = "# generated by bench/policy_gen.cpp\n" + v.lets;
  for (int p = 0; p < out.policies; ++p) {
    out.text += "\npolicy \"bench" + std::to_string(p) + "\" mode " +
                (p % 4 == 3 ? "audit" : "enforce") + " {\n";
    writer.next_policy();
    int first = rules * p / out.policies, last = rules * (p + 1) / out.policies;
    for (int i = first; i < last; ++i)
      out.text += "  " + writer.rule() + "\n";
    out.text += "}\n";
  }
  return out;
}

} // namespace palisade::bench
