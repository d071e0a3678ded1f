#include "palisade/enforce/exec_enforcer.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade/abi.h"
#include "exec.skel.h"

namespace palisade::enforce {
namespace {

std::string errno_text(int err) {
  return std::strerror(err < 0 ? -err : err);
}

int on_ring_record(void *ctx, void *data, size_t size) {
  auto *handler = static_cast<ExecEnforcer::RecordHandler *>(ctx);
  (*handler)(data, size);
  return 0;
}

bool attach(bpf_program *prog, bpf_link **link, std::string &error) {
  *link = bpf_program__attach(prog);
  if (*link)
    return true;
  error = std::string("attach ") + bpf_program__name(prog) + ": " +
          errno_text(errno);
  return false;
}

} // namespace

ExecEnforcer::~ExecEnforcer() {
  if (ring_)
    ring_buffer__free(ring_);
  if (skel_)
    pal_exec__destroy(skel_);
}

std::unique_ptr<ExecEnforcer> ExecEnforcer::create(const Options &options,
                                                   RecordHandler on_record,
                                                   std::string &error) {
  const uint32_t mechanism = options.mechanism;
  std::unique_ptr<ExecEnforcer> self(new ExecEnforcer());
  self->on_record_ = std::move(on_record);
  self->mechanism_ = mechanism;

  self->skel_ = pal_exec__open();
  if (!self->skel_) {
    error = "open BPF object exec: " + errno_text(errno);
    return nullptr;
  }
  pal_exec *skel = self->skel_;
  if (skel->rodata->pal_abi_version != PAL_ABI_VERSION) {
    error = "BPF object ABI " + std::to_string(skel->rodata->pal_abi_version) +
            " does not match userspace ABI " + std::to_string(PAL_ABI_VERSION);
    return nullptr;
  }
  if (options.ring_bytes &&
      bpf_map__set_max_entries(skel->maps.pal_events, options.ring_bytes) != 0) {
    error = "ring buffer size " + std::to_string(options.ring_bytes) +
            ": " + errno_text(errno);
    return nullptr;
  }
  const bool use_lsm = mechanism == PAL_MECH_LSM;
  bpf_program__set_autoload(skel->progs.pal_exec_lsm, use_lsm);
  if (int err = pal_exec__load(skel); err) {
    error = "load BPF object exec: " + errno_text(err);
    return nullptr;
  }

  // Start with empty rules in slot 0 and the mechanism the programs read.
  pal_config cfg{};
  cfg.abi_version = PAL_ABI_VERSION;
  cfg.exec_mechanism = mechanism;
  __u32 zero = 0;
  if (bpf_map_update_elem(bpf_map__fd(skel->maps.pal_config), &zero, &cfg,
                          BPF_ANY) != 0) {
    error = "write config: " + errno_text(errno);
    return nullptr;
  }

  if (!attach(skel->progs.pal_sys_execve, &skel->links.pal_sys_execve, error) ||
      !attach(skel->progs.pal_sys_execveat, &skel->links.pal_sys_execveat,
              error) ||
      !attach(skel->progs.pal_exec_done, &skel->links.pal_exec_done, error) ||
      !attach(skel->progs.pal_fork, &skel->links.pal_fork, error) ||
      !attach(skel->progs.pal_exit, &skel->links.pal_exit, error) ||
      (use_lsm &&
       !attach(skel->progs.pal_exec_lsm, &skel->links.pal_exec_lsm, error)))
    return nullptr;

  self->ring_ = ring_buffer__new(bpf_map__fd(skel->maps.pal_events),
                                 on_ring_record, &self->on_record_, nullptr);
  if (!self->ring_) {
    error = "ring buffer: " + errno_text(errno);
    return nullptr;
  }
  return self;
}

void ExecEnforcer::clear_slot(uint32_t slot) {
  // Atoms: delete every LPM key whose slot byte is `slot`. Collect first:
  // deleting while iterating would restart the walk.
  int atoms_fd = bpf_map__fd(skel_->maps.pal_atoms);
  std::vector<pal_lpm_key> doomed;
  pal_lpm_key key{}, next{};
  void *prev = nullptr;
  while (bpf_map_get_next_key(atoms_fd, prev, &next) == 0) {
    if (next.data[0] == slot)
      doomed.push_back(next);
    key = next;
    prev = &key;
  }
  for (const auto &k : doomed)
    bpf_map_delete_elem(atoms_fd, &k);

  pal_rule empty_rule{};
  for (__u32 i = 0; i < PAL_MAX_RULES; i++) {
    __u32 idx = slot * PAL_MAX_RULES + i;
    bpf_map_update_elem(bpf_map__fd(skel_->maps.pal_rules), &idx, &empty_rule,
                        BPF_ANY);
  }
  pal_policy empty_policy{};
  for (__u32 i = 0; i < PAL_MAX_POLICIES; i++) {
    __u32 idx = slot * PAL_MAX_POLICIES + i;
    bpf_map_update_elem(bpf_map__fd(skel_->maps.pal_policies), &idx,
                        &empty_policy, BPF_ANY);
  }
}

bool ExecEnforcer::write_image(const engine::MapImage &image,
                               std::string &error) {
  for (const auto &[name, entries] : image.maps) {
    bpf_map *map = nullptr;
    if (name == "atoms")
      map = skel_->maps.pal_atoms;
    else if (name == "rules")
      map = skel_->maps.pal_rules;
    else if (name == "policies")
      map = skel_->maps.pal_policies;
    if (!map) {
      error = "compiled image has unknown map '" + name + "'";
      return false;
    }
    for (const auto &e : entries) {
      if (e.key.size() != bpf_map__key_size(map) ||
          e.value.size() != bpf_map__value_size(map)) {
        error = "compiled entry for map '" + name + "' has the wrong size";
        return false;
      }
      if (bpf_map_update_elem(bpf_map__fd(map), e.key.data(), e.value.data(),
                              BPF_ANY) != 0) {
        error = "write map '" + name + "': " + errno_text(errno);
        return false;
      }
    }
  }
  return true;
}

bool ExecEnforcer::apply(const engine::CompiledPolicy &compiled,
                         std::string &error) {
  const uint32_t slot = inactive_slot();
  if (compiled.image.slot != slot) {
    error = "policy was compiled for slot " +
            std::to_string(compiled.image.slot) + ", expected " +
            std::to_string(slot);
    return false;
  }
  // The inactive slot may hold what the previous apply replaced.
  clear_slot(slot);
  if (!write_image(compiled.image, error)) {
    clear_slot(slot);
    return false;
  }

  // Two writes, each changing one field: n_rules of the slot nobody reads
  // yet, then active_slot. A reader sees the old or the new policy whole.
  int cfg_fd = bpf_map__fd(skel_->maps.pal_config);
  __u32 zero = 0;
  pal_config cfg{};
  cfg.abi_version = PAL_ABI_VERSION;
  cfg.exec_mechanism = mechanism_;
  cfg.active_slot = active_slot_;
  cfg.n_rules[0] = n_rules_[0];
  cfg.n_rules[1] = n_rules_[1];
  cfg.n_rules[slot] = compiled.n_rules;
  if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY) != 0) {
    error = "write config: " + errno_text(errno);
    return false;
  }
  cfg.active_slot = slot;
  if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY) != 0) {
    error = "flip config: " + errno_text(errno);
    return false;
  }
  n_rules_[slot] = compiled.n_rules;
  active_slot_ = slot;
  return true;
}

bool ExecEnforcer::set_mode(uint32_t policy_index, dsl::Mode mode,
                            std::string &error) {
  if (policy_index >= PAL_MAX_POLICIES) {
    error = "no policy with index " + std::to_string(policy_index);
    return false;
  }
  __u32 idx = active_slot_ * PAL_MAX_POLICIES + policy_index;
  pal_policy p{};
  p.mode = mode == dsl::Mode::Enforce ? PAL_MODE_ENFORCE : PAL_MODE_AUDIT;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.pal_policies), &idx, &p,
                          BPF_ANY) != 0) {
    error = "write policy mode: " + errno_text(errno);
    return false;
  }
  return true;
}

int ExecEnforcer::poll(int timeout_ms) {
  return ring_buffer__poll(ring_, timeout_ms);
}

uint64_t ExecEnforcer::dropped() const {
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0)
    return 0;
  std::vector<__u64> per_cpu(static_cast<size_t>(ncpu));
  __u32 zero = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.pal_drops), &zero,
                          per_cpu.data()) != 0)
    return 0;
  uint64_t sum = 0;
  for (auto v : per_cpu)
    sum += v;
  return sum;
}

} // namespace palisade::enforce
