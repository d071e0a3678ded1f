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

// Loads and attaches an lsm/file_open program that counts this process's
// opens, opens a file, and reports whether the count moved.
bool lsm_program_runs(std::string &detail) {
  CapturedLibbpfLog quiet; // refusals are an expected answer here
  pal_probe *skel = pal_probe__open();
  if (!skel) {
    detail = "probe object could not be opened";
    return false;
  }
  skel->rodata->probe_tgid = static_cast<__u32>(getpid());
  bool runs = false;
  if (int err = pal_probe__load(skel); err) {
    detail = std::string("LSM program refused at load: ") + std::strerror(-err);
  } else if (int err2 = pal_probe__attach(skel); err2) {
    detail = std::string("LSM program refused at attach: ") + std::strerror(-err2);
  } else {
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      close(fd);
    runs = skel->bss->hits > 0;
    detail = runs ? "LSM probe program ran"
                  : "LSM program attached but never ran";
  }
  pal_probe__destroy(skel);
  return runs;
}

} // namespace

ExecFeatures probe_exec_features() {
  ExecFeatures f;
  f.lsm_list = read_lsm_list();
  f.bpf_lsm_listed = list_has(f.lsm_list, "bpf");
  // Both facts are measured and reported; LSM needs both. The run test is
  // the one that cannot be fooled: a listed-but-broken or an unlisted LSM
  // both show up as "never ran".
  std::string run_detail;
  f.lsm_prog_runs = lsm_program_runs(run_detail);
  if (!f.bpf_lsm_listed) {
    f.lsm_detail = (f.lsm_list.empty()
                        ? std::string("no /sys/kernel/security/lsm")
                        : "'bpf' is not an active LSM (" + f.lsm_list + ")") +
                   "; " + run_detail;
  } else {
    f.lsm_detail = run_detail;
  }
  f.mechanism = f.bpf_lsm_listed && f.lsm_prog_runs ? PAL_MECH_LSM
                                                    : PAL_MECH_TP_SIGKILL;
  return f;
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

const char *mechanism_guarantee(uint32_t mech) {
  switch (mech) {
  case PAL_MECH_LSM:
  case PAL_MECH_FMOD_RET:
    return "denied execs fail with EPERM before the new program runs";
  case PAL_MECH_TP_SIGKILL:
    return "denied execs are killed with SIGKILL after the exec succeeded, "
           "before the new program's first instruction; the exec syscall "
           "itself is not refused";
  default:
    return "nothing is enforced";
  }
}

} // namespace palisade::enforce
