#include "palisade/enforce/session.h"

#include "palisade/enforce/kernel_fs.h"
#include "palisade/enforce/policy_files.h"
#include "palisade/enforce/program_table.h"
#include "palisade/enforce/run_state.h"

namespace palisade::enforce {
namespace {

// The caps the engine checks rules against: the probe's mechanisms, or
// the tracepoint fallbacks `--mechanism tracepoint` forces.
engine::TargetCaps target_caps(const std::string &mechanism,
                               std::string &cgroup_root) {
  engine::TargetCaps caps;
  caps.known = true;
  if (mechanism == "tracepoint") {
    caps.mechanism = {PAL_MECH_TP_SIGKILL, PAL_MECH_TP_SIGKILL, PAL_MECH_NONE,
                      PAL_MECH_NONE};
    caps.why.fill("forced by --mechanism tracepoint");
    return caps;
  }
  const Features f = probe_features();
  caps.mechanism = f.mechanism;
  for (uint32_t hook = 0; hook < PAL_HOOKS; ++hook)
    caps.why[hook] = f.why(hook);
  cgroup_root = f.cgroup_root;
  return caps;
}

} // namespace

Session::~Session() = default;

std::unique_ptr<Session> Session::create(Options options,
                                         EventHandler on_event) {
  std::unique_ptr<Session> self(new Session());
  self->options_ = std::move(options);
  self->on_event_ = std::move(on_event);
  if (std::string err = ensure_kernel_filesystems(); !err.empty())
    self->warnings_.push_back(err);
  self->caps_ = target_caps(self->options_.mechanism, self->cgroup_root_);
  return self;
}

std::optional<engine::CompiledPolicy>
Session::compile(const std::vector<std::string> &paths,
                 dsl::Diagnostics &diags) const {
  // Slot 0 starts empty, so the first policy goes into slot 1.
  const uint32_t slot = enforcer_ ? enforcer_->inactive_slot() : 1;
  return compile_policy_files(paths, caps_, slot, diags);
}

std::optional<engine::CompiledPolicy>
Session::compile(const std::vector<PolicySource> &sources,
                 dsl::Diagnostics &diags) const {
  const uint32_t slot = enforcer_ ? enforcer_->inactive_slot() : 1;
  return compile_policy_sources(sources, caps_, slot, diags);
}

int Session::event_fd() const { return enforcer_ ? enforcer_->ring_fd() : -1; }

bool Session::claim(std::string &error) {
  if (published_ || !options_.publish)
    return true;
  if (!(published_ = RunState::claim(options_.persist, error)))
    return false;
  if (const auto &left = published_->left(); left && !options_.persist) {
    // Its programs enforce still: a second set would run beside them.
    error = "the enforcement palisaded left in force (pid " +
            std::to_string(left->pid) +
            ", no longer running) still holds the hooks: start palisaded to "
            "manage it, or stop it (systemctl stop palisaded) to remove it";
    published_.reset();
    return false;
  }
  return true;
}

std::optional<Session::TakeOver> Session::take_over(std::string &error) {
  if (enforcer_) {
    error = "the session is running already";
    return std::nullopt;
  }
  if (!claim(error))
    return std::nullopt;
  TakeOver out;
  const auto &left = published_ ? published_->left() : std::nullopt;
  if (!left)
    return out;
  out.previous_pid = left->pid;
  if (left->build != enforcer_build_id()) {
    out.why_not = "its programs are of another build (" +
                  (left->build.empty() ? "unknown" : left->build) +
                  ", this one " + enforcer_build_id() + ")";
    return out;
  }
  enforcer_ = Enforcer::adopt(
      kPinRoot, caps_.mechanism,
      [this](const void *data, size_t size) { on_record(data, size); },
      out.why_not);
  if (!enforcer_)
    return out;
  if (std::string err = audit_.open({options_.audit_log}); !err.empty()) {
    enforcer_.reset();
    error = err;
    return std::nullopt;
  }
  published_->adopted();
  drops_reported_ = left->drops_reported;
  out.adopted = true;
  return out;
}

int Session::catch_up(const std::vector<PolicySource> &sources) {
  const auto &left = published_ ? published_->left() : std::nullopt;
  if (!enforcer_ || !left)
    return 0;
  dsl::Diagnostics diags;
  auto compiled =
      compile_policy_sources(sources, caps_, enforcer_->active_slot(), diags);
  bool same = compiled && compiled->policies.size() == left->policies.size();
  for (size_t i = 0; same && i < left->policies.size(); ++i)
    same = compiled->policies[i].name == left->policies[i].name &&
           compiled->policies[i].index == left->policies[i].index;
  if (same) {
    decoder_.set_catalog(enforcer_->active_slot(), *compiled);
    enforcer_->describe_active(*compiled);
    policies_ = compiled->policies;
    rules_ = compiled->rules;
  }
  // The backlog, not the live stream: a busy machine may never leave
  // the ring empty, so a bounded number of rounds.
  int total = 0;
  for (int round = 0, n; round < 64 && (n = poll(0)) > 0; ++round)
    total += n;
  return total;
}

void Session::keep_on_exit() {
  // Closing a pinned link's fd detaches nothing (tracepoint links too:
  // their programs run from the tracepoint, enabled perf event or not;
  // session_test proves both kinds outlive the process).
  if (published_)
    published_->keep();
}

bool Session::start(const engine::CompiledPolicy &first, std::string &error) {
  // Claimed before anything loads: a second enforcement would run its
  // rules beside the first one's.
  if (!claim(error))
    return false;
  if (std::string err = audit_.open({options_.audit_log}); !err.empty()) {
    error = err;
    published_.reset();
    return false;
  }
  Enforcer::Options eo;
  eo.mechanisms = caps_.mechanism;
  eo.cgroup_root = cgroup_root_;
  eo.ring_bytes = options_.ring_bytes;
  if (options_.capacity == Options::Capacity::FitFirst)
    eo.sized_for(first);
  // A left enforcement that could not be adopted keeps enforcing until
  // these programs are attached and have the new policy (publish()
  // removes it then): for a moment both enforce, never neither.
  enforcer_ = Enforcer::create(
      eo, [this](const void *data, size_t size) { on_record(data, size); },
      error);
  if (!enforcer_)
    published_.reset();
  return enforcer_ != nullptr;
}

std::optional<Session::Applied> Session::apply(engine::CompiledPolicy compiled,
                                               std::string &error) {
  if (!enforcer_ && !start(compiled, error))
    return std::nullopt;
  if (compiled.image.slot != enforcer_->inactive_slot()) {
    error = "the policy was compiled for slot " +
            std::to_string(compiled.image.slot) + ", the inactive one is " +
            std::to_string(enforcer_->inactive_slot());
    return std::nullopt;
  }
  // Names first: the kernel may report from the new slot as soon as it
  // is active.
  decoder_.set_catalog(compiled.image.slot, compiled);
  if (!enforcer_->apply(compiled, error)) {
    error = "apply: " + error;
    return std::nullopt;
  }
  policies_ = compiled.policies;
  rules_ = compiled.rules;

  Applied out;
  for (const auto &p : compiled.policies) {
    size_t n = 0;
    for (const auto &r : compiled.rules)
      n += r.policy_index == p.index;
    out.policies.push_back({p.name, p.mode, n});
  }
  out.inode_count = enforcer_->inode_count();
  out.notes = enforcer_->inode_notes();
  if (published_)
    published_->publish(*enforcer_, compiled, out.publish_error);
  return out;
}

std::optional<Session::Applied>
Session::reapply(const std::vector<std::string> &paths, dsl::Diagnostics &diags,
                 std::string &error) {
  auto compiled = compile(paths, diags);
  if (!compiled)
    return std::nullopt;
  return apply(std::move(*compiled), error);
}

std::vector<Session::RuleHits> Session::rule_hits() const {
  std::vector<RuleHits> out;
  if (!enforcer_)
    return out;
  const std::vector<pal_rule_hits> hits = enforcer_->hits();
  for (size_t id = 0; id < rules_.size() && id < hits.size(); ++id) {
    RuleHits r{"", rules_[id], hits[id]};
    for (const auto &p : policies_)
      if (p.index == rules_[id].policy_index)
        r.policy = p.name;
    out.push_back(std::move(r));
  }
  return out;
}

bool Session::set_mode(const std::string &policy, dsl::Mode mode,
                       std::string &error) {
  for (const auto &p : policies_)
    if (p.name == policy)
      return enforcer_->set_mode(p.index, mode, error);
  error = "no policy \"" + policy + "\" is in force";
  return false;
}

void Session::on_record(const void *data, size_t size) {
  auto event = decoder_.decode(data, size);
  if (!event)
    return;
  ++events_seen_;
  const std::string line = event->dump();
  audit_.append(line);
  if (on_event_)
    on_event_(*event, line);
}

int Session::poll(int timeout_ms) {
  if (!enforcer_)
    return 0;
  const int n = enforcer_->poll(timeout_ms);
  // Losses go into the trail as they are seen, so a reader of the trail
  // alone knows events are missing.
  note_drops(enforcer_->dropped());
  return n;
}

void Session::note_drops(uint64_t total) {
  if (total <= drops_reported_)
    return;
  const uint64_t lost = total - drops_reported_;
  audit_.append("{\"kind\":\"drops\",\"count\":" + std::to_string(lost) +
                ",\"total\":" + std::to_string(total) + "}");
  drops_untaken_ += lost;
  drops_reported_ = total;
  // So that a successor counts on from here, not from zero.
  std::string ignored;
  if (published_)
    published_->record_drops(total, ignored);
}

uint64_t Session::take_new_drops() {
  const uint64_t n = drops_untaken_;
  drops_untaken_ = 0;
  return n;
}

} // namespace palisade::enforce
