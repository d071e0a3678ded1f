#include "palisade/engine/abi_names.h"

#include <palisade/abi.h>

#include "catalog/field_catalog.h"

namespace palisade::engine {
namespace {

struct AccessWord {
  uint32_t bit;
  std::string_view name;
};

constexpr AccessWord kAccess[] = {
    {PAL_ACCESS_READ, "read"},
    {PAL_ACCESS_WRITE, "write"},
    {PAL_ACCESS_CREATE, "create"},
    {PAL_ACCESS_TRUNCATE, "truncate"},
};

} // namespace

const char *abi_action_name(uint32_t action) {
  switch (action) {
  case PAL_ACT_ALLOW:
    return "allow";
  case PAL_ACT_AUDIT:
    return "audit";
  case PAL_ACT_DENY:
    return "deny";
  case PAL_ACT_KILL:
    return "kill";
  case PAL_ACT_NONE:
    return "none";
  default:
    return "invalid"; // bytes no compile writes
  }
}

std::string abi_event_name(uint32_t event) {
  const EventSpec *e = find_event(event);
  return e ? std::string(e->name) : "event " + std::to_string(event);
}

std::vector<std::string> access_names(uint32_t mask) {
  std::vector<std::string> out;
  for (const auto &w : kAccess)
    if (mask & w.bit)
      out.emplace_back(w.name);
  return out;
}

std::optional<uint32_t> access_bit(std::string_view name) {
  for (const auto &w : kAccess)
    if (w.name == name)
      return w.bit;
  return std::nullopt;
}

} // namespace palisade::engine
