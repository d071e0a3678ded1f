// The values of the `access` field: an open's intents, one PAL_ACCESS_*
// bit each. A comparison names intents by word; the kernel reports the
// mask of the open, and `access in [..]` holds when any named bit is set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::engine {

// "read", "write", "create", "truncate", in bit order.
const std::vector<std::string> &access_names();

// PAL_ACCESS_* of a name, nullopt for any other word.
std::optional<uint32_t> access_bit(std::string_view name);

// The bits of a list of names (each one of access_names()).
uint32_t access_mask(const std::vector<std::string> &names);

// The names of a mask's bits in bit order; bits past PAL_ACCESS_ALL are
// not named.
std::vector<std::string> access_mask_names(uint32_t mask);

// "read|write"; "none" for 0.
std::string access_mask_text(uint32_t mask);

} // namespace palisade::engine

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::engine {

// Checks an `access` literal: one of access_names(), as written (no case
// folding: the language compares bytes). Reports one error at lit.loc with
// a did-you-mean hint and returns nullopt otherwise.
std::optional<std::string> check_access(const dsl::StringLit &lit,
                                        dsl::Diagnostics &diags);

} // namespace palisade::engine
