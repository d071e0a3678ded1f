#include "palisade/enforce/run_state.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <bpf/bpf.h>
#include <nlohmann/json.hpp>

#include "palisade/enforce/enforcer.h"

namespace palisade::enforce {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

bool alive(int pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

nlohmann::json read_state() {
  std::ifstream in(kStateFile);
  return nlohmann::json::parse(in, nullptr, false);
}

// Replaces the state file in one rename, so a reader sees the old or the
// new one, whole.
bool write_state(const nlohmann::json &state, std::string &error) {
  const std::string tmp = std::string(kStateFile) + ".new";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << state.dump() << "\n";
    if (!out) {
      error = "write " + tmp + ": " + errno_text();
      return false;
    }
  }
  if (std::rename(tmp.c_str(), kStateFile) != 0) {
    error = "rename " + tmp + ": " + errno_text();
    return false;
  }
  return true;
}

void remove_published() {
  std::error_code ec;
  fs::remove_all(kPinRoot, ec); // unlinking pins frees nothing in use
  fs::remove(kStateFile, ec);
}

// The owner's pid in the state file, 0 when unreadable.
int holder() { return read_state().value("pid", 0); }

} // namespace

std::unique_ptr<RunState> RunState::claim(std::string &error) {
  std::error_code ec;
  fs::create_directories(fs::path(kStateFile).parent_path(), ec);
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = open(kStateFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      const std::string state =
          "{\"pid\":" + std::to_string(getpid()) + ",\"policies\":[]}\n";
      const bool ok = write(fd, state.data(), state.size()) ==
                      static_cast<ssize_t>(state.size());
      close(fd);
      std::unique_ptr<RunState> self(new RunState());
      if (!ok) {
        error = std::string("write ") + kStateFile + ": " + errno_text();
        return nullptr; // the destructor removes the half-written claim
      }
      fs::remove_all(kPinRoot, ec); // pins of a holder that died
      return self;
    }
    if (errno != EEXIST) {
      error = std::string("create ") + kStateFile + ": " + errno_text();
      return nullptr;
    }
    const int pid = holder();
    if (alive(pid)) {
      error = "an enforcement is already running (pid " + std::to_string(pid) +
              ", " + kStateFile + "); stop it first";
      return nullptr;
    }
    remove_published(); // its holder died without releasing it
  }
  error = std::string("cannot claim ") + kStateFile;
  return nullptr;
}

RunState::~RunState() { remove_published(); }

bool RunState::publish(const Enforcer &enforcer,
                       const engine::CompiledPolicy &compiled,
                       std::string &error) {
  if (!pinned_ && !enforcer.pin(kPinRoot, /*links=*/false, error))
    return false;
  pinned_ = true;
  nlohmann::json state;
  state["pid"] = getpid();
  state["policies"] = nlohmann::json::array();
  for (const auto &p : compiled.policies)
    state["policies"].push_back({{"name", p.name}, {"index", p.index}});
  return write_state(state, error);
}

namespace {

// The pinned config and policies maps, closed on destruction.
struct PinnedMaps {
  PinnedMaps()
      : config(
            bpf_obj_get((std::string(kPinRoot) + "/maps/pal_config").c_str())),
        policies(bpf_obj_get(
            (std::string(kPinRoot) + "/maps/pal_policies").c_str())) {}
  ~PinnedMaps() {
    if (config >= 0)
      close(config);
    if (policies >= 0)
      close(policies);
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

std::optional<RunningEnforcement> running_enforcement(std::string &problem) {
  const auto state = read_state();
  if (state.is_discarded())
    return std::nullopt; // no file: nothing runs
  RunningEnforcement run;
  run.pid = state.value("pid", 0);
  if (!alive(run.pid))
    return std::nullopt; // a leftover; the next claim clears it
  PinnedMaps maps;
  if (!maps.ok()) {
    problem = "enforcement of pid " + std::to_string(run.pid) +
              ": its maps are not pinned in " + kPinRoot + " (yet)";
    return std::nullopt;
  }
  for (const auto &p : state.value("policies", nlohmann::json::array())) {
    RunningPolicy policy{p.value("name", ""), p.value("index", 0u)};
    __u32 key;
    pal_config cfg{};
    pal_policy value{};
    if (!maps.policy_key(policy.index, key, cfg) ||
        bpf_map_lookup_elem(maps.policies, &key, &value) != 0) {
      problem = "enforcement of pid " + std::to_string(run.pid) +
                ": maps unreadable: " + errno_text();
      return std::nullopt;
    }
    for (uint32_t hook = 0; hook < PAL_HOOKS; ++hook)
      run.mechanism[hook] = cfg.mechanism[hook];
    policy.mode =
        value.mode == PAL_MODE_AUDIT ? dsl::Mode::Audit : dsl::Mode::Enforce;
    run.policies.push_back(policy);
  }
  return run;
}

bool set_running_policy_mode(const std::string &name, dsl::Mode mode,
                             ModeChange &change, std::string &error) {
  std::string problem;
  const auto run = running_enforcement(problem);
  if (!run) {
    error = problem.empty() ? "no enforcement is running" : problem;
    return false;
  }
  const RunningPolicy *target = nullptr;
  for (const auto &p : run->policies)
    if (p.name == name)
      target = &p;
  if (!target) {
    error = "the running enforcement (pid " + std::to_string(run->pid) +
            ") has no policy named '" + name + "'";
    return false;
  }
  PinnedMaps maps;
  __u32 key;
  pal_config cfg{};
  if (!maps.ok() || !maps.policy_key(target->index, key, cfg)) {
    error =
        std::string("open pinned maps in ") + kPinRoot + ": " + errno_text();
    return false;
  }
  pal_policy value{};
  value.mode = mode == dsl::Mode::Enforce ? PAL_MODE_ENFORCE : PAL_MODE_AUDIT;
  // The switch itself: one write of one entry.
  if (bpf_map_update_elem(maps.policies, &key, &value, BPF_EXIST) != 0) {
    error = "write policy mode: " + errno_text();
    return false;
  }
  change.pid = run->pid;
  change.from = target->mode;
  return true;
}

} // namespace palisade::enforce
