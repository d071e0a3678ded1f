// A compiled policy set: the map image and what userspace needs to turn
// the kernel's rule ids back into policies, rules and source locations.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/engine/map_image.h"

namespace palisade::engine {

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
  std::string message;     // the rule's message, may be empty
  std::string label;       // the rule's label (`no-nc:`), may be empty
  dsl::SourceLocation loc; // of the rule
  std::string source_text; // the rule's source line(s), trimmed
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

} // namespace palisade::engine
