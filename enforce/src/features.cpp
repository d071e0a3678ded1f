#include "palisade/enforce/features.h"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/libbpf.h>

#include "palisade/abi.h"
#include "palisade/enforce/kernel_fs.h"
#include "palisade/enforce/libbpf_log.h"
#include "probe.skel.h"

namespace palisade::enforce {
namespace {

std::string read_lsm_list() {
  std::ifstream in("/sys/kernel/security/lsm");
  std::string s;
  std::getline(in, s);
  return s;
}

bool list_has(const std::string &csv, const std::string &name) {
  std::stringstream ss(csv);
  for (std::string item; std::getline(ss, item, ',');)
    if (item == name)
      return true;
  return false;
}

enum class Probe { Lsm, FmodRet, Cgroup, KprobeOverride };

const char *probe_label(Probe p) {
  switch (p) {
  case Probe::Lsm:
    return "LSM";
  case Probe::FmodRet:
    return "fmod_ret";
  case Probe::KprobeOverride:
    return "kprobe+override";
  default:
    return "cgroup";
  }
}

// Does what the probed program watches: an open, or a UDP connect (no
// packet is sent).
void trigger(Probe p) {
  if (p == Probe::Cgroup) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s >= 0) {
      connect(s, reinterpret_cast<sockaddr *>(&to), sizeof to);
      close(s);
    }
    return;
  }
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    close(fd);
}

// Loads and attaches one probe program (lsm/file_open,
// fmod_ret/security_file_open or cgroup/connect4 at `cgroup`) that counts
// this process's events, triggers one, and reports whether the count
// moved: attaching proves nothing.
bool probe_program_runs(Probe kind, const std::string &cgroup,
                        std::string &detail) {
  CapturedLibbpfLog quiet; // refusals are an expected answer here
  const std::string label = probe_label(kind);
  pal_probe *skel = pal_probe__open();
  if (!skel) {
    detail = "probe object could not be opened";
    return false;
  }
  skel->rodata->probe_tgid = static_cast<__u32>(getpid());
  bpf_program *progs[] = {skel->progs.pal_probe_lsm, skel->progs.pal_probe_fmod,
                          skel->progs.pal_probe_cgroup,
                          skel->progs.pal_probe_kprobe};
  for (bpf_program *p : progs)
    bpf_program__set_autoload(p, false);
  bpf_program *prog = progs[static_cast<int>(kind)];
  bpf_program__set_autoload(prog, true);
  bool runs = false;
  bpf_link *link = nullptr;
  int cgroup_fd = -1;
  if (int err = pal_probe__load(skel); err) {
    detail = label + " program refused at load: " + std::strerror(-err);
  } else if (kind == Probe::KprobeOverride) {
    // Accepted by the verifier; Palisade has no kprobe hooks to use it.
    detail = label + " program loads (not used: LSM, fmod_ret and cgroup "
                     "hooks cover every event)";
    runs = true;
  } else {
    if (kind == Probe::Cgroup) {
      cgroup_fd = open(cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      link =
          cgroup_fd < 0 ? nullptr : bpf_program__attach_cgroup(prog, cgroup_fd);
    } else {
      link = bpf_program__attach(prog);
    }
    if (!link) {
      detail = label + " program refused at attach: " + std::strerror(errno);
    } else {
      trigger(kind);
      runs = skel->bss->hits > 0;
      detail = runs ? label + " probe program ran"
                    : label + " program attached but never ran";
      bpf_link__destroy(link);
    }
  }
  if (cgroup_fd >= 0)
    close(cgroup_fd);
  pal_probe__destroy(skel);
  return runs;
}

} // namespace

