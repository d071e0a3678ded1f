// `enforcectl probe`: which mechanism enforces each hook on this kernel.
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "palisade/abi.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/kernel_fs.h"

namespace palisade::enforce::cli {

int cmd_probe(const Args &args) {
  const bool json = !args.empty() && args[0] == "--json";
  if (geteuid() != 0) {
    std::fputs("enforcectl probe: needs root (it loads BPF programs)\n", stderr);
    return 1;
  }
  std::string fs_err = ensure_kernel_filesystems();
  Features f = probe_features();
  const uint32_t mech[PAL_HOOKS] = {f.exec_mechanism, f.file_mechanism,
                                    f.net_mechanism, f.listen_mechanism};
  if (json) {
    nlohmann::json j;
    for (uint32_t h = 0; h < PAL_HOOKS; ++h)
      j[hook_name(h)] = {{"mechanism", mechanism_name(mech[h])},
                         {"guarantee", mechanism_guarantee(h, mech[h])},
                         {"detail", f.why(h)}};
    j["lsm_list"] = f.lsm_list;
    j["bpf_lsm_listed"] = f.bpf_lsm_listed;
    j["lsm_prog_runs"] = f.lsm_prog_runs;
    j["fmod_ret_runs"] = f.fmod_ret_runs;
    j["kprobe_override"] = {{"loads", f.kprobe_override_loads},
                            {"detail", f.kprobe_override_detail}};
    if (!fs_err.empty())
      j["filesystems_error"] = fs_err;
    std::cout << j.dump() << "\n";
  } else {
    for (uint32_t h = 0; h < PAL_HOOKS; ++h)
      std::printf("%s: %s (%s)\n  %s\n", hook_name(h), mechanism_name(mech[h]),
                  f.why(h).c_str(), mechanism_guarantee(h, mech[h]));
    std::printf("(kprobe+override: %s)\n", f.kprobe_override_detail.c_str());
    if (!fs_err.empty())
      std::printf("warning: %s\n", fs_err.c_str());
  }
  return 0;
}

} // namespace palisade::enforce::cli
