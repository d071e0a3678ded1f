#include "palisade/enforce/enforcer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <unistd.h>
#include <vector>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "palisade/abi.h"

namespace palisade::enforce {
namespace {

std::string errno_text(int err) { return std::strerror(err < 0 ? -err : err); }

int on_ring_record(void *ctx, void *data, size_t size) {
  auto *handler = static_cast<Enforcer::RecordHandler *>(ctx);
  (*handler)(data, size);
  return 0;
}

// A `const volatile` global of the object's .rodata, read through BTF
// before load: the loader checks the objects' ABI this way.
std::optional<uint32_t> rodata_u32(bpf_object *obj, const char *name) {
  bpf_map *map = bpf_object__find_map_by_name(obj, ".rodata");
  const btf *types = bpf_object__btf(obj);
  if (!map || !types)
    return std::nullopt;
  size_t size = 0;
  const auto *data =
      static_cast<const uint8_t *>(bpf_map__initial_value(map, &size));
  const int id = btf__find_by_name_kind(types, ".rodata", BTF_KIND_DATASEC);
  if (!data || id < 0)
    return std::nullopt;
  const btf_type *section = btf__type_by_id(types, id);
  const btf_var_secinfo *var = btf_var_secinfos(section);
  for (int i = 0; i < btf_vlen(section); ++i, ++var) {
    const btf_type *t = btf__type_by_id(types, var->type);
    if (std::strcmp(btf__name_by_offset(types, t->name_off), name) != 0)
      continue;
    if (var->size != sizeof(uint32_t) || var->offset + sizeof(uint32_t) > size)
      return std::nullopt;
    uint32_t value;
    std::memcpy(&value, data + var->offset, sizeof value);
    return value;
  }
  return std::nullopt;
}

} // namespace

Enforcer::~Enforcer() {
  if (ring_)
    ring_buffer__free(ring_);
  for (auto it = links_.rbegin(); it != links_.rend(); ++it)
    bpf_link__destroy(it->link);
  if (cgroup_fd_ >= 0)
    close(cgroup_fd_);
  for (auto it = objects_.rbegin(); it != objects_.rend(); ++it)
    bpf_object__close(it->obj);
}

std::unique_ptr<Enforcer> Enforcer::create(const Options &options,
                                           RecordHandler on_record,
                                           std::string &error) {
  std::unique_ptr<Enforcer> self(new Enforcer());
  self->on_record_ = std::move(on_record);
  self->options_ = options;
  for (const BpfObjectBytes &object : enforcer_objects())
    if (!self->load(object, error))
      return nullptr;
  if (self->objects_.empty() || self->objects_.front().name != "exec") {
    error = "the exec object is not loaded"; // the table always selects it
    return nullptr;
  }
  // Empty rules in slot 0 and the mechanisms the programs read, before
  // any program runs.
  self->maps_ = PolicyMaps(PolicyMapSet(self->owner()), options.mechanisms);
  if (!self->maps_.init(error) || !self->attach_selected(error))
    return nullptr;
  if (!self->open_ring(error))
    return nullptr;
  return self;
}

bool Enforcer::open_ring(std::string &error) {
  bpf_map *events = bpf_object__find_map_by_name(owner(), "pal_events");
  ring_ = events ? ring_buffer__new(bpf_map__fd(events), on_ring_record,
                                    &on_record_, nullptr)
                 : nullptr;
  if (!ring_)
    error = "ring buffer: " + errno_text(errno);
  return ring_ != nullptr;
}

std::unique_ptr<Enforcer>
Enforcer::adopt(const std::string &dir,
                const std::array<uint32_t, PAL_HOOKS> &mechanisms,
                RecordHandler on_record, std::string &error) {
  std::unique_ptr<Enforcer> self(new Enforcer());
  self->on_record_ = std::move(on_record);
  self->options_.mechanisms = mechanisms;
  // The exec object, opened but never loaded: its map definitions find
  // the pinned maps by name and describe them to PolicyMaps.
  const BpfObjectBytes exec = enforcer_objects().front();
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = exec.name.c_str());
  bpf_object *obj = bpf_object__open_mem(exec.data, exec.size, &opts);
  if (!obj) {
    error = "open BPF object exec: " + errno_text(errno);
    return nullptr;
  }
  self->objects_.push_back({exec.name, obj});
  bpf_map *map;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__is_internal(map))
      continue;
    const std::string path = dir + "/maps/" + bpf_map__name(map);
    const int fd = bpf_obj_get(path.c_str());
    const int err = fd < 0 ? errno : bpf_map__reuse_fd(map, fd);
    if (fd >= 0)
      close(fd); // reuse_fd holds its own duplicate
    if (err) {
      error = "pinned map " + path + ": " + errno_text(err);
      return nullptr;
    }
  }
  // Every program these mechanisms attach must be there, pinned: a
  // missing one would leave its hook unenforced.
  std::error_code ec;
  for (const ProgramRole &role : program_roles()) {
    if (!role_selected(role, mechanisms))
      continue;
    if (!std::filesystem::exists(dir + "/links/" + role.program, ec)) {
      error = std::string("no pinned link for ") + role.program + " in " + dir +
              "/links";
      return nullptr;
    }
    self->links_.push_back({role.program, nullptr});
  }
  self->maps_ = PolicyMaps(PolicyMapSet(obj), mechanisms);
  if (!self->maps_.adopt(error) || !self->open_ring(error))
    return nullptr;
  return self;
}

