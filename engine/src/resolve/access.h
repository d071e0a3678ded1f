// The `access` field's values in the language: an open's intents, one
// PAL_ACCESS_* bit each (the words are abi_names.h's). A comparison names
// intents; the kernel reports the open's mask, and `access in [..]` holds
// when any named bit is set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"
#include "palisade/engine/abi_names.h"

namespace palisade::engine {

// Every intent's name, in bit order: "read", "write", "create", "truncate".
std::vector<std::string> all_access_names();

// The bits of a list of intent names (unknown words add nothing).
uint32_t access_mask(const std::vector<std::string> &names);

// "read|write"; "none" for 0.
std::string access_mask_text(uint32_t mask);

// Checks an `access` literal: one of the intent names, as written (no case
// folding: the language compares bytes). Reports one error at lit.loc with
// a did-you-mean hint and returns nullopt otherwise.
std::optional<std::string> check_access(const dsl::StringLit &lit,
                                        dsl::Diagnostics &diags);

} // namespace palisade::engine
