#include "palisade/enforce/run_state.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/file.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <nlohmann/json.hpp>

#include "palisade/enforce/enforcer.h"
#include "palisade/enforce/program_table.h"

namespace palisade::enforce {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

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
int holder() {
  const auto state = read_state();
  return state.is_object() ? state.value("pid", 0) : 0;
}

// Pinned links: programs that enforce with no process holding them.
bool links_pinned() {
  std::error_code ec;
  return !fs::is_empty(std::string(kPinRoot) + "/links", ec) && !ec;
}

std::vector<RunningPolicy> policies_of(const nlohmann::json &state) {
  std::vector<RunningPolicy> out;
  for (const auto &p : state.value("policies", nlohmann::json::array()))
    out.push_back({p.value("name", ""), p.value("index", 0u)});
  return out;
}

// What a dead persistent holder left in force; only the holder of the
// lock may ask (otherwise the holder may be alive).
std::optional<LeftEnforcement> left_enforcement() {
  const auto state = read_state();
  if (!state.is_object() || !state.value("persistent", false) ||
      !links_pinned())
    return std::nullopt;
  return LeftEnforcement{state.value("pid", 0), state.value("build", ""),
                         state.value("drops_reported", uint64_t{0}),
                         policies_of(state)};
}

} // namespace

std::unique_ptr<RunState> RunState::claim(bool persistent, std::string &error) {
  std::error_code ec;
  fs::create_directories(fs::path(kStateFile).parent_path(), ec);
  // The lock is the claim: the kernel drops it when its holder dies, so
  // a dead holder (or a reused pid) never blocks, and two claimers never
  // both win.
  const int lock = open(kLockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) {
    error = std::string("open ") + kLockFile + ": " + errno_text();
    return nullptr;
  }
  if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(lock);
    if (err != EWOULDBLOCK) {
      error = std::string("lock ") + kLockFile + ": " + std::strerror(err);
      return nullptr;
    }
    const int pid = holder();
    error = "an enforcement is already running (" +
            (pid ? "pid " + std::to_string(pid) : std::string("pid unknown")) +
            ", " + kStateFile + "); stop it first";
    return nullptr;
  }
  std::unique_ptr<RunState> self(new RunState());
  self->lock_fd_ = lock;
  self->persistent_ = persistent;
  self->left_ = left_enforcement();
  if (!self->left_)
    remove_published(); // whatever a holder that died left, if anything
  if (!self->write(error))
    return nullptr;
  return self;
}

RunState::~RunState() {
  if (lock_fd_ < 0)
    return;
  // Before the lock goes, so the next holder starts clean; but never the
  // pins of a left enforcement this process did not take over.
  if (!left_untaken() && !keep_)
    remove_published();
  close(lock_fd_);
}

bool RunState::write(std::string &error) const {
  // A claimer that has not taken the left enforcement over must not
  // overwrite the record of it: that one still enforces.
  if (left_untaken())
    return true;
  return write_state({{"pid", getpid()},
                      {"persistent", persistent_},
                      {"build", enforcer_build_id()},
                      {"drops_reported", drops_reported_},
                      {"policies", policies_}},
                     error);
}

bool RunState::publish(const Enforcer &enforcer,
                       const engine::CompiledPolicy &compiled,
                       std::string &error) {
  if (!pinned_) {
    if (left_)
      remove_published(); // replaced: its programs go with its pins
    if (!enforcer.pin(kPinRoot, persistent_, error))
      return false;
    pinned_ = owns_pins_ = true;
  }
  policies_ = nlohmann::json::array();
  for (const auto &p : compiled.policies)
    policies_.push_back({{"name", p.name}, {"index", p.index}});
  return write(error);
}

bool RunState::record_drops(uint64_t reported, std::string &error) {
  drops_reported_ = reported;
  return write(error);
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

// Whether some process holds the claim now.
bool claimed() {
  const int lock = open(kLockFile, O_RDONLY | O_CLOEXEC);
  if (lock < 0)
    return false;
  const bool held = flock(lock, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(lock);
  return held;
}

namespace {

std::vector<RunningEnforcement::Program> pinned_programs() {
  std::vector<RunningEnforcement::Program> out;
  std::error_code ec;
  for (const auto &entry :
       fs::directory_iterator(std::string(kPinRoot) + "/links", ec)) {
    const int fd = bpf_obj_get(entry.path().c_str());
    if (fd < 0)
      continue;
    bpf_link_info info{};
    __u32 len = sizeof info;
    if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
      out.push_back({entry.path().filename().string(), info.prog_id});
    close(fd);
  }
  std::sort(out.begin(), out.end(),
            [](const auto &a, const auto &b) { return a.name < b.name; });
  return out;
}

} // namespace

std::optional<RunningEnforcement> running_enforcement(std::string &problem) {
  const auto state = read_state();
  RunningEnforcement run;
  run.holder_alive = claimed();
  // Nothing runs: leftovers go with the next claim. Unless the programs
  // of a persistent one still enforce through their pinned links.
  if (!run.holder_alive &&
      !(state.is_object() && state.value("persistent", false) &&
        links_pinned()))
    return std::nullopt;
  run.pid = state.is_discarded() ? 0 : state.value("pid", 0);
  if (state.is_discarded()) {
    problem =
        std::string("an enforcement runs but ") + kStateFile + " is unreadable";
    return std::nullopt;
  }
  PinnedMaps maps;
  if (!maps.ok()) {
    problem = "enforcement of pid " + std::to_string(run.pid) +
              ": its maps are not pinned in " + kPinRoot + " (yet)";
    return std::nullopt;
  }
  for (RunningPolicy policy : policies_of(state)) {
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
  run.pinned_programs = pinned_programs();
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
  if (!run->holder_alive) {
    // Its successor re-applies the stored modes: a switch made now would
    // silently come undone.
    error = "the enforcement of pid " + std::to_string(run->pid) +
            " is in force but its process is gone (palisaded stopped "
            "without removing it): start palisaded to change it";
    return false;
  }
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
