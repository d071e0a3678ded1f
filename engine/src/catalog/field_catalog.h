// The one table of events and fields. Name resolution, "did you mean"
// hints, lowering (ABI ids) and the JSON decoder all read it, so adding a
// field is one row here plus its matcher in bpf/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::engine {

// How a field's values are written and compared.
// resolve.cpp sizes a per-type cache by the last type (Id).
enum class FieldType {
  Path,     // canonical absolute paths, exact or `under`
  Access,   // open intents (access.h): holds when any named intent is there
  Port,     // numbers 0..65535 and ranges; ordering operators
  Address,  // IP addresses and CIDRs (strings)
  Protocol, // "tcp" / "udp"
  Family,   // "ipv4" / "ipv6"
  Id,       // uid, gid, euid, pid: numbers 0..4294967295 and ranges; ordering
};

// Whether `under` applies: the path-typed fields (path, binary, target,
// cgroup, parent.binary).
inline bool is_path_type(FieldType t) { return t == FieldType::Path; }

struct EventSpec {
  std::string_view name;
  uint32_t abi_id; // PAL_EVENT_*
  uint32_t hook;   // PAL_HOOK_*: whose mechanism enforces rules of it
  std::string_view description;
  std::string_view path_is; // what `path` names in this event; "": none
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  uint32_t events; // bit (1 << PAL_EVENT_*) per event that provides it
  uint8_t abi_id;  // PAL_FIELD_*: byte 1 of an LPM key
  std::string_view description;
};

std::span<const EventSpec> event_catalog();
std::span<const FieldSpec> field_catalog();

const EventSpec *find_event(std::string_view name);
const EventSpec *find_event(uint32_t abi_id);
const FieldSpec *find_field(std::string_view name);
const FieldSpec *find_field(uint8_t abi_id);

bool field_in_event(const FieldSpec &field, const EventSpec &event);

// Names of the fields an event provides, in catalog order.
std::vector<std::string> field_names(const EventSpec &event);
std::vector<std::string> event_names();
// Names of the events that provide `field`, in catalog order.
std::vector<std::string> event_names(const FieldSpec &field);

} // namespace palisade::engine
