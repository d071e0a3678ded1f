// Owns the exec BPF object: loads it with the mechanism the probe chose,
// writes compiled policies into its maps with an atomic slot flip, switches
// policy modes with one map write, and hands ring buffer records to a
// callback.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "palisade/engine/compile.h"
#include "palisade/enforce/policy_maps.h"

struct pal_exec;
struct ring_buffer;

namespace palisade::enforce {

class ExecEnforcer {
public:
  // Raw record bytes as the kernel wrote them (struct pal_*_record).
  using RecordHandler = std::function<void(const void *data, size_t size)>;

  ~ExecEnforcer();
  ExecEnforcer(const ExecEnforcer &) = delete;
  ExecEnforcer &operator=(const ExecEnforcer &) = delete;

  struct Options {
    uint32_t mechanism = 0; // PAL_MECH_LSM or PAL_MECH_TP_SIGKILL
    // Ring buffer size in bytes: a power of two, at least one page; 0 keeps
    // PAL_RINGBUF_BYTES. Small values make loss easy to provoke in tests.
    uint32_t ring_bytes = 0;
  };

  // Opens, loads and attaches the programs for options.mechanism. No
  // policy is active until apply(). On failure returns null and sets
  // `error`.
  static std::unique_ptr<ExecEnforcer> create(const Options &options,
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

  uint32_t mechanism() const { return mechanism_; }

private:
  ExecEnforcer() = default;

  pal_exec *skel_ = nullptr;
  ring_buffer *ring_ = nullptr;
  RecordHandler on_record_;
  uint32_t mechanism_ = 0;
  PolicyMaps maps_;
};

} // namespace palisade::enforce