Features probe_features() {
  Features f;
  f.lsm_list = read_lsm_list();
  f.bpf_lsm_listed = list_has(f.lsm_list, "bpf");
  // Both facts are measured and reported; LSM needs both. The run test is
  // the one that cannot be fooled: a listed-but-broken or an unlisted LSM
  // both show up as "never ran".
  std::string run_detail;
  f.lsm_prog_runs = probe_program_runs(Probe::Lsm, "", run_detail);
  if (!f.bpf_lsm_listed) {
    f.lsm_detail = (f.lsm_list.empty()
                        ? std::string("no /sys/kernel/security/lsm")
                        : "'bpf' is not an active LSM (" + f.lsm_list + ")") +
                   "; " + run_detail;
  } else {
    f.lsm_detail = run_detail;
  }
  const bool lsm = f.bpf_lsm_listed && f.lsm_prog_runs;
  if (!lsm)
    f.fmod_ret_runs = probe_program_runs(Probe::FmodRet, "", f.fmod_ret_detail);
  const uint32_t strong = lsm               ? PAL_MECH_LSM
                          : f.fmod_ret_runs ? PAL_MECH_FMOD_RET
                                            : PAL_MECH_NONE;
  // The tracepoint fallback: opens only, decided after the fact (see
  // mechanism_guarantee). Tracepoints are what the exec object needs
  // anyway: if they did not load, `run` would fail for exec too.
  f.mechanism[PAL_HOOK_EXEC] = strong ? strong : PAL_MECH_TP_SIGKILL;
  f.mechanism[PAL_HOOK_FILE] = strong ? strong : PAL_MECH_TP_SIGKILL;
  f.mechanism[PAL_HOOK_LISTEN] = strong;
  f.kprobe_override_loads =
      probe_program_runs(Probe::KprobeOverride, "", f.kprobe_override_detail);
  f.cgroup_root = cgroup2_root();
  if (f.cgroup_root.empty())
    f.cgroup_detail = "no cgroup v2 hierarchy is mounted";
  else if (probe_program_runs(Probe::Cgroup, f.cgroup_root, f.cgroup_detail))
    f.mechanism[PAL_HOOK_NET] = PAL_MECH_CGROUP;
  return f;
}

std::string Features::why(uint32_t hook) const {
  if (hook == PAL_HOOK_NET)
    return cgroup_detail +
           (cgroup_root.empty() ? "" : " (" + cgroup_root + ")");
  if (mechanism[PAL_HOOK_EXEC] == PAL_MECH_LSM)
    return lsm_detail;
  std::string s = lsm_detail + "; " + fmod_ret_detail;
  if (hook == PAL_HOOK_FILE && mechanism[PAL_HOOK_FILE] == PAL_MECH_TP_SIGKILL)
    s += "; opens fall back to syscall tracepoints, the other file events "
         "need one of them";
  if (hook == PAL_HOOK_LISTEN && mechanism[PAL_HOOK_LISTEN] == PAL_MECH_NONE)
    s += "; listen needs one of them";
  return s;
}

const char *mechanism_name(uint32_t mech) {
  switch (mech) {
  case PAL_MECH_LSM:
    return "lsm";
  case PAL_MECH_FMOD_RET:
    return "fmod_ret";
  case PAL_MECH_KPROBE_OVERRIDE:
    return "kprobe+override";
  case PAL_MECH_TP_SIGKILL:
    return "tracepoint+sigkill";
  case PAL_MECH_CGROUP:
    return "cgroup";
  default:
    return "none";
  }
}

const char *hook_name(uint32_t hook) {
  switch (hook) {
  case PAL_HOOK_EXEC:
    return "exec";
  case PAL_HOOK_FILE:
    return "file";
  case PAL_HOOK_NET:
    return "connect/bind";
  case PAL_HOOK_LISTEN:
    return "listen";
  default:
    return "?";
  }
}

const char *mechanism_guarantee(uint32_t hook, uint32_t mech) {
  const bool exec = hook == PAL_HOOK_EXEC;
  if (hook == PAL_HOOK_NET)
    return mech == PAL_MECH_CGROUP
               ? "denied connects, UDP sends and binds fail with EPERM "
                 "before a packet leaves, for every process under the "
                 "cgroup v2 root; kill rules SIGKILL the caller when the "
                 "refused call returns"
               : "connect and bind rules are not enforced: no cgroup v2 "
                 "hierarchy with socket hooks";
  if (hook == PAL_HOOK_LISTEN)
    return mech == PAL_MECH_NONE
               ? "listen rules are not enforced: this kernel runs neither "
                 "BPF LSM nor fmod_ret programs"
               : "denied listens fail with EPERM";
  switch (mech) {
  case PAL_MECH_LSM:
  case PAL_MECH_FMOD_RET:
    return exec ? "denied execs fail with EPERM before the new program runs"
                : "denied opens, unlinks, renames, chmods and chowns fail "
                  "with EPERM before the file is touched (an open with "
                  "O_CREAT has created the empty file by then)";
  case PAL_MECH_TP_SIGKILL:
    return exec ? "denied execs are killed with SIGKILL after the exec "
                  "succeeded, before the new program's first instruction; "
                  "the exec syscall itself is not refused"
                : "opens only: a denied open has happened (a created or "
                  "truncated file stays so) and its caller is killed with "
                  "SIGKILL before its next instruction, so it never uses "
                  "the fd (another thread of the process could, in a short "
                  "window); unlink, rename, chmod and chown rules are "
                  "refused";
  default:
    return exec ? "nothing is enforced"
                : "file rules are not enforced: this kernel runs neither "
                  "BPF LSM nor fmod_ret programs";
  }
}

} // namespace palisade::enforce
