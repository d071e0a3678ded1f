// `enforcectl run FILE...`: the quick start. Compiles the policies, loads
// the exec and file programs with the strongest mechanisms that really run
// here (refusing file rules no mechanism can enforce),
// enforces, and shows every event until interrupted. No daemon, no bus:
// when this process exits, enforcement stops.
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <unistd.h>

#include "commands.h"
#include "palisade/abi.h"
#include "palisade/enforce/audit_log.h"
#include "palisade/enforce/enforcer.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/kernel_fs.h"
#include "palisade/enforce/policy_files.h"
#include "palisade/enforce/records.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce::cli {
namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

// The hook (PAL_HOOK_*) whose mechanism enforces rules of `event`.
uint32_t hook_of_event(const std::string &event) {
  if (event == "exec")
    return PAL_HOOK_EXEC;
  if (event == "connect" || event == "bind")
    return PAL_HOOK_NET;
  if (event == "listen")
    return PAL_HOOK_LISTEN;
  return PAL_HOOK_FILE;
}

const char *missing_hint(uint32_t hook) {
  return hook == PAL_HOOK_NET
             ? "connect and bind rules need a mounted cgroup v2 hierarchy"
             : "these events need BPF LSM (boot with 'bpf' in lsm=) or "
               "fmod_ret programs";
}

struct RunOptions {
  std::vector<std::string> files;
  std::string output = "compact";
  std::string audit_log = "/var/log/palisade/audit.jsonl";
  std::string mechanism = "auto";
  std::string ready_file;
  double duration_s = 0;
  uint32_t ring_kib = 0;
};

bool parse_options(const Args &args, RunOptions &o) {
  for (size_t i = 0; i < args.size(); i++) {
    const std::string &a = args[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "enforcectl run: %s needs a value\n", a.c_str());
        return false;
      }
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "-o" || a == "--output") {
      if (!value(o.output)) return false;
    } else if (a == "--audit-log") {
      if (!value(o.audit_log)) return false;
    } else if (a == "--mechanism") {
      if (!value(o.mechanism)) return false;
    } else if (a == "--ready-file") {
      if (!value(o.ready_file)) return false;
    } else if (a == "--ring-buffer-kib") {
      if (!value(v)) return false;
      o.ring_kib = static_cast<uint32_t>(std::strtoul(v.c_str(), nullptr, 10));
      if (o.ring_kib < 4 || (o.ring_kib & (o.ring_kib - 1))) {
        std::fputs("enforcectl run: --ring-buffer-kib must be a power of two >= 4\n",
                   stderr);
        return false;
      }
    } else if (a == "--duration") {
      if (!value(v)) return false;
      o.duration_s = std::atof(v.c_str());
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "enforcectl run: unknown option %s\n", a.c_str());
      return false;
    } else {
      o.files.push_back(a);
    }
  }
  if (o.output != "compact" && o.output != "json") {
    std::fputs("enforcectl run: -o must be compact or json\n", stderr);
    return false;
  }
  if (o.mechanism != "auto" && o.mechanism != "tracepoint") {
    std::fputs("enforcectl run: --mechanism must be auto or tracepoint\n",
               stderr);
    return false;
  }
  if (o.files.empty()) {
    std::fputs("enforcectl run: no policy files given\n", stderr);
    return false;
  }
  return true;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

} // namespace

