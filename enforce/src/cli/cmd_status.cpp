// `enforcectl status [--json]`: what is enforced right now. For every
// running `enforcectl run`: the exec mechanism and what it cannot
// guarantee, and each policy's mode as the kernel has it.
#include <cstdio>
#include <iostream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce::cli {

int cmd_status(const Args &args) {
  const bool json = !args.empty() && args[0] == "--json";
  if (geteuid() != 0) {
    std::fputs("enforcectl status: needs root (it reads BPF maps)\n", stderr);
    return 1;
  }
  std::string problems;
  auto runs = running_enforcements(problems);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto &run : runs) {
      nlohmann::json policies = nlohmann::json::array();
      for (const auto &p : run.policies)
        policies.push_back({{"name", p.name}, {"mode", dsl::keyword(p.mode)}});
      out.push_back({{"pid", run.pid},
                     {"hooks",
                      {{"exec",
                        {{"mechanism", mechanism_name(run.exec_mechanism)},
                         {"guarantee", mechanism_guarantee(run.exec_mechanism)}}}}},
                     {"policies", policies}});
    }
    std::cout << out.dump() << "\n";
  } else if (runs.empty()) {
    std::puts("no enforcement running (start one with `enforcectl run FILE`)");
  } else {
    for (const auto &run : runs) {
      std::printf("enforcectl run %d\n  exec: %s: %s\n  policies:\n", run.pid,
                  mechanism_name(run.exec_mechanism),
                  mechanism_guarantee(run.exec_mechanism));
      for (const auto &p : run.policies)
        std::printf("    %-24s %s\n", p.name.c_str(), dsl::keyword(p.mode));
    }
  }
  if (!problems.empty())
    std::fprintf(stderr, "enforcectl status: %s\n", problems.c_str());
  return problems.empty() ? 0 : 1;
}

} // namespace palisade::enforce::cli
