// Decision cost of the in-kernel exec matcher on this machine's JIT, by
// rule count. Runs pal_match_bench (bpf/match_test.bpf.c), which repeats
// the decision in a bpf_loop and times it with the kernel clock, so the
// syscall that starts it is not in the figure. Root. Prints a table; not a
// test: these machines are noisy, compare figures from one run only. Each
// figure is the best of several runs, which filters out interruptions.
//
//   matcher_bench [iterations]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "match_test.skel.h"
#include "palisade/abi.h"
#include "palisade/dsl/parser.h"
#include "palisade/engine/compile.h"
#include "palisade/enforce/policy_maps.h"

using namespace palisade;

namespace {

struct Bench {
  uint64_t iterations;
  uint64_t elapsed_ns;
};

// N rules, each on its own exact path, one `under` rule, one binary rule:
// the shape of a real deny list. The events: no match (/usr/bin/ls),
// near miss (a path as long as a listed one, not listed), exact hit (a
// listed path), under hit (below the directory); all by /usr/bin/bash.
std::string policy_with(int n) {
  std::string text = "policy \"bench\" mode enforce {\n";
  for (int i = 0; i < n - 2; i++)
    text += "  deny exec when path == \"/bench/bin/tool" + std::to_string(i) + "\"\n";
  text += "  kill exec when path under \"/bench/shm\"\n";
  text += "  allow exec when binary == \"/usr/sbin/sshd\"\n}\n";
  return text;
}

void set_path(pal_path &p, const char *s) {
  std::memset(&p, 0, sizeof(p));
  std::strcpy(p.str, s);
  p.len = static_cast<__u32>(std::strlen(s));
}

double ns_once(pal_match_test *skel, const char *path, uint64_t iterations) {
  pal_match_input in; // abi.h's: the map's value is exactly this
  std::memset(&in, 0, sizeof in);
  in.event = PAL_EVENT_EXEC;
  set_path(in.path, path);
  set_path(in.binary, "/usr/bin/bash");
  in.target.flags = PAL_PATH_UNKNOWN; // only a rename has a new name
  __u32 zero = 0;
  bpf_map_update_elem(bpf_map__fd(skel->maps.mt_input), &zero, &in, BPF_ANY);
  Bench b{iterations, 0};
  bpf_map_update_elem(bpf_map__fd(skel->maps.mt_bench), &zero, &b, BPF_ANY);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.pal_match_bench), &opts) != 0) {
    std::perror("BPF_PROG_TEST_RUN");
    std::exit(1);
  }
  bpf_map_lookup_elem(bpf_map__fd(skel->maps.mt_bench), &zero, &b);
  return double(b.elapsed_ns) / double(iterations);
}

double ns_per_decision(pal_match_test *skel, const char *path, uint64_t iterations) {
  double best = ns_once(skel, path, iterations);
  for (int i = 0; i < 4; i++)
    best = std::min(best, ns_once(skel, path, iterations));
  return best;
}

} // namespace

int main(int argc, char **argv) {
  if (geteuid() != 0) {
    std::fputs("matcher_bench: needs root\n", stderr);
    return 1;
  }
  const uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  pal_match_test *skel = pal_match_test__open_and_load();
  if (!skel) {
    std::perror("load match_test.bpf.o");
    return 1;
  }
  enforce::PolicyMaps maps(enforce::policy_map_set(skel), {});
  std::string err;
  if (!maps.init(err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  std::printf("exec decision cost, %llu decisions per figure (ns/decision)\n",
              static_cast<unsigned long long>(iterations));
  std::printf("%8s %10s %10s %10s %10s   %s\n", "rules", "no match",
              "near miss", "exact hit", "under hit",
              "each / the 10-rule figure");
  double base[4] = {0, 0, 0, 0};
  for (int n : {10, 100, 1000, 10000}) {
    dsl::Diagnostics diags;
    auto file = dsl::parse_rules("bench.rules", policy_with(n), diags);
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto compiled = engine::compile(files, {}, maps.inactive_slot(), diags);
    if (!compiled || !maps.apply(*compiled, err)) {
      std::fprintf(stderr, "%s%s\n", diags.render().c_str(), err.c_str());
      return 1;
    }
    // near miss: as long as a listed path, so the exact lookup is made
    // and fails, then the trie is searched.
    std::string listed = "/bench/bin/tool" + std::to_string(n - 3);
    std::string near = listed.substr(0, listed.size() - 1) + "x";
    double fig[4] = {ns_per_decision(skel, "/usr/bin/ls", iterations),
                     ns_per_decision(skel, near.c_str(), iterations),
                     ns_per_decision(skel, listed.c_str(), iterations),
                     ns_per_decision(skel, "/bench/shm/x", iterations)};
    if (n == 10)
      std::copy(fig, fig + 4, base);
    std::printf("%8d %10.1f %10.1f %10.1f %10.1f   %.2fx %.2fx %.2fx %.2fx\n",
                n, fig[0], fig[1], fig[2], fig[3], fig[0] / base[0],
                fig[1] / base[1], fig[2] / base[2], fig[3] / base[3]);
  }
  pal_match_test__destroy(skel);
  return 0;
}