int cmd_run(const Args &args) {
  RunOptions opt;
  if (!parse_options(args, opt))
    return 2;
  if (geteuid() != 0) {
    std::fputs("enforcectl run: needs root (it loads BPF programs)\n", stderr);
    return 1;
  }

  // Compile everything before touching the kernel: a bad policy changes
  // nothing. The first apply writes slot 1 (slot 0 starts empty).
  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(opt.files, engine::TargetCaps{}, 1, diags);
  std::fputs(diags.render().c_str(), stderr);
  if (!compiled)
    return 1;

  if (std::string err = ensure_kernel_filesystems(); !err.empty())
    std::fprintf(stderr, "palisade: warning: %s\n", err.c_str());

  Enforcer::Options eo;
  // --mechanism tracepoint: the fallbacks of exec and opens, as on a
  // kernel without BPF LSM and fmod_ret.
  eo.mechanisms = {PAL_MECH_TP_SIGKILL, PAL_MECH_TP_SIGKILL, PAL_MECH_NONE,
                   PAL_MECH_NONE};
  eo.ring_bytes = opt.ring_kib * 1024;
  eo.sized_for(*compiled); // `run` applies once: no room for a bigger policy
  std::array<std::string, PAL_HOOKS> why;
  why.fill("forced by --mechanism tracepoint");
  if (opt.mechanism == "auto") {
    Features f = probe_features();
    eo.mechanisms = {f.exec_mechanism, f.file_mechanism, f.net_mechanism,
                     f.listen_mechanism};
    eo.cgroup_root = f.cgroup_root;
    for (uint32_t h = 0; h < PAL_HOOKS; ++h)
      why[h] = f.why(h);
  }
  // A rule nothing would enforce (or even see) must not look active.
  for (const auto &r : compiled->rules) {
    const uint32_t hook = hook_of_event(r.event);
    if (eo.mechanisms[hook] != PAL_MECH_NONE &&
        !(hook == PAL_HOOK_FILE && eo.mechanisms[hook] == PAL_MECH_TP_SIGKILL &&
          r.event != "open"))
      continue;
    const std::string reason =
        eo.mechanisms[hook] == PAL_MECH_NONE
            ? why[hook]
            : "only opens are enforced by the tracepoint fallback: an " +
                  r.event + " leaves no kernel-resolved file at syscall exit";
    std::fprintf(stderr,
                 "%s:%u:%u: error: %s rules cannot be enforced on this kernel "
                 "(%s)\n  hint: %s\n  nothing was loaded\n",
                 r.loc.file_name().c_str(), r.loc.line, r.loc.column,
                 r.event.c_str(), reason.c_str(), missing_hint(hook));
    return 1;
  }
  for (uint32_t h = 0; h < PAL_HOOKS; ++h)
    if (eo.mechanisms[h] != PAL_MECH_NONE)
      std::fprintf(stderr, "palisade: %s enforced by %s (%s)\npalisade:   %s\n",
                   hook_name(h), mechanism_name(eo.mechanisms[h]), why[h].c_str(),
                   mechanism_guarantee(h, eo.mechanisms[h]));

  AuditLog audit;
  if (std::string err = audit.open({opt.audit_log}); !err.empty()) {
    std::fprintf(stderr, "enforcectl run: %s\n", err.c_str());
    return 1;
  }

  RecordDecoder decoder;
  const bool json_out = opt.output == "json";
  auto on_record = [&](const void *data, size_t size) {
    auto ev = decoder.decode(data, size);
    if (!ev)
      return;
    const std::string line = ev->dump();
    audit.append(line);
    std::string out = json_out ? line : compact_line(*ev);
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  };

  std::string error;
  auto enforcer = Enforcer::create(eo,
                                       on_record, error);
  if (!enforcer) {
    std::fprintf(stderr, "enforcectl run: %s\n", error.c_str());
    return 1;
  }
  decoder.set_catalog(compiled->image.slot, *compiled);
  if (!enforcer->apply(*compiled, error)) {
    std::fprintf(stderr, "enforcectl run: apply: %s\n", error.c_str());
    return 1;
  }
  for (const auto &p : compiled->policies) {
    size_t n = 0;
    for (const auto &r : compiled->rules)
      n += r.policy_index == p.index;
    std::fprintf(stderr, "palisade: policy \"%s\" %s, %zu rules\n",
                 p.name.c_str(),
                 p.mode == dsl::Mode::Enforce ? "enforcing" : "auditing", n);
  }
  std::fprintf(stderr, "palisade: %zu named files and directories matched by "
               "inode (bind mounts and hard links reach their rules)\n",
               enforcer->inode_count());
  for (const auto &note : enforcer->inode_notes())
    std::fprintf(stderr, "palisade: note: %s\n", note.c_str());
  std::fprintf(stderr, "palisade: audit trail %s\n", opt.audit_log.c_str());
  // Lets `enforcectl mode` switch a policy of this run from outside.
  RunState published(enforcer->policy_maps(), *compiled);
  if (!published.error().empty())
    std::fprintf(stderr, "palisade: warning: %s; `enforcectl mode` will not "
                 "reach this run\n", published.error().c_str());
  if (!opt.ready_file.empty())
    std::ofstream(opt.ready_file) << getpid() << "\n";

  install_signal_handlers();
  const auto start = std::chrono::steady_clock::now();
  uint64_t reported_drops = 0;
  while (!g_stop) {
    int n = enforcer->poll(200);
    if (n < 0 && n != -EINTR) {
      std::fprintf(stderr, "enforcectl run: ring buffer: %d\n", n);
      return 1;
    }
    // Losses are reported as they happen, in the trail and on screen.
    if (uint64_t d = enforcer->dropped(); d > reported_drops) {
      std::string line = "{\"kind\":\"drops\",\"count\":" +
                         std::to_string(d - reported_drops) +
                         ",\"total\":" + std::to_string(d) + "}";
      audit.append(line);
      std::fprintf(stderr, "palisade: warning: %llu events lost (ring buffer full)\n",
                   static_cast<unsigned long long>(d - reported_drops));
      reported_drops = d;
    }
    if (opt.duration_s > 0 &&
        std::chrono::steady_clock::now() - start >
            std::chrono::duration<double>(opt.duration_s))
      break;
  }
  enforcer->poll(0); // drain what is left
  std::fprintf(stderr, "palisade: stopped; enforcement removed\n");
  return 0;
}

} // namespace palisade::enforce::cli
