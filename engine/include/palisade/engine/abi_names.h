// The words for abi.h's numbers, shared by the engine's decoders and
// enforce's event records so each is spelled once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::engine {

// PAL_ACT_* -> "none", "allow", "audit", "deny", "kill"; "invalid" else.
const char *abi_action_name(uint32_t action);

// PAL_EVENT_* -> "exec", "open", ...; "event N" for an unknown one.
std::string abi_event_name(uint32_t event);

// The intents of a PAL_ACCESS_* mask, in bit order: "read", "write",
// "create", "truncate".
std::vector<std::string> access_names(uint32_t mask);

// "write" -> PAL_ACCESS_WRITE; nullopt for an unknown word.
std::optional<uint32_t> access_bit(std::string_view name);

} // namespace palisade::engine
