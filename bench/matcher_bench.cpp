// Decision cost of the in-kernel matcher on this machine's JIT, by rule
// count, for exec, open and connect decisions. Runs pal_match_bench
// (bpf/match_bench.bpf.c), which repeats the decision in a bpf_loop and times
// it with the kernel clock, so the syscall that starts it is not in the figure.
// Root. Prints a table; not a test: these machines are noisy, compare figures
// from one run only. Each figure is the best of several runs, which filters out
// interruptions.
//
//   matcher_bench [iterations]
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "match_bench.skel.h"
#include "palisade/abi.h"
#include "palisade/dsl/parser.h"
#include "palisade/enforce/policy_maps.h"
#include "palisade/engine/compile.h"

using namespace palisade;

namespace {

struct Bench {
  uint64_t iterations;
  uint64_t elapsed_ns;
};

// A decision workload: a policy of N rules and four events to decide.
struct Workload {
  const char *name;
  std::string (*policy)(int n);
  const char *columns[4];
  void (*event)(int n, int which, pal_match_input &in);
};

void set_path(pal_path &p, const char *s) {
  std::memset(&p, 0, sizeof(p));
  std::strcpy(p.str, s);
  p.len = static_cast<__u32>(std::strlen(s));
}

// exec: N rules, each on its own exact path, one `under` rule, one binary
// rule: the shape of a real deny list. Events: no match (/usr/bin/ls),
// near miss (a path as long as a listed one, not listed), exact hit (a
// listed path), under hit (below the directory); all by /usr/bin/bash.
std::string exec_policy(int n) {
  std::string text = "policy \"bench\" mode enforce {\n";
  for (int i = 0; i < n - 2; i++)
    text += "  deny exec when path == \"/bench/bin/tool" + std::to_string(i) +
            "\"\n";
  text += "  kill exec when path under \"/bench/shm\"\n";
  text += "  allow exec when binary == \"/usr/sbin/sshd\"\n}\n";
  return text;
}

// The four paths of the exec and open workloads.
std::string path_event(const char *listed_prefix, int n, int which) {
  std::string listed = listed_prefix + std::to_string(n - 3);
  switch (which) {
  case 0:
    return "/usr/lib/x86_64-linux-gnu/libc.so.6";
  case 1:
    return listed.substr(0, listed.size() - 1) + "x"; // same length
  case 2:
    return listed;
  default:
    return "/bench/shm/x";
  }
}

void exec_event(int n, int which, pal_match_input &in) {
  in.event = PAL_EVENT_EXEC;
  set_path(in.path, path_event("/bench/bin/tool", n, which).c_str());
}

// open: the same shape with write intent on secrets, opened for writing.
std::string open_policy(int n) {
  std::string text = "policy \"bench\" mode enforce {\n";
  for (int i = 0; i < n - 2; i++)
    text += "  deny open when path == \"/bench/etc/key" + std::to_string(i) +
            "\" and access in [\"write\", \"truncate\"]\n";
  text +=
      "  deny open when path under \"/bench/shm\" and access == \"write\"\n";
  text += "  allow open when binary == \"/usr/sbin/sshd\"\n}\n";
  return text;
}

void open_event(int n, int which, pal_match_input &in) {
  in.event = PAL_EVENT_OPEN;
  in.access = PAL_ACCESS_READ | PAL_ACCESS_WRITE;
  set_path(in.path, path_event("/bench/etc/key", n, which).c_str());
}

// connect: N/2 port rules and N/2 single-address rules, a CIDR and an
// allowed binary. Events: no match, a listed port, a listed address, an
// address inside the CIDR.
std::string connect_policy(int n) {
  std::string text = "policy \"bench\" mode enforce {\n";
  for (int i = 0; i < (n - 2) / 2; i++)
    text += "  deny connect when port == " + std::to_string(10000 + i) + "\n";
  for (int i = 0; i < (n - 2) - (n - 2) / 2; i++)
    text += "  deny connect when address == \"198.18." +
            std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) +
            "\"\n";
  text += "  deny connect when address in [\"10.0.0.0/8\"] and protocol == "
          "\"tcp\"\n";
  text += "  allow connect when binary == \"/usr/sbin/sshd\"\n}\n";
  return text;
}

void connect_event(int n, int which, pal_match_input &in) {
  in.event = PAL_EVENT_CONNECT;
  in.family = 4;
  in.protocol = 6; // tcp
  in.port = which == 1 ? 10000 + (n - 2) / 4 : 443;
  const uint8_t addr[4][4] = {
      {93, 184, 216, 34}, {93, 184, 216, 34}, {198, 18, 0, 7}, {10, 1, 2, 3}};
  in.address[10] = in.address[11] = 0xff;
  std::memcpy(in.address + 12, addr[which], 4);
}

// glob: N-2 rules, the first 250 (PAL_SLOT_GLOBS allows 256) `matches`,
// each under its own directory, the rest exact paths; one `endswith` (a
// candidate of every path) and an allowed binary. Events: no match, a
// near miss (right directory, wrong name), a glob hit deep in a long path,
// a suffix hit.
std::string glob_policy(int n) {
  std::string text = "policy \"bench\" mode enforce {\n";
  for (int i = 0; i < n - 2; i++)
    text += i < 250 ? "  deny open when path matches \"/bench/home" +
                          std::to_string(i) + "/*/.ssh/**/id_*\"\n"
                    : "  deny open when path == \"/bench/etc/key" +
                          std::to_string(i) + "\"\n";
  text += "  deny open when path endswith \".pem\" and access == \"write\"\n";
  text += "  allow open when binary == \"/usr/sbin/sshd\"\n}\n";
  return text;
}

