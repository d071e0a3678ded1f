// `enforcectl probe`: which mechanism enforces each hook on this kernel;
// `probe --verifier`: how much of the verifier's budget each program uses.
#include <cstdio>
#include <iostream>
#include <memory>
#include <sys/utsname.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "palisade/abi.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/kernel_fs.h"
#include "palisade/enforce/verifier_report.h"

namespace palisade::enforce::cli {
namespace {

std::string kernel_release() {
  utsname u{};
  return uname(&u) == 0 ? u.release : "unknown";
}

// Exit 0 when every program that should load here loads within `budget`.
int report_verifier(bool json, uint32_t budget) {
  std::vector<ProgramVerification> report;
  for (const BpfObjectBytes &object : enforcement_objects())
    for (auto &v : verify_each_program(object))
      report.push_back(std::move(v));
  const auto failures = verifier_failures(report, budget);
  if (json) {
    nlohmann::json j{
        {"kernel", kernel_release()}, {"limit", kVerifierLimit},
        {"budget", budget},           {"ok", failures.empty()},
        {"failures", failures},       {"programs", nlohmann::json::array()}};
    for (const auto &v : report) {
      nlohmann::json p{{"object", v.object},
                       {"program", v.program},
                       {"section", v.section},
                       {"loaded", v.loaded},
                       {"insns", v.insns}};
      if (!v.loaded)
        p["refusal"] = v.refusal;
      j["programs"].push_back(p);
    }
    std::cout << j.dump() << "\n";
  } else {
    std::printf("verifier work per program on %s (limit %u instructions, "
                "budget %u)\n",
                kernel_release().c_str(), kVerifierLimit, budget);
    std::printf("%-6s %-24s %-40s %9s %7s\n", "object", "program", "section",
                "insns", "limit");
    for (const auto &v : report) {
      if (v.loaded)
        std::printf("%-6s %-24s %-40s %9u %6.1f%%\n", v.object.c_str(),
                    v.program.c_str(), v.section.c_str(), v.insns,
                    100.0 * v.insns / kVerifierLimit);
      else
        std::printf("%-6s %-24s %-40s %9s %7s  refused: %s\n", v.object.c_str(),
                    v.program.c_str(), v.section.c_str(),
                    v.insns ? std::to_string(v.insns).c_str() : "-", "",
                    v.refusal.c_str());
    }
    for (const auto &f : failures)
      std::printf("FAIL: %s\n", f.c_str());
    std::printf(
        "%s\n",
        failures.empty()
            ? "ok: every program this kernel can run loads within the budget"
            : "verifier headroom check failed");
  }
  return failures.empty() ? 0 : 1;
}

struct ProbeOptions {
  bool json = false, verifier = false;
  uint32_t budget = kVerifierBudget;
};

int probe(const ProbeOptions &o) {
  const bool json = o.json;
  if (geteuid() != 0) {
    std::fputs("enforcectl probe: needs root (it loads BPF programs)\n",
               stderr);
    return 1;
  }
  std::string fs_err = ensure_kernel_filesystems();
  if (o.verifier)
    return report_verifier(json, o.budget);
  Features f = probe_features();
  const auto &mech = f.mechanism;
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

} // namespace

void add_probe(CLI::App &app, int &status) {
  auto o = std::make_shared<ProbeOptions>();
  CLI::App *cmd = app.add_subcommand(
      "probe", "Which mechanism enforces each hook on this kernel, with the "
               "evidence (root).");
  cmd->add_flag("--json", o->json, "one JSON object on stdout");
  CLI::Option *verifier = cmd->add_flag(
      "--verifier", o->verifier,
      "load each BPF program alone and print the verifier's instruction "
      "count; exit 1 if one is over the budget or is refused where its kind "
      "of program loads");
  cmd->add_option("--budget", o->budget, "instructions allowed per program")
      ->needs(verifier)
      ->capture_default_str();
  cmd->callback([o, &status] { status = probe(*o); });
}

} // namespace palisade::enforce::cli
