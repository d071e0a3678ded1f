// Turns raw ring buffer records into events: JSON objects in the schema of
// docs/events.md (the audit trail and `-o json`) and the compact one-line
// view (`-o compact`). The JSON is the single source; compact is drawn
// from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "palisade/abi.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

class RecordDecoder {
public:
  RecordDecoder(); // measures the boot-clock to wall-clock offset

  // Names for the policies and rules compiled into `slot`.
  void set_catalog(uint32_t slot, const engine::CompiledPolicy &compiled);

  // nullopt for a record too short or of unknown kind.
  std::optional<nlohmann::json> decode(const void *data, size_t size) const;

  // For tests: pin the clock offset.
  void set_boot_to_wall_ns(int64_t offset) { boot_to_wall_ns_ = offset; }

private:
  struct Catalog {
    std::vector<engine::PolicyInfo> policies;
    std::vector<engine::RuleInfo> rules;
    // What the rules' locations point into (they do not own it).
    std::vector<std::shared_ptr<const dsl::SourceFile>> sources;
  };
  nlohmann::json rule_json(const Catalog &c, uint32_t policy,
                           uint32_t rule_id) const;
  void add_decision(nlohmann::json &ev, const pal_decision &d,
                    bool is_exec) const;
  nlohmann::json decode_exec(const pal_exec_record &r) const;
  template <typename Record>
  nlohmann::json decided_event(const Record &r) const;
  nlohmann::json decode_file(const pal_file_record &r) const;
  nlohmann::json decode_net(const pal_net_record &r) const;
  nlohmann::json decode_exit(const pal_exit_record &r) const;
  nlohmann::json process_json(const pal_record_hdr &h) const;

  int64_t boot_to_wall_ns_ = 0;
  Catalog catalogs_[2];
};

// RFC 3339 UTC with nanoseconds: 2026-11-24T23:40:01.123456789Z
std::string format_time(int64_t wall_ns);

// One line, no newline: emoji, kind, binary and args, verdict, policy:line.
std::string compact_line(const nlohmann::json &event);

} // namespace palisade::enforce
