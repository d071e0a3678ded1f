#include "palisade/enforce/features.h"

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "palisade/abi.h"
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

// Loads and attaches one probe program (lsm/file_open or
// fmod_ret/security_file_open) that counts this process's opens, opens a
// file, and reports whether the count moved: attaching proves nothing.
bool probe_program_runs(bool fmod_ret, std::string &detail) {
  CapturedLibbpfLog quiet; // refusals are an expected answer here
  const char *kind = fmod_ret ? "fmod_ret" : "LSM";
  pal_probe *skel = pal_probe__open();
  if (!skel) {
    detail = "probe object could not be opened";
    return false;
  }
  skel->rodata->probe_tgid = static_cast<__u32>(getpid());
  bpf_program__set_autoload(skel->progs.pal_probe_lsm, !fmod_ret);
  bpf_program__set_autoload(skel->progs.pal_probe_fmod, fmod_ret);
  bool runs = false;
  if (int err = pal_probe__load(skel); err) {
    detail = std::string(kind) + " program refused at load: " + std::strerror(-err);
  } else if (int err2 = pal_probe__attach(skel); err2) {
    detail = std::string(kind) + " program refused at attach: " + std::strerror(-err2);
  } else {
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      close(fd);
    runs = skel->bss->hits > 0;
    detail = runs ? std::string(kind) + " probe program ran"
                  : std::string(kind) + " program attached but never ran";
  }
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
  f.lsm_prog_runs = probe_program_runs(false, run_detail);
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
    f.fmod_ret_runs = probe_program_runs(true, f.fmod_ret_detail);
  const uint32_t strong = lsm ? PAL_MECH_LSM
                          : f.fmod_ret_runs ? PAL_MECH_FMOD_RET
                                            : PAL_MECH_NONE;
  f.exec_mechanism = strong ? strong : PAL_MECH_TP_SIGKILL;
  f.file_mechanism = strong;
  return f;
}

std::string Features::why(uint32_t hook) const {
  if (exec_mechanism == PAL_MECH_LSM)
    return lsm_detail;
  std::string s = lsm_detail + "; " + fmod_ret_detail;
  if (hook == PAL_HOOK_FILE && file_mechanism == PAL_MECH_NONE)
    s += "; file events need one of them";
  return s;
}

const char *mechanism_name(uint32_t mech) {
  switch (mech) {
  case PAL_MECH_LSM: return "lsm";
  case PAL_MECH_FMOD_RET: return "fmod_ret";
  case PAL_MECH_KPROBE_OVERRIDE: return "kprobe+override";
  case PAL_MECH_TP_SIGKILL: return "tracepoint+sigkill";
  default: return "none";
  }
}

const char *hook_name(uint32_t hook) {
  return hook == PAL_HOOK_EXEC ? "exec" : hook == PAL_HOOK_FILE ? "file" : "?";
}

const char *mechanism_guarantee(uint32_t hook, uint32_t mech) {
  const bool exec = hook == PAL_HOOK_EXEC;
  switch (mech) {
  case PAL_MECH_LSM:
  case PAL_MECH_FMOD_RET:
    return exec ? "denied execs fail with EPERM before the new program runs"
                : "denied opens, unlinks, renames, chmods and chowns fail "
                  "with EPERM before the file is touched (an open with "
                  "O_CREAT has created the empty file by then)";
  case PAL_MECH_TP_SIGKILL:
    return "denied execs are killed with SIGKILL after the exec succeeded, "
           "before the new program's first instruction; the exec syscall "
           "itself is not refused";
  default:
    return exec ? "nothing is enforced"
                : "file rules are not enforced: this kernel runs neither "
                  "BPF LSM nor fmod_ret programs";
  }
}

} // namespace palisade::enforce