bool Enforcer::load(const BpfObjectBytes &bytes, std::string &error) {
  std::vector<const char *> selected;
  for (const ProgramRole &role : program_roles())
    if (bytes.name == role.object && role_selected(role, options_.mechanisms))
      selected.push_back(role.program);
  if (selected.empty())
    return true;
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = bytes.name.c_str());
  bpf_object *obj = bpf_object__open_mem(bytes.data, bytes.size, &opts);
  if (!obj) {
    error = "open BPF object " + bytes.name + ": " + errno_text(errno);
    return false;
  }
  objects_.push_back({bytes.name, obj});
  const auto abi = rodata_u32(obj, "pal_abi_version");
  if (abi != PAL_ABI_VERSION) {
    error = "BPF object " + bytes.name + " has ABI " +
            (abi ? std::to_string(*abi) : "unknown") + ", userspace has " +
            std::to_string(PAL_ABI_VERSION);
    return false;
  }
  if (!(objects_.size() == 1 ? size_maps(obj, error) : share_maps(obj, error)))
    return false;
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj)
      bpf_program__set_autoload(prog, false);
  for (const char *name : selected) {
    prog = bpf_object__find_program_by_name(obj, name);
    if (!prog) {
      error = "BPF object " + bytes.name + " has no program " + name;
      return false;
    }
    bpf_program__set_autoload(prog, true);
  }
  if (int err = bpf_object__load(obj); err) {
    error = "load BPF object " + bytes.name + ": " + errno_text(err);
    return false;
  }
  return true;
}

void Enforcer::Options::sized_for(const engine::CompiledPolicy &compiled) {
  // Room for this policy in each slot, and a floor for tiny ones.
  auto room = [&](const char *map) {
    auto it = compiled.image.maps.find(map);
    size_t n = it == compiled.image.maps.end() ? 0 : it->second.size();
    return static_cast<uint32_t>(std::max<size_t>(1024, PAL_SLOTS * n));
  };
  held_entries = std::min<uint32_t>(room("held"), PAL_SLOTS * PAL_SLOT_HELD);
  exact_entries =
      std::min<uint32_t>(room("exact"), PAL_SLOTS * PAL_SLOT_ENTRIES);
  value_entries =
      std::min<uint32_t>(room("values"), PAL_SLOTS * PAL_SLOT_ENTRIES);
}

