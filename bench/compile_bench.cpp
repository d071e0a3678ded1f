// Policy compile cost by rule count: parse, check (resolve, normalize,
// warnings: what `enforcectl check` adds to parsing) and compile (lower to
// the map image), and the peak RSS of each. Every measurement runs in a
// child process, so a peak belongs to one size and one phase. Prints
// tables; not a test: these machines are noisy, compare figures from one
// run only (docs/testing.md).
//
//   compile_bench [RULES...]      default: 256 1000 10000 100000
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <palisade/abi.h>

#include "palisade/dsl/parser.h"
#include "palisade/enforce/heap_pages.h"
#include "passes.h"
#include "policy_gen.h"

using namespace palisade;

namespace {

enum Phase { kParse, kResolve, kNormalize, kWarnings, kLower, kPhases };

struct Times {
  double ms[kPhases] = {};
  double check() const { return ms[kResolve] + ms[kNormalize] + ms[kWarnings]; }
  double total() const { return ms[kParse] + check() + ms[kLower]; }
  void keep_best(const Times &t) {
    for (int p = 0; p < kPhases; ++p)
      ms[p] = std::min(ms[p], t.ms[p]);
  }
};

// What a child reports through a pipe: plain bytes.
struct Result {
  Times cold; // the first compile in a fresh process, as `enforcectl check`
  Times warm; // the best later one in the same process, as a daemon reload
  long peak_rss_kib = 0;
  long page_faults = 0; // minor: first touches of fresh heap pages
  size_t text_bytes = 0;
  size_t warnings = 0;
  bool over_limit = false; // more rules than lower() accepts today
};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - t0)
      .count();
}

// The phases up to `last` on one copy of `text`. Exits on an error: the
// generator should never cause one.
Times compile_once(std::string text, Phase last, Result &r) {
  Times t;
  dsl::Diagnostics diags;
  auto step = [&](Phase phase, auto &&fn) {
    if (phase > last)
      return;
    auto t0 = std::chrono::steady_clock::now();
    bool ok = fn();
    t.ms[phase] = ms_since(t0);
    if (!ok) {
      std::fputs(diags.render().c_str(), stderr);
      std::exit(1);
    }
  };
  std::vector<dsl::PolicyFile> files;
  std::optional<engine::Resolved> resolved;
  std::optional<engine::Program> program;
  step(kParse, [&] {
    auto f = dsl::parse_rules("bench.rules", std::move(text), diags);
    if (f)
      files.push_back(std::move(*f));
    return f.has_value();
  });
  step(kResolve, [&] {
    resolved = engine::resolve(files, diags);
    engine::release_syntax_trees(files); // as compile() does for enforcectl
    return !!resolved;
  });
  step(kNormalize,
       [&] { return !!(program = engine::normalize(*resolved, diags)); });
  step(kWarnings, [&] {
    engine::warn_about_rules(*resolved, *program, diags);
    return true;
  });
  r.over_limit = program && program->rules.size() > PAL_MAX_RULES;
  if (!r.over_limit)
    step(kLower, [&] { return !!engine::lower(*program, 0, diags); });
  r.warnings = diags.all().size();
  return t;
}

// `huge_heap`: as enforcectl, which backs its heap by huge pages
// (enforce/heap_pages.h); without it, the plain 4 KiB pages any program
// linking the engine gets.
Result measure(int rules, Phase last, int runs, bool huge_heap) {
  if (huge_heap)
    enforce::prefer_huge_heap_pages();
  Result r;
  std::string text = bench::generate_policy(rules).text;
  r.text_bytes = text.size();
  r.cold = r.warm = compile_once(text, last, r);
  for (int i = 1; i < runs; ++i) {
    Times t = compile_once(text, last, r);
    if (i == 1)
      r.warm = t;
    r.warm.keep_best(t);
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  r.peak_rss_kib = ru.ru_maxrss; // KiB on Linux
  r.page_faults = ru.ru_minflt;
  return r;
}

// measure() in a child process, so the heap is fresh and the peak its own.
Result measure_in_child(int rules, Phase last, int runs,
                        bool huge_heap = true) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Result r = measure(rules, last, runs, huge_heap);
    _exit(write(fds[1], &r, sizeof r) == sizeof r ? 0 : 1);
  }
  close(fds[1]);
  Result r;
  bool ok = pid > 0 && read(fds[0], &r, sizeof r) == sizeof r;
  close(fds[0]);
  int status = 1;
  if (pid > 0)
    waitpid(pid, &status, 0);
  if (!ok || status != 0) {
    std::fprintf(stderr, "compile_bench: the child for %d rules failed\n",
                 rules);
    std::exit(1);
  }
  return r;
}

