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
  self->maps_ = PolicyMaps(policy_map_set(skel), mechanism);
  if (!self->maps_.init(error))
    return nullptr;

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

bool ExecEnforcer::apply(const engine::CompiledPolicy &compiled,
                         std::string &error) {
  return maps_.apply(compiled, error);
}

bool ExecEnforcer::set_mode(uint32_t policy_index, dsl::Mode mode,
                            std::string &error) {
  return maps_.set_mode(policy_index, mode, error);
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
