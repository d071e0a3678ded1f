#include "field_catalog.h"

#include <palisade/abi.h>

namespace palisade::engine {
namespace {

constexpr uint32_t bit(uint32_t event) { return 1u << event; }

constexpr EventSpec kEvents[] = {
    {"exec", PAL_EVENT_EXEC, "a binary is being executed (execve, execveat)"},
};

constexpr FieldSpec kFields[] = {
    {"path", FieldType::Path, bit(PAL_EVENT_EXEC), PAL_FIELD_PATH,
     "the file being executed, as the kernel resolved it"},
    {"binary", FieldType::Path, bit(PAL_EVENT_EXEC), PAL_FIELD_BINARY,
     "the executable of the acting process (before the exec)"},
};

} // namespace

std::span<const EventSpec> event_catalog() { return kEvents; }
std::span<const FieldSpec> field_catalog() { return kFields; }

const EventSpec *find_event(std::string_view name) {
  for (const auto &e : kEvents)
    if (e.name == name)
      return &e;
  return nullptr;
}

const EventSpec *find_event(uint32_t abi_id) {
  for (const auto &e : kEvents)
    if (e.abi_id == abi_id)
      return &e;
  return nullptr;
}

const FieldSpec *find_field(std::string_view name) {
  for (const auto &f : kFields)
    if (f.name == name)
      return &f;
  return nullptr;
}

const FieldSpec *find_field(uint8_t abi_id) {
  for (const auto &f : kFields)
    if (f.abi_id == abi_id)
      return &f;
  return nullptr;
}

bool field_in_event(const FieldSpec &field, const EventSpec &event) {
  return (field.events & bit(event.abi_id)) != 0;
}

std::vector<std::string> field_names(const EventSpec &event) {
  std::vector<std::string> out;
  for (const auto &f : kFields)
    if (field_in_event(f, event))
      out.emplace_back(f.name);
  return out;
}

std::vector<std::string> event_names() {
  std::vector<std::string> out;
  for (const auto &e : kEvents)
    out.emplace_back(e.name);
  return out;
}

} // namespace palisade::engine
