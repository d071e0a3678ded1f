// Synthetic but realistic .rules text for the compile benchmark: deny
// lists of exact paths, `let` sets, `under` directories, and/or/not over
// `path` and `binary`, spread over several enforce and audit policies.
#pragma once

#include <cstdint>
#include <string>

namespace palisade::bench {

struct GeneratedPolicy {
  std::string text;
  int policies = 0;
  int lets = 0;
};

// `rules` rules, the same text for the same arguments. Every comparison is
// drawn from a fixed vocabulary of at most 256 distinct ones (today's
// PAL_MAX_ATOMS), so every size gets through the checks.
GeneratedPolicy generate_policy(int rules, uint32_t seed = 1);

} // namespace palisade::bench