void print_times(const char *title, const std::vector<int> &sizes,
                 const std::vector<Result> &results, Times Result::*which) {
  std::printf("\n%s\n%8s %9s %9s %9s %9s %9s %11s %10s\n", title, "rules",
              "parse", "check", "resolve", "normalize", "warnings", "compile",
              "total");
  for (size_t i = 0; i < sizes.size(); ++i) {
    const Result &r = results[i];
    const Times &t = r.*which;
    char compile[32];
    std::snprintf(compile, sizeof compile, "%.2f", t.ms[kLower]);
    std::printf("%8d %9.2f %9.2f %9.2f %9.2f %9.2f %11s %9.2f%s\n", sizes[i],
                t.ms[kParse], t.check(), t.ms[kResolve], t.ms[kNormalize],
                t.ms[kWarnings], r.over_limit ? "over limit" : compile,
                t.total(), r.over_limit ? "*" : "");
  }
}

double mib(long kib) { return kib / 1024.0; }

// What one first touch of a fresh 4 KiB page costs here, in microseconds:
// the cold figures with plain pages are mostly this on a virtual machine.
double page_fault_us() {
  const size_t bytes = 16u << 20, page = 4096;
  auto t0 = std::chrono::steady_clock::now();
  char *p = static_cast<char *>(mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED)
    return 0;
  for (size_t i = 0; i < bytes; i += page)
    p[i] = 1;
  double us = ms_since(t0) * 1000 / (bytes / page);
  munmap(p, bytes);
  return us;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i)
    sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty())
    sizes = {256, 1000, 10000, 100000};

  // Per size: the timing runs (best of 5 children, 1 from 50k rules) with
  // enforcectl's huge-page heap and with plain pages, then one child per
  // phase for its peak RSS.
  std::vector<Result> timed, plain;
  std::vector<std::vector<long>> rss; // parse, check, compile RSS; faults
  for (int n : sizes) {
    bool big = n >= 50000;
    auto best_of = [&](bool huge_heap) {
      Result best = measure_in_child(n, kLower, big ? 2 : 4, huge_heap);
      for (int child = 1; child < (big ? 1 : 5); ++child) {
        Result r = measure_in_child(n, kLower, 4, huge_heap);
        best.cold.keep_best(r.cold);
        best.warm.keep_best(r.warm);
      }
      return best;
    };
    timed.push_back(best_of(true));
    plain.push_back(best_of(false));
    Result all = measure_in_child(n, kLower, 1);
    rss.push_back({measure_in_child(n, kParse, 1).peak_rss_kib,
                   measure_in_child(n, kWarnings, 1).peak_rss_kib,
                   all.peak_rss_kib, all.page_faults,
                   measure_in_child(n, kLower, 1, false).page_faults});
  }

  std::printf("Compile cost (ms) by rule count. 8 policies (2 in audit mode); "
              "the vocabulary of paths,\nsets and directories grows with "
              "the policy (bench/policy_gen.cpp). Best of 5 processes\n"
              "(1 from 50k rules). Over %d rules a slot cannot hold the "
              "policy: parse and check only.\n",
              PAL_MAX_RULES);
  print_times("Cold: the first compile in a fresh process (enforcectl check: "
              "huge-page heap)",
              sizes, timed, &Result::cold);
  print_times("Cold, 4 KiB heap pages (the engine linked without "
              "enforce/heap_pages.h)",
              sizes, plain, &Result::cold);
  print_times("Warm: compiling again in the same process (a daemon reload)",
              sizes, timed, &Result::warm);
  if (std::any_of(timed.begin(), timed.end(),
                  [](const Result &r) { return r.over_limit; }))
    std::printf("* compile: over the current kernel limit (%d rules); the "
                "total is parse + check\n",
                PAL_MAX_RULES);
  std::printf("target: 10k rules parse+check+compile < 100 ms\n");

  std::printf("\nText, warnings, the peak RSS (MiB) of a process that "
              "generated the text and ran up to\nthe phase, and the minor "
              "page faults of a whole cold compile (huge-page heap;\n4 KiB "
              "pages):\n"
              "%8s %9s %9s %9s %9s %11s %12s %12s\n",
              "rules", "text KiB", "warnings", "parse", "check", "compile",
              "page faults", "4 KiB pages");
  for (size_t i = 0; i < sizes.size(); ++i) {
    char compile[32];
    std::snprintf(compile, sizeof compile, "%.1f", mib(rss[i][2]));
    std::printf("%8d %9zu %9zu %9.1f %9.1f %11s %12ld %12ld\n", sizes[i],
                timed[i].text_bytes / 1024, timed[i].warnings, mib(rss[i][0]),
                mib(rss[i][1]), timed[i].over_limit ? "over limit" : compile,
                rss[i][3], rss[i][4]);
  }
  std::printf("A page fault costs %.2f us here.\n", page_fault_us());
  return 0;
}