bool Enforcer::size_maps(bpf_object *obj, std::string &error) {
  const struct {
    const char *map;
    uint32_t entries;
  } sizes[] = {{"pal_held", options_.held_entries},
               {"pal_exact", options_.exact_entries},
               {"pal_values", options_.value_entries},
               {"pal_events", options_.ring_bytes}};
  for (const auto &s : sizes) {
    if (!s.entries)
      continue; // the size bpf/lib/maps.h gives it
    bpf_map *map = bpf_object__find_map_by_name(obj, s.map);
    if (!map || bpf_map__set_max_entries(map, s.entries) != 0) {
      error = std::string("size map ") + s.map + " to " +
              std::to_string(s.entries) + ": " + errno_text(errno);
      return false;
    }
  }
  return true;
}

bool Enforcer::share_maps(bpf_object *obj, std::string &error) {
  // Every map both objects define (lib/maps.h, the path walker's scratch)
  // is the owner's: one apply, one mode switch, one ring.
  bpf_map *map;
  bpf_object__for_each_map(map, obj) {
    bpf_map *shared = bpf_object__find_map_by_name(owner(), bpf_map__name(map));
    if (shared && !bpf_map__is_internal(map) &&
        bpf_map__reuse_fd(map, bpf_map__fd(shared)) != 0) {
      error = std::string("share map ") + bpf_map__name(map) + ": " +
              errno_text(errno);
      return false;
    }
  }
  return true;
}

bool Enforcer::attach_selected(std::string &error) {
  for (const ProgramRole &role : program_roles()) {
    if (!role_selected(role, options_.mechanisms))
      continue;
    auto object =
        std::find_if(objects_.begin(), objects_.end(),
                     [&](const auto &o) { return o.name == role.object; });
    bpf_program *prog =
        bpf_object__find_program_by_name(object->obj, role.program);
    if (role.attach == Attach::Cgroup && cgroup_fd_ < 0) {
      cgroup_fd_ = open(options_.cgroup_root.c_str(),
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (cgroup_fd_ < 0) {
        error =
            "open cgroup " + options_.cgroup_root + ": " + errno_text(errno);
        return false;
      }
    }
    bpf_link *link = role.attach == Attach::Cgroup
                         ? bpf_program__attach_cgroup(prog, cgroup_fd_)
                         : bpf_program__attach(prog);
    if (!link) {
      error =
          std::string("attach ") + role.program +
          (role.attach == Attach::Cgroup ? " to " + options_.cgroup_root : "") +
          ": " + errno_text(errno);
      return false;
    }
    links_.push_back({role.program, link});
  }
  return true;
}

std::vector<std::string> Enforcer::attached_programs() const {
  std::vector<std::string> names;
  for (const auto &l : links_)
    names.push_back(l.program);
  return names;
}

bool Enforcer::pin(const std::string &dir, bool links,
                   std::string &error) const {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/maps", ec);
  if (links)
    std::filesystem::create_directories(dir + "/links", ec);
  bpf_map *map;
  bpf_object__for_each_map(map, owner()) {
    if (bpf_map__is_internal(map))
      continue;
    const std::string path = dir + "/maps/" + bpf_map__name(map);
    if (bpf_obj_pin(bpf_map__fd(map), path.c_str()) != 0) {
      error = "pin " + path + ": " + errno_text(errno);
      return false;
    }
  }
  for (const auto &l : links ? links_ : std::vector<AttachedLink>{}) {
    const std::string path = dir + "/links/" + l.program;
    if (bpf_link__pin(l.link, path.c_str()) != 0) {
      error = "pin " + path + ": " + errno_text(errno);
      return false;
    }
  }
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

int Enforcer::ring_fd() const { return ring_buffer__epoll_fd(ring_); }

uint64_t Enforcer::dropped() const {
  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0)
    return 0;
  std::vector<__u64> per_cpu(static_cast<size_t>(ncpu));
  __u32 zero = 0;
  bpf_map *drops = bpf_object__find_map_by_name(owner(), "pal_drops");
  if (!drops ||
      bpf_map_lookup_elem(bpf_map__fd(drops), &zero, per_cpu.data()) != 0)
    return 0;
  uint64_t sum = 0;
  for (auto v : per_cpu)
    sum += v;
  return sum;
}

} // namespace palisade::enforce
