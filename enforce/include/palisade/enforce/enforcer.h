// Owns the BPF objects: exec (always) and file (when a mechanism for file
// events runs here), loaded with the mechanisms the probe chose and sharing
// one set of policy maps; writes compiled policies into them with an atomic
// slot flip, switches policy modes with one map write, and hands ring
// buffer records to a callback.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "palisade/engine/compile.h"
#include "palisade/enforce/policy_maps.h"

struct pal_exec;
struct pal_file;
struct ring_buffer;

namespace palisade::enforce {

class Enforcer {
public:
  // Raw record bytes as the kernel wrote them (struct pal_*_record).
  using RecordHandler = std::function<void(const void *data, size_t size)>;

  ~Enforcer();
  Enforcer(const Enforcer &) = delete;
  Enforcer &operator=(const Enforcer &) = delete;

  struct Options {
    uint32_t exec_mechanism = 0; // PAL_MECH_LSM, _FMOD_RET or _TP_SIGKILL
    uint32_t file_mechanism = 0; // PAL_MECH_LSM, _FMOD_RET or _NONE
    // Ring buffer size in bytes: a power of two, at least one page; 0 keeps
    // PAL_RINGBUF_BYTES. Small values make loss easy to provoke in tests.
    uint32_t ring_bytes = 0;
  };

  // Opens, loads and attaches the programs for the options' mechanisms. No
  // policy is active until apply(). On failure returns null and sets
  // `error`.
  static std::unique_ptr<Enforcer> create(const Options &options,
                                              RecordHandler on_record,
                                              std::string &error);

  // Writes `compiled` (built for inactive_slot()) and makes it active in
  // one write. On failure the previously active policy stays in force.
  bool apply(const engine::CompiledPolicy &compiled, std::string &error);

  // The slot the next apply() must be compiled for.
  uint32_t inactive_slot() const { return maps_.inactive_slot(); }
  const PolicyMapSet &policy_maps() const { return maps_.map_set(); }

  // Switches one policy of the active slot between enforce and audit.
  bool set_mode(uint32_t policy_index, dsl::Mode mode, std::string &error);

  // Waits up to timeout_ms for records and delivers them. Returns the
  // number delivered, or negative errno (-EINTR on a signal).
  int poll(int timeout_ms);

  // Records the kernel could not put into the ring buffer, all CPUs.
  uint64_t dropped() const;

  uint32_t exec_mechanism() const { return exec_mechanism_; }
  uint32_t file_mechanism() const { return file_mechanism_; }

private:
  Enforcer() = default;

  bool load_file_object(std::string &error);

  pal_exec *skel_ = nullptr;
  pal_file *file_skel_ = nullptr;
  ring_buffer *ring_ = nullptr;
  RecordHandler on_record_;
  uint32_t exec_mechanism_ = 0, file_mechanism_ = 0;
  PolicyMaps maps_;
};

} // namespace palisade::enforce
