// One enforcement from start to end: probe the kernel, turn its findings
// into the engine's TargetCaps, compile for the inactive slot, load and
// attach the programs (Enforcer), apply, then poll the ring buffer into the
// audit trail with every lost record accounted for. `enforcectl run`
// drives it in the foreground; the daemon drives the same class from its
// event loop. A policy that fails to compile or apply changes nothing: the
// running one stays in force.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "palisade/abi.h"
#include "palisade/dsl/diagnostics.h"
#include "palisade/enforce/audit_log.h"
#include "palisade/enforce/enforcer.h"
#include "palisade/enforce/features.h"
#include "palisade/enforce/policy_files.h"
#include "palisade/enforce/records.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

class RunState;

class Session {
public:
  struct Options {
    // "auto": the mechanisms the probe proved to run; "tracepoint": the
    // fallbacks of exec and opens, as on a kernel without BPF LSM and
    // fmod_ret (no connect, bind or listen enforcement).
    std::string mechanism = "auto";
    uint32_t ring_bytes = 0; // 0: PAL_RINGBUF_BYTES
    std::string audit_log = "/var/log/palisade/audit.jsonl";
    // The match hashes' capacity is fixed when the programs load. Fit:
    // sized for the first policy (little memory; a later, bigger apply
    // fails cleanly and the running policy stays). Full: the ABI's whole
    // size (about 16 MB), so any later policy fits without a reload.
    enum class Capacity { FitFirst, Full } capacity = Capacity::FitFirst;
    // Claim the machine's one enforcement and publish its pinned maps
    // and policy names for `enforcectl mode` and `status` (RunState). The
    // first apply fails while another process holds the claim.
    bool publish = true;
    // Enforcement that outlives the process (palisaded): links pinned
    // too, and what a previous holder left in force is adopted or
    // replaced (take_over()) instead of refused.
    bool persist = false;
  };

  // What take_over() found.
  struct TakeOver {
    int previous_pid = 0; // 0: nothing was left in force
    bool adopted = false; // its programs are this session's now
    std::string why_not;  // why it will be replaced instead (first apply)
  };

  // Every decoded event, as the JSON object and the line the trail got.
  using EventHandler =
      std::function<void(const nlohmann::json &event, const std::string &line)>;

  // What an apply() put in force.
  struct Applied {
    struct Policy {
      std::string name;
      dsl::Mode mode = dsl::Mode::Enforce;
      size_t rules = 0;
    };
    std::vector<Policy> policies;
    size_t inode_count = 0;         // files and directories matched by inode
    std::vector<std::string> notes; // what could not be matched by inode
    std::string publish_error;      // RunState's, "" when published
  };

  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  // Mounts the kernel file systems it needs (a failure is a warning in
  // warnings()) and probes the kernel. Loads nothing that stays. Root.
  static std::unique_ptr<Session> create(Options options,
                                         EventHandler on_event);

  const Options &options() const { return options_; }
  // The mechanism per hook and why (the probe's evidence, or the forced
  // fallback).
  const engine::TargetCaps &caps() const { return caps_; }
  const std::vector<std::string> &warnings() const { return warnings_; }

  // Claims the machine's enforcement now (the daemon's start: it fails
  // while another process holds it) and, with Options::persist, adopts
  // the enforcement a previous holder left in force when it is this
  // build's programs with these mechanisms: nothing is loaded, running()
  // is true, and compile() targets its inactive slot. Otherwise the first
  // apply() replaces it with no moment unenforced.
  std::optional<TakeOver> take_over(std::string &error);
  // After an adoption: gives the trail the names of the policies in
  // force (`sources` compiled for the active slot, used only when their
  // policies are the ones the previous holder published) and reads every
  // record it buffered while nobody read. Returns the records read.
  int catch_up(const std::vector<PolicySource> &sources);
  // At the end of the session, leave the enforcement in force (persist).
  void keep_on_exit();

  // Parses and compiles policy files for this kernel and the inactive
  // slot: rules the kernel cannot enforce are errors at the rule. nullopt
  // when `diags` has errors.
  std::optional<engine::CompiledPolicy>
  compile(const std::vector<std::string> &paths, dsl::Diagnostics &diags) const;
  // The same for policy files in memory (the daemon's).
  std::optional<engine::CompiledPolicy>
  compile(const std::vector<PolicySource> &sources,
          dsl::Diagnostics &diags) const;

  // Puts `compiled` (from compile()) in force. The first apply opens the
  // audit trail and loads and attaches the programs; later ones write the
  // inactive slot and flip. On failure the running policy stays and
  // `error` says why.
  std::optional<Applied> apply(engine::CompiledPolicy compiled,
                               std::string &error);
  // compile() then apply(): errors in `diags`, or in `error` for a
  // kernel-side failure.
  std::optional<Applied> reapply(const std::vector<std::string> &paths,
                                 dsl::Diagnostics &diags, std::string &error);

  // Switches a policy of the running set between enforce and audit: one
  // map write, nothing reloaded.
  bool set_mode(const std::string &policy, dsl::Mode mode, std::string &error);

  // Waits up to timeout_ms for records, decodes them into the trail and
  // the handler, and accounts for lost records (a "drops" line in the
  // trail). Returns the number delivered or negative errno (-EINTR on a
  // signal); 0 before the first apply.
  int poll(int timeout_ms);
  // Records lost since the last call (the kernel could not reserve ring
  // space); the trail already has them.
  uint64_t take_new_drops();

  bool running() const { return enforcer_ != nullptr; }
  // The ring buffer's epoll fd, readable when records wait (for an event
  // loop); -1 before the first apply.
  int event_fd() const;
  // How often each rule in force decided its policy's verdict, counted by
  // the kernel since the rule came into force (across applies that keep
  // it, and across an adoption).
  struct RuleHits {
    std::string policy;
    engine::RuleInfo rule;
    pal_rule_hits hits{};
  };
  std::vector<RuleHits> rule_hits() const;

  // Events decoded and records lost since the session started.
  uint64_t events_seen() const { return events_seen_; }
  uint64_t drops_seen() const { return drops_reported_; }
  // The mechanism enforcing `hook` (PAL_MECH_*).
  uint32_t mechanism(uint32_t hook) const { return caps_.mechanism.at(hook); }

private:
  Session() = default;
  void on_record(const void *data, size_t size);
  bool start(const engine::CompiledPolicy &first, std::string &error);
  bool claim(std::string &error);
  void note_drops(uint64_t total);

  Options options_;
  EventHandler on_event_;
  engine::TargetCaps caps_;
  std::string cgroup_root_;
  std::vector<std::string> warnings_;
  RecordDecoder decoder_;
  AuditLog audit_;
  std::unique_ptr<Enforcer> enforcer_;
  std::unique_ptr<RunState> published_;
  std::vector<engine::PolicyInfo> policies_; // of the active slot
  std::vector<engine::RuleInfo> rules_;      // of the active slot
  uint64_t drops_reported_ = 0, drops_untaken_ = 0, events_seen_ = 0;
};

} // namespace palisade::enforce
