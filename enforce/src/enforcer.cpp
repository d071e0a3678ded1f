#include "palisade/enforce/enforcer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade/abi.h"
#include "exec.skel.h"
#include "file.skel.h"
#include "net.skel.h"

namespace palisade::enforce {
namespace {

std::string errno_text(int err) {
  return std::strerror(err < 0 ? -err : err);
}

int on_ring_record(void *ctx, void *data, size_t size) {
  auto *handler = static_cast<Enforcer::RecordHandler *>(ctx);
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

Enforcer::~Enforcer() {
  if (ring_)
    ring_buffer__free(ring_);
  if (net_skel_)
    pal_net__destroy(net_skel_);
  if (cgroup_fd_ >= 0)
    close(cgroup_fd_);
  if (file_skel_)
    pal_file__destroy(file_skel_);
  if (skel_)
    pal_exec__destroy(skel_);
}

std::unique_ptr<Enforcer> Enforcer::create(const Options &options,
                                                   RecordHandler on_record,
                                                   std::string &error) {
  const uint32_t mechanism = options.mechanisms[PAL_HOOK_EXEC];
  std::unique_ptr<Enforcer> self(new Enforcer());
  self->on_record_ = std::move(on_record);
  self->options_ = options;

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
  if ((options.held_entries &&
       bpf_map__set_max_entries(skel->maps.pal_held, options.held_entries) != 0) ||
      (options.exact_entries &&
       bpf_map__set_max_entries(skel->maps.pal_exact, options.exact_entries) != 0) ||
      (options.value_entries &&
       bpf_map__set_max_entries(skel->maps.pal_values, options.value_entries) != 0)) {
    error = "size the policy maps: " + errno_text(errno);
    return nullptr;
  }
  if (options.ring_bytes &&
      bpf_map__set_max_entries(skel->maps.pal_events, options.ring_bytes) != 0) {
    error = "ring buffer size " + std::to_string(options.ring_bytes) +
            ": " + errno_text(errno);
    return nullptr;
  }
  const bool use_lsm = mechanism == PAL_MECH_LSM;
  const bool use_fmod = mechanism == PAL_MECH_FMOD_RET;
  bpf_program__set_autoload(skel->progs.pal_exec_lsm, use_lsm);
  bpf_program__set_autoload(skel->progs.pal_exec_fmod, use_fmod);
  if (int err = pal_exec__load(skel); err) {
    error = "load BPF object exec: " + errno_text(err);
    return nullptr;
  }

  // Start with empty rules in slot 0 and the mechanisms the programs read.
  self->maps_ = PolicyMaps(policy_map_set(skel), options.mechanisms);
  if (!self->maps_.init(error))
    return nullptr;
  if (options.mechanisms[PAL_HOOK_FILE] != PAL_MECH_NONE &&
      !self->load_file_object(error))
    return nullptr;
  if ((options.mechanisms[PAL_HOOK_NET] != PAL_MECH_NONE ||
       options.mechanisms[PAL_HOOK_LISTEN] != PAL_MECH_NONE) &&
      !self->load_net_object(error))
    return nullptr;

  if (!attach(skel->progs.pal_sys_execve, &skel->links.pal_sys_execve, error) ||
      !attach(skel->progs.pal_sys_execveat, &skel->links.pal_sys_execveat,
              error) ||
      !attach(skel->progs.pal_exec_done, &skel->links.pal_exec_done, error) ||
      !attach(skel->progs.pal_fork, &skel->links.pal_fork, error) ||
      !attach(skel->progs.pal_exit, &skel->links.pal_exit, error) ||
      (use_lsm &&
       !attach(skel->progs.pal_exec_lsm, &skel->links.pal_exec_lsm, error)) ||
      (use_fmod &&
       !attach(skel->progs.pal_exec_fmod, &skel->links.pal_exec_fmod, error)))
    return nullptr;

  self->ring_ = ring_buffer__new(bpf_map__fd(skel->maps.pal_events),
                                 on_ring_record, &self->on_record_, nullptr);
  if (!self->ring_) {
    error = "ring buffer: " + errno_text(errno);
    return nullptr;
  }
  return self;
}

void Enforcer::Options::sized_for(const engine::CompiledPolicy &compiled) {
  // Room for this policy in each slot, and a floor for tiny ones.
  auto room = [&](const char *map) {
    auto it = compiled.image.maps.find(map);
    size_t n = it == compiled.image.maps.end() ? 0 : it->second.size();
    return static_cast<uint32_t>(std::max<size_t>(1024, PAL_SLOTS * n));
  };
  held_entries = std::min<uint32_t>(room("held"), PAL_SLOTS * PAL_SLOT_HELD);
  exact_entries = std::min<uint32_t>(room("exact"), PAL_SLOTS * PAL_SLOT_ENTRIES);
  value_entries = std::min<uint32_t>(room("values"), PAL_SLOTS * PAL_SLOT_ENTRIES);
}

bool Enforcer::share_maps(bpf_object *obj, std::string &error) {
  // Every map both objects define (lib/maps.h, the path walker's scratch)
  // is the exec object's: one apply, one mode switch, one ring.
  bpf_map *map;
  bpf_object__for_each_map(map, obj) {
    bpf_map *shared = bpf_object__find_map_by_name(skel_->obj, bpf_map__name(map));
    if (shared && bpf_map__reuse_fd(map, bpf_map__fd(shared)) != 0) {
      error = std::string("share map ") + bpf_map__name(map) + ": " +
              errno_text(errno);
      return false;
    }
  }
  return true;
}

bool Enforcer::load_net_object(std::string &error) {
  net_skel_ = pal_net__open();
  if (!net_skel_) {
    error = "open BPF object net: " + errno_text(errno);
    return false;
  }
  if (!share_maps(net_skel_->obj, error))
    return false;
  auto &p = net_skel_->progs;
  auto &l = net_skel_->links;
  const bool cgroup = options_.mechanisms[PAL_HOOK_NET] == PAL_MECH_CGROUP;
  const uint32_t listen = options_.mechanisms[PAL_HOOK_LISTEN];
  bpf_program *prog;
  bpf_object__for_each_program(prog, net_skel_->obj)
    bpf_program__set_autoload(prog, cgroup);
  bpf_program__set_autoload(p.pal_listen_lsm, listen == PAL_MECH_LSM);
  bpf_program__set_autoload(p.pal_listen_fmod, listen == PAL_MECH_FMOD_RET);
  if (int err = pal_net__load(net_skel_); err) {
    error = "load BPF object net: " + errno_text(err);
    return false;
  }
  if (listen == PAL_MECH_LSM && !attach(p.pal_listen_lsm, &l.pal_listen_lsm, error))
    return false;
  if (listen == PAL_MECH_FMOD_RET &&
      !attach(p.pal_listen_fmod, &l.pal_listen_fmod, error))
    return false;
  if (!cgroup)
    return true;
  cgroup_fd_ = open(options_.cgroup_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgroup_fd_ < 0) {
    error = "open cgroup " + options_.cgroup_root + ": " + errno_text(errno);
    return false;
  }
  struct {
    bpf_program *prog;
    bpf_link **link;
  } const at_cgroup[] = {
      {p.pal_connect4, &l.pal_connect4}, {p.pal_connect6, &l.pal_connect6},
      {p.pal_sendmsg4, &l.pal_sendmsg4}, {p.pal_sendmsg6, &l.pal_sendmsg6},
      {p.pal_bind4, &l.pal_bind4},       {p.pal_bind6, &l.pal_bind6},
  };
  for (const auto &h : at_cgroup) {
    *h.link = bpf_program__attach_cgroup(h.prog, cgroup_fd_);
    if (!*h.link) {
      error = std::string("attach ") + bpf_program__name(h.prog) + " to " +
              options_.cgroup_root + ": " + errno_text(errno);
      return false;
    }
  }
  return attach(p.pal_exit_connect, &l.pal_exit_connect, error) &&
         attach(p.pal_exit_bind, &l.pal_exit_bind, error) &&
         attach(p.pal_exit_sendto, &l.pal_exit_sendto, error) &&
         attach(p.pal_exit_sendmsg, &l.pal_exit_sendmsg, error) &&
         attach(p.pal_exit_sendmmsg, &l.pal_exit_sendmmsg, error);
}

bool Enforcer::load_file_object(std::string &error) {
  file_skel_ = pal_file__open();
  if (!file_skel_) {
    error = "open BPF object file: " + errno_text(errno);
    return false;
  }
  if (!share_maps(file_skel_->obj, error))
    return false;
  const uint32_t mech = options_.mechanisms[PAL_HOOK_FILE];
  const bool lsm = mech == PAL_MECH_LSM;
  struct Hook {
    bpf_program *prog;
    bpf_link **link;
  };
  auto &p = file_skel_->progs;
  auto &l = file_skel_->links;
  std::vector<Hook> hooks;
  if (mech == PAL_MECH_TP_SIGKILL) {
    // Opens only: the other file events have nothing to resolve at
    // syscall exit (`run` refuses their rules with this mechanism).
    hooks = {
        {p.pal_open_enter_open, &l.pal_open_enter_open},
        {p.pal_open_enter_openat, &l.pal_open_enter_openat},
        {p.pal_open_enter_openat2, &l.pal_open_enter_openat2},
        {p.pal_open_enter_creat, &l.pal_open_enter_creat},
        {p.pal_open_exit_open, &l.pal_open_exit_open},
        {p.pal_open_exit_openat, &l.pal_open_exit_openat},
        {p.pal_open_exit_openat2, &l.pal_open_exit_openat2},
        {p.pal_open_exit_creat, &l.pal_open_exit_creat},
    };
  } else {
    hooks = {
        {lsm ? p.pal_open_lsm : p.pal_open_fmod, lsm ? &l.pal_open_lsm : &l.pal_open_fmod},
        {lsm ? p.pal_unlink_lsm : p.pal_unlink_fmod, lsm ? &l.pal_unlink_lsm : &l.pal_unlink_fmod},
        {lsm ? p.pal_rename_lsm : p.pal_rename_fmod, lsm ? &l.pal_rename_lsm : &l.pal_rename_fmod},
        {lsm ? p.pal_chmod_lsm : p.pal_chmod_fmod, lsm ? &l.pal_chmod_lsm : &l.pal_chmod_fmod},
        {lsm ? p.pal_chown_lsm : p.pal_chown_fmod, lsm ? &l.pal_chown_lsm : &l.pal_chown_fmod},
    };
  }
  bpf_program *prog;
  bpf_object__for_each_program(prog, file_skel_->obj)
    bpf_program__set_autoload(prog, false);
  for (const Hook &h : hooks)
    bpf_program__set_autoload(h.prog, true);
  if (int err = pal_file__load(file_skel_); err) {
    error = "load BPF object file: " + errno_text(err);
    return false;
  }
  for (const Hook &h : hooks)
    if (!attach(h.prog, h.link, error))
      return false;
  return true;
}

bool Enforcer::apply(const engine::CompiledPolicy &compiled,
                         std::string &error) {
  // Stat()ed now, for every apply: a file replaced since the last one
  // (a new inode) is recognised again.
  InodeTable inodes =
      build_inode_table(named_paths(compiled.image), compiled.image.slot);
  if (!maps_.apply(compiled, error, &inodes))
    return false;
  inode_notes_ = inodes.notes;
  inode_count_ = inodes.entries.size();
  return true;
}

bool Enforcer::set_mode(uint32_t policy_index, dsl::Mode mode,
                            std::string &error) {
  return maps_.set_mode(policy_index, mode, error);
}

int Enforcer::poll(int timeout_ms) {
  return ring_buffer__poll(ring_, timeout_ms);
}

uint64_t Enforcer::dropped() const {
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