void glob_event(int n, int which, pal_match_input &in) {
  in.event = PAL_EVENT_OPEN;
  in.access = PAL_ACCESS_READ | PAL_ACCESS_WRITE;
  const std::string home = "/bench/home" + std::to_string(std::min(n - 3, 249));
  const std::string paths[4] = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                home + "/ann/.ssh/known_hosts",
                                home + "/ann/.ssh/a/b/c/d/e/f/g/h/id_ed25519",
                                "/etc/ssl/private/site.pem"};
  set_path(in.path, paths[which].c_str());
}

const Workload kWorkloads[] = {
    {"exec",
     exec_policy,
     {"no match", "near miss", "exact hit", "under hit"},
     exec_event},
    {"open",
     open_policy,
     {"no match", "near miss", "exact hit", "under hit"},
     open_event},
    {"connect",
     connect_policy,
     {"no match", "port hit", "addr hit", "CIDR hit"},
     connect_event},
    {"glob",
     glob_policy,
     {"no match", "near miss", "glob hit", "suffix hit"},
     glob_event},
};

double ns_once(pal_match_bench *skel, const Workload &w, int n, int which,
               uint64_t iterations) {
  pal_match_input in; // abi.h's: the map's value is exactly this
  std::memset(&in, 0, sizeof in);
  set_path(in.binary, "/usr/bin/bash");
  in.target.flags = PAL_PATH_UNKNOWN; // only a rename has a new name
  in.cgroup.flags = PAL_PATH_UNKNOWN;
  w.event(n, which, in);
  __u32 zero = 0;
  bpf_map_update_elem(bpf_map__fd(skel->maps.mt_input), &zero, &in, BPF_ANY);
  Bench b{iterations, 0};
  bpf_map_update_elem(bpf_map__fd(skel->maps.mt_bench), &zero, &b, BPF_ANY);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.pal_match_bench),
                             &opts) != 0) {
    std::perror("BPF_PROG_TEST_RUN");
    std::exit(1);
  }
  bpf_map_lookup_elem(bpf_map__fd(skel->maps.mt_bench), &zero, &b);
  return double(b.elapsed_ns) / double(iterations);
}

double ns_per_decision(pal_match_bench *skel, const Workload &w, int n,
                       int which, uint64_t iterations) {
  double best = ns_once(skel, w, n, which, iterations);
  for (int i = 0; i < 4; i++)
    best = std::min(best, ns_once(skel, w, n, which, iterations));
  return best;
}

bool run(pal_match_bench *skel, enforce::PolicyMaps &maps, const Workload &w,
         uint64_t iterations) {
  std::printf("\n%s decision cost, %llu decisions per figure (ns/decision)\n",
              w.name, static_cast<unsigned long long>(iterations));
  std::printf("%8s %10s %10s %10s %10s   %s\n", "rules", w.columns[0],
              w.columns[1], w.columns[2], w.columns[3],
              "each / the 10-rule figure");
  double base[4] = {0, 0, 0, 0};
  for (int n : {10, 100, 1000, 10000}) {
    dsl::Diagnostics diags;
    std::string err;
    auto file = dsl::parse_rules("bench.rules", w.policy(n), diags);
    if (!file) {
      std::fprintf(stderr, "%s", diags.render().c_str());
      return false;
    }
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    auto compiled = engine::compile(files, {}, maps.inactive_slot(), diags);
    if (!compiled || !maps.apply(*compiled, err)) {
      std::fprintf(stderr, "%s%s\n", diags.render().c_str(), err.c_str());
      return false;
    }
    double fig[4];
    for (int k = 0; k < 4; k++)
      fig[k] = ns_per_decision(skel, w, n, k, iterations);
    if (n == 10)
      std::copy(fig, fig + 4, base);
    std::printf("%8d %10.1f %10.1f %10.1f %10.1f   %.2fx %.2fx %.2fx %.2fx\n",
                n, fig[0], fig[1], fig[2], fig[3], fig[0] / base[0],
                fig[1] / base[1], fig[2] / base[2], fig[3] / base[3]);
  }
  return true;
}

// A positive decimal count, nothing else ("--help" is not 0 iterations).
bool parse_iterations(const char *text, uint64_t &out) {
  char *end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno || end == text || *end || v == 0 || text[0] == '-')
    return false;
  out = v;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  uint64_t iterations = 200000;
  if (argc > 2 || (argc == 2 && !parse_iterations(argv[1], iterations))) {
    std::fputs("usage: matcher_bench [iterations]   (root; default 200000, "
               "at least 1)\n",
               stderr);
    return 2;
  }
  if (geteuid() != 0) {
    std::fputs("matcher_bench: needs root\n", stderr);
    return 1;
  }
  pal_match_bench *skel = pal_match_bench__open_and_load();
  if (!skel) {
    std::perror("load match_bench.bpf.o");
    return 1;
  }
  enforce::PolicyMaps maps(enforce::PolicyMapSet(skel->obj), {});
  std::string err;
  if (!maps.init(err)) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  for (const Workload &w : kWorkloads)
    if (!run(skel, maps, w, iterations))
      return 1;
  pal_match_bench__destroy(skel);
  return 0;
}
