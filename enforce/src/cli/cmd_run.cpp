// `enforcectl run FILE...`: the quick start, a foreground driver of
// enforce::Session. Compiles the policies for this kernel (refusing rules
// no mechanism here can enforce), loads the programs with the strongest
// mechanisms that really run, enforces, and shows every event until
// interrupted. No daemon, no bus: when this process exits, enforcement
// stops.
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <unistd.h>

#include "commands.h"
#include "palisade/abi.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/records.h"
#include "palisade/enforce/session.h"
#include "terminal.h"

namespace palisade::enforce::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

struct RunOptions {
  std::vector<std::string> files;
  std::string output = "compact";
  std::string audit_log = "/var/log/palisade/audit.jsonl";
  std::string mechanism = "auto";
  std::string ready_file;
  double duration_s = 0;
  uint32_t ring_kib = 0;
};

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int run(const RunOptions &opt) {
  if (geteuid() != 0) {
    std::fputs("enforcectl run: needs root (it loads BPF programs)\n", stderr);
    return 1;
  }

  Session::Options so;
  so.mechanism = opt.mechanism;
  so.ring_bytes = opt.ring_kib * 1024;
  so.audit_log = opt.audit_log;
  so.capacity = Session::Options::Capacity::FitFirst; // `run` applies once
  const bool json_out = opt.output == "json";
  auto session = Session::create(
      so, [&](const nlohmann::json &ev, const std::string &line) {
        std::string out = json_out ? line : compact_line(ev);
        out.push_back('\n');
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
      });
  for (const auto &w : session->warnings())
    std::fprintf(stderr, "palisade: warning: %s\n", w.c_str());

  // Everything is compiled, and checked against what this kernel enforces,
  // before anything is loaded: a bad policy changes nothing.
  dsl::Diagnostics diags;
  auto compiled = session->compile(opt.files, diags);
  std::fputs(render_diagnostics(diags).c_str(), stderr);
  if (!compiled) {
    std::fputs("enforcectl run: nothing was loaded\n", stderr);
    return 1;
  }
  const auto &caps = session->caps();
  for (uint32_t h = 0; h < PAL_HOOKS; ++h)
    if (caps.mechanism[h] != PAL_MECH_NONE)
      std::fprintf(stderr, "palisade: %s enforced by %s (%s)\npalisade:   %s\n",
                   hook_name(h), mechanism_name(caps.mechanism[h]),
                   caps.why[h].c_str(),
                   mechanism_guarantee(h, caps.mechanism[h]));

  std::string error;
  auto applied = session->apply(std::move(*compiled), error);
  if (!applied) {
    std::fprintf(stderr, "enforcectl run: %s\n", error.c_str());
    return 1;
  }
  for (const auto &p : applied->policies)
    std::fprintf(
        stderr, "palisade: policy \"%s\" %s, %zu rules\n", p.name.c_str(),
        p.mode == dsl::Mode::Enforce ? "enforcing" : "auditing", p.rules);
  std::fprintf(stderr,
               "palisade: %zu named files and directories matched by "
               "inode (bind mounts and hard links reach their rules)\n",
               applied->inode_count);
  for (const auto &note : applied->notes)
    std::fprintf(stderr, "palisade: note: %s\n", note.c_str());
  std::fprintf(stderr, "palisade: audit trail %s\n", opt.audit_log.c_str());
  if (!applied->publish_error.empty())
    std::fprintf(stderr,
                 "palisade: warning: %s; `enforcectl mode` will not "
                 "reach this run\n",
                 applied->publish_error.c_str());
  if (!opt.ready_file.empty())
    std::ofstream(opt.ready_file) << getpid() << "\n";

  install_signal_handlers();
  const auto start = std::chrono::steady_clock::now();
  while (!g_stop) {
    int n = session->poll(200);
    if (n < 0 && n != -EINTR) {
      std::fprintf(stderr, "enforcectl run: ring buffer: %d\n", n);
      return 1;
    }
    if (uint64_t lost = session->take_new_drops())
      std::fprintf(stderr,
                   "palisade: warning: %llu events lost (ring buffer full)\n",
                   static_cast<unsigned long long>(lost));
    if (opt.duration_s > 0 && std::chrono::steady_clock::now() - start >
                                  std::chrono::duration<double>(opt.duration_s))
      break;
  }
  session->poll(0); // drain what is left
  std::fprintf(stderr, "palisade: stopped; enforcement removed\n");
  return 0;
}

} // namespace

void add_run(CLI::App &app, int &status) {
  auto o = std::make_shared<RunOptions>();
  CLI::App *cmd = app.add_subcommand(
      "run", "Enforce policies in the foreground and show every event (root; "
             "no daemon: enforcement ends with the process).");
  cmd->add_option("files", o->files, "policy files (.rules)")->required();
  cmd->add_option("-o,--output", o->output, "stdout view")
      ->check(CLI::IsMember({"compact", "json"}))
      ->capture_default_str();
  cmd->add_option("--audit-log", o->audit_log, "JSON lines audit trail")
      ->capture_default_str();
  cmd->add_option("--mechanism", o->mechanism,
                  "auto: what the probe proves runs; tracepoint: the "
                  "fallbacks (exec and opens, by SIGKILL)")
      ->check(CLI::IsMember({"auto", "tracepoint"}))
      ->capture_default_str();
  cmd->add_option("--ready-file", o->ready_file,
                  "created (with the pid) once the rules are enforced");
  cmd->add_option("--duration", o->duration_s, "stop after this many seconds")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--ring-buffer-kib", o->ring_kib,
                  "kernel-to-user buffer in KiB, a power of two >= 4 "
                  "(default 16384)")
      ->check(CLI::Validator(
          [](std::string &v) -> std::string {
            const unsigned long n = std::strtoul(v.c_str(), nullptr, 10);
            return n >= 4 && !(n & (n - 1)) ? ""
                                            : "must be a power of two >= 4";
          },
          "POWER_OF_TWO"));
  cmd->callback([o, &status] { status = run(*o); });
}

} // namespace palisade::enforce::cli
