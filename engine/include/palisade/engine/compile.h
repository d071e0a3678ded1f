// The engine: AST in, plain-data map image out. Pure: no libbpf, no files,
// no kernel. See docs/abi.md for the map layout it produces.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::engine {

// What the running kernel can do, filled by enforce's feature probe and
// passed in so the engine never touches the kernel itself.
struct TargetCaps {
  uint32_t exec_mechanism = 0; // PAL_MECH_*; 0 = not known (check only)
};

struct MapEntry {
  std::vector<uint8_t> key;
  std::vector<uint8_t> value;
};

// Map name -> entries sorted by key bytes. Everything the loader writes for
// one slot. Deterministic: the same input gives the same bytes.
struct MapImage {
  uint32_t slot = 0;
  std::map<std::string, std::vector<MapEntry>> maps;
};

struct PolicyInfo {
  std::string name;
  dsl::Mode mode = dsl::Mode::Enforce;
  uint32_t index = 0; // pal_rule.policy / index into the "policies" map
  dsl::SourceLocation loc;
};

// What userspace needs to turn a kernel rule_id back into words.
struct RuleInfo {
  uint32_t rule_id = 0;
  uint32_t policy_index = 0;
  dsl::Action action = dsl::Action::Deny;
  std::string event;
  std::string message;      // the rule's message, may be empty
  std::string label;        // the rule's label (`no-nc:`), may be empty
  dsl::SourceLocation loc;  // of the rule
  std::string source_text;  // the rule's source line(s), trimmed
};

struct CompiledPolicy {
  MapImage image;
  uint32_t n_rules = 0; // pal_slot.n_rules
  std::vector<PolicyInfo> policies;
  std::vector<RuleInfo> rules; // indexed by rule_id
  // The files the locations above point into (a location does not own its
  // file): whoever copies `policies` or `rules` keeps these with them.
  std::vector<std::shared_ptr<const dsl::SourceFile>> sources;
};

// Compiles every policy of every file into one image for `slot`. Returns
// nullopt when any error was reported to `diags` (warnings do not fail).
std::optional<CompiledPolicy> compile(const std::vector<dsl::PolicyFile> &files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags);

// Canonical JSON of an image, decoded through abi.h into named fields.
// Used for golden tests and `enforcectl compile --json`.
std::string to_canonical_json(const CompiledPolicy &compiled);

} // namespace palisade::engine
