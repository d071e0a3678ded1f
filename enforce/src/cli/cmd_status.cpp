// `enforcectl status [--json]`: what is enforced right now: per hook the
// mechanism and what it cannot guarantee, and each policy's mode as the
// kernel has it (read from the pinned maps, see run_state.h).
#include <cstdio>
#include <iostream>
#include <memory>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "palisade/abi.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce::cli {

namespace {

nlohmann::json hooks_json(const RunningEnforcement &run) {
  nlohmann::json hooks;
  for (uint32_t h = 0; h < PAL_HOOKS; ++h)
    hooks[hook_name(h)] = {
        {"mechanism", mechanism_name(run.mechanism[h])},
        {"guarantee", mechanism_guarantee(h, run.mechanism[h])}};
  return hooks;
}

int status_of(bool json) {
  if (geteuid() != 0) {
    std::fputs("enforcectl status: needs root (it reads BPF maps)\n", stderr);
    return 1;
  }
  std::string problem;
  const auto run = running_enforcement(problem);
  if (json) {
    nlohmann::json out = {{"running", run.has_value()}};
    if (run) {
      nlohmann::json policies = nlohmann::json::array();
      for (const auto &p : run->policies)
        policies.push_back({{"name", p.name}, {"mode", dsl::keyword(p.mode)}});
      out["pid"] = run->pid;
      out["holder_alive"] = run->holder_alive;
      out["hooks"] = hooks_json(*run);
      out["policies"] = policies;
      nlohmann::json programs = nlohmann::json::array();
      for (const auto &p : run->pinned_programs)
        programs.push_back({{"name", p.name}, {"id", p.id}});
      out["pinned_programs"] = programs;
    }
    std::cout << out.dump() << "\n";
  } else if (!run) {
    std::puts("no enforcement running (start one with `enforcectl run FILE`)");
  } else {
    if (run->holder_alive)
      std::printf("enforcement by pid %d\n", run->pid);
    else
      std::printf("enforcement left in force by pid %d, which is gone: "
                  "its programs enforce, nobody reads their events (start "
                  "palisaded to adopt it)\n",
                  run->pid);
    for (uint32_t h = 0; h < PAL_HOOKS; ++h)
      std::printf("  %s: %s: %s\n", hook_name(h),
                  mechanism_name(run->mechanism[h]),
                  mechanism_guarantee(h, run->mechanism[h]));
    std::printf("  policies:\n");
    for (const auto &p : run->policies)
      std::printf("    %-24s %s\n", p.name.c_str(), dsl::keyword(p.mode));
    if (!run->pinned_programs.empty()) {
      std::printf("  programs attached through pinned links (kernel id):\n");
      for (const auto &p : run->pinned_programs)
        std::printf("    %-24s %u\n", p.name.c_str(), p.id);
    }
  }
  if (!problem.empty())
    std::fprintf(stderr, "enforcectl status: %s\n", problem.c_str());
  return problem.empty() ? 0 : 1;
}

} // namespace

void add_status(CLI::App &app, int &status) {
  auto json = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "status", "What is enforced now: mechanism and guarantee per hook, each "
                "policy's mode as the kernel has it (root).");
  cmd->add_flag("--json", *json, "one JSON object on stdout");
  cmd->callback([json, &status] { status = status_of(*json); });
}

} // namespace palisade::enforce::cli
