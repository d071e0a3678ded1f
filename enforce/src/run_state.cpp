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
  if (bpf_map__pin(maps.config, (pin_dir_ + "/config").c_str()) != 0 ||
      bpf_map__pin(maps.policies, (pin_dir_ + "/policies").c_str()) != 0) {
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

bool set_running_policy_mode(const std::string &name, dsl::Mode mode, int pid,
                             ModeChange &change, std::string &error) {
  int owner = 0;
  uint32_t index = 0;
  for (int run : published_runs()) {
    if ((pid && run != pid) || !alive(run))
      continue;
    std::ifstream in(state_file_of(run));
    auto state = nlohmann::json::parse(in, nullptr, false);
    if (state.is_discarded())
      continue;
    for (const auto &p : state.value("policies", nlohmann::json::array())) {
      if (p.value("name", "") != name)
        continue;
      if (owner) {
        error = "policy '" + name + "' is loaded by runs " +
                std::to_string(owner) + " and " + std::to_string(run) +
                "; choose one with --pid";
        return false;
      }
      owner = run;
      index = p.value("index", 0u);
    }
  }
  if (!owner) {
    error = "no running `enforcectl run` has a policy named '" + name + "'";
    return false;
  }
  const std::string dir = pin_dir_of(owner);
  int cfg_fd = bpf_obj_get((dir + "/config").c_str());
  int pol_fd = bpf_obj_get((dir + "/policies").c_str());
  bool ok = false;
  __u32 zero = 0;
  pal_config cfg{};
  if (cfg_fd < 0 || pol_fd < 0) {
    error = "open pinned maps in " + dir + ": " + std::strerror(errno);
  } else if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg) != 0) {
    error = "read config: " + std::string(std::strerror(errno));
  } else {
    __u32 key = (cfg.active_slot & 1) * PAL_MAX_POLICIES + index;
    pal_policy value{};
    if (bpf_map_lookup_elem(pol_fd, &key, &value) != 0) {
      error = "read policy: " + std::string(std::strerror(errno));
    } else {
      change.pid = owner;
      change.from = value.mode == PAL_MODE_AUDIT ? dsl::Mode::Audit
                                                 : dsl::Mode::Enforce;
      value.mode = mode == dsl::Mode::Enforce ? PAL_MODE_ENFORCE : PAL_MODE_AUDIT;
      // The switch itself: one write of one entry.
      ok = bpf_map_update_elem(pol_fd, &key, &value, BPF_EXIST) == 0;
      if (!ok)
        error = "write policy mode: " + std::string(std::strerror(errno));
    }
  }
  if (cfg_fd >= 0) close(cfg_fd);
  if (pol_fd >= 0) close(pol_fd);
  return ok;
}

} // namespace palisade::enforce
