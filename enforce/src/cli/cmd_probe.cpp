// `enforcectl probe`: which mechanism enforces each hook on this kernel.
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
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
  ExecFeatures f = probe_exec_features();
  if (json) {
    nlohmann::json j;
    j["exec"] = {{"mechanism", mechanism_name(f.mechanism)},
                 {"guarantee", mechanism_guarantee(f.mechanism)},
                 {"lsm_list", f.lsm_list},
                 {"bpf_lsm_listed", f.bpf_lsm_listed},
                 {"lsm_prog_runs", f.lsm_prog_runs},
                 {"detail", f.lsm_detail}};
    if (!fs_err.empty())
      j["filesystems_error"] = fs_err;
    std::cout << j.dump() << "\n";
  } else {
    std::printf("exec: %s (%s)\n  %s\n", mechanism_name(f.mechanism),
                f.lsm_detail.c_str(), mechanism_guarantee(f.mechanism));
    if (!fs_err.empty())
      std::printf("warning: %s\n", fs_err.c_str());
  }
  return 0;
}

} // namespace palisade::enforce::cli
