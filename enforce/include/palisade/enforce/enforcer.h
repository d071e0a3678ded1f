// Owns the BPF objects: exec (always), file and net when a program of
// theirs serves a hook with the chosen mechanism, all sharing the exec
// object's maps. What is loaded and attached comes from the program table
// (program_table.h) alone. Writes compiled policies into the maps with an
// atomic slot flip, switches policy modes with one map write, hands ring
// buffer records to a callback, and pins its maps (and links) by name.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "palisade/abi.h"
#include "palisade/enforce/policy_maps.h"
#include "palisade/enforce/program_table.h"
#include "palisade/engine/compile.h"

struct ring_buffer;
struct bpf_link;
struct bpf_object;

namespace palisade::enforce {

class Enforcer {
public:
  // Raw record bytes as the kernel wrote them (struct pal_*_record).
  using RecordHandler = std::function<void(const void *data, size_t size)>;

  ~Enforcer();
  Enforcer(const Enforcer &) = delete;
  Enforcer &operator=(const Enforcer &) = delete;

  struct Options {
    // PAL_MECH_* per PAL_HOOK_*: exec: LSM, FMOD_RET or TP_SIGKILL; file:
    // LSM, FMOD_RET, TP_SIGKILL (opens only) or NONE; listen: LSM,
    // FMOD_RET or NONE; net: CGROUP or NONE.
    std::array<uint32_t, PAL_HOOKS> mechanisms{};
    std::string cgroup_root; // where the net programs attach
    // Ring buffer size in bytes: a power of two, at least one page; 0 keeps
    // PAL_RINGBUF_BYTES. Small values make loss easy to provoke in tests.
    uint32_t ring_bytes = 0;
    // Capacity of the "held", "exact" and "values" hashes (both slots),
    // whose bucket tables are allocated up front: 0 keeps the ABI's full
    // size (16 MB). sized_for() fits them to a policy; a later, bigger
    // apply then fails cleanly and the running policy stays.
    uint32_t held_entries = 0, exact_entries = 0, value_entries = 0;
    void sized_for(const engine::CompiledPolicy &compiled);
  };

  // Opens, loads and attaches the programs for the options' mechanisms. No
  // policy is active until apply(). On failure returns null and sets
  // `error`.
  static std::unique_ptr<Enforcer>
  create(const Options &options, RecordHandler on_record, std::string &error);

  // Takes over the enforcement an earlier process pinned under `dir`
  // with pin(dir, true): loads and attaches nothing, so the kernel keeps
  // the same programs and links; their maps become this Enforcer's, the
  // next apply() goes into their inactive slot, and the records buffered
  // while nobody read the ring come first from poll(). Null, with
  // `error`, when the pins are not this build's programs for
  // `mechanisms` (then a new Enforcer replaces them).
  static std::unique_ptr<Enforcer>
  adopt(const std::string &dir,
        const std::array<uint32_t, PAL_HOOKS> &mechanisms,
        RecordHandler on_record, std::string &error);

  // Writes `compiled` (built for inactive_slot()) with the canonical names
  // by inode of the files its rules name (stat()ed here) and makes it
  // active in one write. On failure the previously active policy stays in
  // force.
  bool apply(const engine::CompiledPolicy &compiled, std::string &error);
  // What the last apply() could not match by inode (InodeTable::notes).
  const std::vector<std::string> &inode_notes() const { return inode_notes_; }
  // Files the last apply() matches by inode.
  size_t inode_count() const { return inode_count_; }

  // The slot the next apply() must be compiled for.
  uint32_t inactive_slot() const { return maps_.inactive_slot(); }
  const PolicyMapSet &policy_maps() const { return maps_.map_set(); }

  // Switches one policy of the active slot between enforce and audit.
  bool set_mode(uint32_t policy_index, dsl::Mode mode, std::string &error);

  // Each active rule's counts, by rule_id (PolicyMaps::hits).
  std::vector<pal_rule_hits> hits() const { return maps_.hits(); }
  // The adopted active slot holds `compiled` (PolicyMaps::describe_active).
  void describe_active(const engine::CompiledPolicy &compiled) {
    maps_.describe_active(compiled);
  }

  // Waits up to timeout_ms for records and delivers them. Returns the
  // number delivered, or negative errno (-EINTR on a signal).
  int poll(int timeout_ms);

  // The ring buffer's epoll fd: readable when poll() has records.
  int ring_fd() const;

  // Records the kernel could not put into the ring buffer, all CPUs.
  uint64_t dropped() const;

  uint32_t mechanism(uint32_t hook) const {
    return options_.mechanisms.at(hook);
  }

  // The programs attached, by name, in attach order (adopted: by name).
  std::vector<std::string> attached_programs() const;
  // The slot whose policy is in force (of the adopted enforcement too).
  uint32_t active_slot() const { return maps_.active_slot(); }

  // Pins every map of the exec object (the ones all programs share) as
  // `dir`/maps/<map name> and, with `links`, every link as
  // `dir`/links/<program name>: pinned links keep the programs attached
  // after this process ends. Removing the files undoes it.
  bool pin(const std::string &dir, bool links, std::string &error) const;

private:
  Enforcer() = default;

  struct LoadedObject {
    std::string name;
    bpf_object *obj = nullptr;
  };
  struct AttachedLink {
    std::string program;
    bpf_link *link = nullptr; // null when adopted: its pin holds it
  };

  // Opens `bytes` and loads the programs of it the table selects; does
  // nothing when it selects none.
  bool load(const BpfObjectBytes &bytes, std::string &error);
  // Sizes the maps of the first object, the owner of the shared ones.
  bool size_maps(bpf_object *obj, std::string &error);
  // Makes `obj` use the first object's maps of the same name (lib/maps.h).
  bool share_maps(bpf_object *obj, std::string &error);
  bool attach_selected(std::string &error);
  // The ring buffer over the owner's pal_events.
  bool open_ring(std::string &error);
  bpf_object *owner() const { return objects_.front().obj; }

  Options options_;
  std::vector<LoadedObject> objects_; // [0] is exec, the maps' owner
  std::vector<AttachedLink> links_;
  int cgroup_fd_ = -1;
  ring_buffer *ring_ = nullptr;
  RecordHandler on_record_;
  PolicyMaps maps_;
  std::vector<std::string> inode_notes_;
  size_t inode_count_ = 0;
};

} // namespace palisade::enforce
