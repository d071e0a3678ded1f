#include "catalog/field_catalog.h"

#include <palisade/abi.h>

namespace palisade::engine {
namespace {

constexpr uint32_t bit(uint32_t event) { return 1u << event; }

constexpr uint32_t kFileEvents = bit(PAL_EVENT_EXEC) | bit(PAL_EVENT_OPEN) |
                                 bit(PAL_EVENT_UNLINK) | bit(PAL_EVENT_RENAME) |
                                 bit(PAL_EVENT_CHMOD) | bit(PAL_EVENT_CHOWN);
constexpr uint32_t kNetEvents =
    bit(PAL_EVENT_CONNECT) | bit(PAL_EVENT_BIND) | bit(PAL_EVENT_LISTEN);
constexpr uint32_t kAllEvents = kFileEvents | kNetEvents;

constexpr EventSpec kEvents[] = {
    {"exec", PAL_EVENT_EXEC, PAL_HOOK_EXEC,
     "a binary is being executed (execve, execveat)",
     "the file being executed"},
    {"open", PAL_EVENT_OPEN, PAL_HOOK_FILE,
     "a file is opened (open, openat, openat2, creat, also for exec's own "
     "open)",
     "the file being opened"},
    {"unlink", PAL_EVENT_UNLINK, PAL_HOOK_FILE,
     "a name is removed (unlink, unlinkat, not rmdir)", "the name removed"},
    {"rename", PAL_EVENT_RENAME, PAL_HOOK_FILE,
     "a file is renamed or moved (path: old name, target: new name)",
     "the old name"},
    {"chmod", PAL_EVENT_CHMOD, PAL_HOOK_FILE,
     "a file's mode bits change (chmod, fchmod, fchmodat)",
     "the file whose mode changes"},
    {"chown", PAL_EVENT_CHOWN, PAL_HOOK_FILE,
     "a file's owner or group changes (chown, fchown, lchown, fchownat)",
     "the file whose owner changes"},
    {"connect", PAL_EVENT_CONNECT, PAL_HOOK_NET,
     "a socket connects (connect), or sends to an address without being "
     "connected (UDP sendto, sendmsg)",
     ""},
    {"bind", PAL_EVENT_BIND, PAL_HOOK_NET,
     "a socket is bound to a local address (bind)", ""},
    {"listen", PAL_EVENT_LISTEN, PAL_HOOK_LISTEN,
     "a socket starts accepting connections (listen)", ""},
};

constexpr FieldSpec kFields[] = {
    {"path", FieldType::Path, kFileEvents, PAL_FIELD_PATH,
     "the event's file, as the kernel resolved it"},
    {"binary", FieldType::Path, kAllEvents, PAL_FIELD_BINARY,
     "the executable of the acting process (for exec: the one being "
     "replaced)"},
    {"parent.binary", FieldType::Path, kAllEvents, PAL_FIELD_PARENT_BINARY,
     "the executable of the acting process's parent (unknown for a child "
     "of a kernel thread: no rule on it holds)"},
    {"target", FieldType::Path, bit(PAL_EVENT_RENAME), PAL_FIELD_TARGET,
     "the new name, as the kernel resolved it"},
    {"access", FieldType::Access, bit(PAL_EVENT_OPEN), PAL_FIELD_ACCESS,
     "what the open may do: any of read, write, create, truncate"},
    {"port", FieldType::Port, kNetEvents, PAL_FIELD_PORT,
     "connect: the remote port; bind, listen: the local port (0..65535)"},
    {"address", FieldType::Address, kNetEvents, PAL_FIELD_ADDRESS,
     "connect: the remote address; bind, listen: the local one (IPv4 or "
     "IPv6, an IPv4-mapped IPv6 address counts as IPv4)"},
    {"protocol", FieldType::Protocol, kNetEvents, PAL_FIELD_PROTOCOL,
     "the socket's protocol: tcp or udp"},
    {"family", FieldType::Family, kNetEvents, PAL_FIELD_FAMILY,
     "the socket's address family: ipv4 or ipv6"},
    // Last: the field every event has that was added after the others.
    {"cgroup", FieldType::Path, kAllEvents, PAL_FIELD_CGROUP,
     "the acting process's cgroup v2 path, e.g. "
     "/system.slice/docker-<id>.scope (\"/\" is the root)"},
    // The acting task's identity, on every event.
    {"uid", FieldType::Id, kAllEvents, PAL_FIELD_UID, "real user id"},
    {"gid", FieldType::Id, kAllEvents, PAL_FIELD_GID, "real group id"},
    {"euid", FieldType::Id, kAllEvents, PAL_FIELD_EUID, "effective user id"},
    {"pid", FieldType::Id, kAllEvents, PAL_FIELD_PID,
     "process id (thread group)"},
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

std::vector<std::string> event_names(const FieldSpec &field) {
  std::vector<std::string> out;
  for (const auto &e : kEvents)
    if (field_in_event(field, e))
      out.emplace_back(e.name);
  return out;
}

} // namespace palisade::engine
