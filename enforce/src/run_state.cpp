#include "palisade/enforce/run_state.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <nlohmann/json.hpp>

#include "palisade/abi.h"

namespace palisade::enforce {
namespace {

namespace fs = std::filesystem;

const char kPinRoot[] = "/sys/fs/bpf/palisade";
const char kStateDir[] = "/run/palisade";

std::string pin_dir_of(int pid) {
  return std::string(kPinRoot) + "/run-" + std::to_string(pid);
}
std::string state_file_of(int pid) {
  return std::string(kStateDir) + "/run-" + std::to_string(pid) + ".json";
}

bool alive(int pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

void remove_run(int pid) {
  std::error_code ec;
  fs::remove_all(pin_dir_of(pid), ec); // unlinking pins frees nothing in use
  fs::remove(state_file_of(pid), ec);
}

// pids of the runs that published state, alive or not.
std::vector<int> published_runs() {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(kStateDir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("run-", 0) == 0 && entry.path().extension() == ".json")
      pids.push_back(std::atoi(name.c_str() + 4));
  }
  return pids;
}

} // namespace

RunState::RunState(const PolicyMapSet &maps,
                   const engine::CompiledPolicy &compiled) {
  for (int pid : published_runs())
    if (!alive(pid))
      remove_run(pid);
  const int pid = getpid();
  pin_dir_ = pin_dir_of(pid);
  state_file_ = state_file_of(pid);
  std::error_code ec;
  fs::create_directories(pin_dir_, ec);
  fs::create_directories(kStateDir, ec);
  if (bpf_map__pin(maps.config(), (pin_dir_ + "/config").c_str()) != 0 ||
      bpf_map__pin(maps.policies(), (pin_dir_ + "/policies").c_str()) != 0) {
    error_ = "pin maps in " + pin_dir_ + ": " + std::strerror(errno);
    return;
  }
  nlohmann::json state;
  state["pid"] = pid;
  state["policies"] = nlohmann::json::array();
  for (const auto &p : compiled.policies)
    state["policies"].push_back({{"name", p.name}, {"index", p.index}});
  std::ofstream(state_file_) << state.dump() << "\n";
}

RunState::~RunState() { remove_run(getpid()); }

namespace {

// The pinned maps of one run, closed on destruction.
struct PinnedMaps {
  explicit PinnedMaps(int pid)
      : config(bpf_obj_get((pin_dir_of(pid) + "/config").c_str())),
        policies(bpf_obj_get((pin_dir_of(pid) + "/policies").c_str())) {}
  ~PinnedMaps() {
    if (config >= 0) close(config);
    if (policies >= 0) close(policies);
  }
  bool ok() const { return config >= 0 && policies >= 0; }
  // Key of policy `index` in the active slot.
  bool policy_key(uint32_t index, __u32 &key, pal_config &cfg) const {
    __u32 zero = 0;
    if (bpf_map_lookup_elem(config, &zero, &cfg) != 0)
      return false;
    key = (cfg.active_slot & 1) * PAL_MAX_POLICIES + index;
    return true;
  }
  int config, policies;
};

} // namespace

std::vector<RunningEnforcement> running_enforcements(std::string &problems) {
  std::vector<RunningEnforcement> runs;
  for (int pid : published_runs()) {
    if (!alive(pid))
      continue;
    std::ifstream in(state_file_of(pid));
    auto state = nlohmann::json::parse(in, nullptr, false);
    PinnedMaps maps(pid);
    if (state.is_discarded() || !maps.ok()) {
      problems += "run " + std::to_string(pid) + ": state unreadable; ";
      continue;
    }
    RunningEnforcement run;
    run.pid = pid;
    for (const auto &p : state.value("policies", nlohmann::json::array())) {
      RunningPolicy policy{p.value("name", ""), p.value("index", 0u)};
      __u32 key;
      pal_config cfg{};
      pal_policy value{};
      if (!maps.policy_key(policy.index, key, cfg) ||
          bpf_map_lookup_elem(maps.policies, &key, &value) != 0) {
        problems += "run " + std::to_string(pid) + ": maps unreadable; ";
        break;
      }
      for (uint32_t hook = 0; hook < PAL_HOOKS; ++hook)
        run.mechanism[hook] = cfg.mechanism[hook];
      policy.mode = value.mode == PAL_MODE_AUDIT ? dsl::Mode::Audit
                                                 : dsl::Mode::Enforce;
      run.policies.push_back(policy);
    }
    runs.push_back(run);
  }
  return runs;
}

bool set_running_policy_mode(const std::string &name, dsl::Mode mode, int pid,
                             ModeChange &change, std::string &error) {
  std::string problems;
  const RunningEnforcement *owner_run = nullptr;
  const RunningPolicy *target = nullptr;
  auto runs = running_enforcements(problems);
  for (const auto &run : runs) {
    if (pid && run.pid != pid)
      continue;
    for (const auto &p : run.policies) {
      if (p.name != name)
        continue;
      if (owner_run) {
        error = "policy '" + name + "' is loaded by runs " +
                std::to_string(owner_run->pid) + " and " +
                std::to_string(run.pid) + "; choose one with --pid";
        return false;
      }
      owner_run = &run;
      target = &p;
    }
  }
  if (!owner_run) {
    error = "no running `enforcectl run` has a policy named '" + name + "'";
    if (!problems.empty())
      error += " (" + problems + ")";
    return false;
  }
  PinnedMaps maps(owner_run->pid);
  __u32 key;
  pal_config cfg{};
  if (!maps.ok() || !maps.policy_key(target->index, key, cfg)) {
    error = "open pinned maps of run " + std::to_string(owner_run->pid) +
            ": " + std::strerror(errno);
    return false;
  }
  pal_policy value{};
  value.mode = mode == dsl::Mode::Enforce ? PAL_MODE_ENFORCE : PAL_MODE_AUDIT;
  // The switch itself: one write of one entry.
  if (bpf_map_update_elem(maps.policies, &key, &value, BPF_EXIST) != 0) {
    error = "write policy mode: " + std::string(std::strerror(errno));
    return false;
  }
  change.pid = owner_run->pid;
  change.from = target->mode;
  return true;
}

} // namespace palisade::enforce
