// event_from_json(): the event `enforcectl explain --event` takes.
// Strict (unknown keys, and keys of another event, are errors), so a typo
// cannot silently turn into "binary unknown" and a different verdict.
#include <algorithm>

#include <arpa/inet.h>
#include <nlohmann/json.hpp>

#include "catalog/field_catalog.h"
#include "catalog/suggest.h"
#include "palisade/engine/explain.h"
#include "resolve/access.h"
#include "resolve/paths.h"

namespace palisade::engine {
namespace {

using nlohmann::json;

// Reads an optional boolean member; false with `error` set on a bad type.
bool read_flag(const json &j, const char *key, bool &out, std::string &error) {
  if (!j.contains(key))
    return true;
  if (!j[key].is_boolean()) {
    error = std::string("\"") + key + "\" must be true or false";
    return false;
  }
  out = j[key].get<bool>();
  return true;
}

// Reads a path member; false with `error` set unless it is absolute.
bool read_path(const json &j, const char *key, std::string &out,
               std::string &error) {
  if (!j[key].is_string()) {
    error = std::string("\"") + key + "\" must be a string";
    return false;
  }
  out = j[key].get<std::string>();
  if (out.empty() || out[0] != '/') {
    error = std::string("\"") + key +
            "\" must be an absolute path, as the kernel resolves it";
    return false;
  }
  // The kernel reports resolved paths; any other form would silently
  // match nothing that the real event matches.
  if (out.find('\0') != std::string::npos || lexically_clean(out) != out) {
    error = std::string("\"") + key + "\" is not a resolved path (no '.', " +
            "'..', empty components or trailing '/'); did you mean \"" +
            lexically_clean(out.substr(0, out.find('\0'))) + "\"?";
    return false;
  }
  return true;
}

// A path member that may be unresolved instead (then it may be missing).
bool read_event_path(const json &j, const char *key, const char *flag,
                     const char *what, std::string &out, bool &truncated,
                     bool &unresolved, std::string &error) {
  if (!read_flag(j, (std::string(key) + "_truncated").c_str(), truncated,
                 error) ||
      !read_flag(j, flag, unresolved, error))
    return false;
  if (j.contains(key))
    return read_path(j, key, out, error);
  if (unresolved)
    return true;
  error = std::string("the event needs \"") + key + "\": " + what;
  return false;
}

// "access": ["read", "write"] (or one string) into PAL_ACCESS_* bits.
bool read_access(const json &j, uint32_t &out, std::string &error) {
  json list =
      j["access"].is_string() ? json::array({j["access"]}) : j["access"];
  if (!list.is_array()) {
    error = "\"access\" must be a list of intents, e.g. [\"read\", \"write\"]";
    return false;
  }
  for (const auto &v : list) {
    auto bit = v.is_string() ? access_bit(v.get<std::string>()) : std::nullopt;
    if (!bit) {
      error = "unknown access " + v.dump() +
              " (known: " + join_names(all_access_names()) + ")";
      return false;
    }
    out |= *bit;
  }
  return true;
}

// The event kind: "event", or "kind" as it was called when exec was the
// only one; exec when neither is there.
bool read_kind(const json &j, uint32_t &kind, std::string &error) {
  if (j.contains("kind") && j.contains("event") && j["kind"] != j["event"]) {
    error = "\"kind\" and \"event\" name different events";
    return false;
  }
  const char *key = j.contains("event") ? "event" : "kind";
  std::string name = "exec";
  if (j.contains(key)) {
    if (!j[key].is_string()) {
      error = std::string("\"") + key + "\" must be a string";
      return false;
    }
    name = j[key].get<std::string>();
  }
  const EventSpec *e = find_event(name);
  if (!e) {
    error = "unknown event \"" + name +
            "\" (known: " + join_names(event_names()) + ")";
    return false;
  }
  kind = e->abi_id;
  return true;
}

// The network members: "address" (one IPv4 or IPv6 address), "port",
// "protocol" (default tcp), "family" (default: the address's).
bool read_network(const json &j, Event &ev, std::string &error) {
  for (const char *key : {"address", "port"})
    if (!j.contains(key)) {
      error = std::string("the event needs \"") + key + "\": the " +
              (ev.kind == PAL_EVENT_CONNECT ? "remote" : "local") + " " +
              (key[0] == 'a' ? "address, e.g. \"10.1.2.3\"" : "port, e.g. 443");
      return false;
    }
  if (!j["address"].is_string()) {
    error = "\"address\" must be a string, e.g. \"10.1.2.3\" or \"::1\"";
    return false;
  }
  const std::string addr = j["address"].get<std::string>();
  bool dotted = false;
  ev.address = {};
  if (inet_pton(AF_INET, addr.c_str(), ev.address.data() + 12) == 1) {
    dotted = true;
    ev.address[10] = ev.address[11] = 0xff; // as the kernel reports IPv4
  } else if (inet_pton(AF_INET6, addr.c_str(), ev.address.data()) != 1) {
    error = "\"address\" is not an IP address: \"" + addr +
            "\" (one address, no prefix length)";
    return false;
  }
  const json &port = j["port"];
  if (!port.is_number_integer() || port.get<int64_t>() < 0 ||
      port.get<int64_t>() > 65535) {
    error = "\"port\" must be a number 0..65535";
    return false;
  }
  ev.port = static_cast<uint16_t>(port.get<int64_t>());
  ev.protocol = 6;
  if (j.contains("protocol")) {
    std::string p =
        j["protocol"].is_string() ? j["protocol"].get<std::string>() : "";
    if (p != "tcp" && p != "udp") {
      error = "\"protocol\" must be \"tcp\" or \"udp\"";
      return false;
    }
    ev.protocol = p == "tcp" ? 6 : 17;
  }
  // An IPv4-mapped IPv6 address ("::ffff:10.1.2.3") is an IPv6 socket's:
  // its family is ipv6, its address matches IPv4 rules.
  ev.family = dotted ? 4 : 6;
  if (j.contains("family")) {
    std::string f =
        j["family"].is_string() ? j["family"].get<std::string>() : "";
    if (f != "ipv4" && f != "ipv6") {
      error = "\"family\" must be \"ipv4\" or \"ipv6\"";
      return false;
    }
    if (f == "ipv4" && !dotted) {
      error = "an ipv4 event has a dotted IPv4 address, not \"" + addr + "\"";
      return false;
    }
    ev.family = f == "ipv4" ? 4 : 6;
  }
  return true;
}

// The acting task's identity: "uid", "gid", "euid", "pid", each a number
// 0..4294967295, default 0.
bool read_ids(const json &j, Event &ev, std::string &error) {
  const std::pair<const char *, uint32_t *> ids[] = {
      {"uid", &ev.uid}, {"gid", &ev.gid}, {"euid", &ev.euid}, {"pid", &ev.pid}};
  for (const auto &[key, out] : ids) {
    *out = 0;
    if (!j.contains(key))
      continue;
    const json &v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
        v.get<int64_t>() > 4294967295LL) {
      error = std::string("\"") + key + "\" must be a number 0..4294967295";
      return false;
    }
    *out = static_cast<uint32_t>(v.get<int64_t>());
  }
  return true;
}

} // namespace

std::optional<Event> event_from_json(const std::string &text,
                                     std::string &error) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "the event is not valid JSON";
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = "the event must be a JSON object";
    return std::nullopt;
  }
  static const std::vector<std::string> kKeys = {"event",
                                                 "kind",
                                                 "path",
                                                 "binary",
                                                 "access",
                                                 "target",
                                                 "path_truncated",
                                                 "path_unresolved",
                                                 "target_truncated",
                                                 "target_unresolved",
                                                 "cgroup",
                                                 "parent_binary",
                                                 "address",
                                                 "port",
                                                 "protocol",
                                                 "family",
                                                 "uid",
                                                 "gid",
                                                 "euid",
                                                 "pid"};
  for (const auto &[key, value] : j.items())
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      error = "unknown key \"" + key +
              "\" in the event (known: " + join_names(kKeys) + ")";
      return std::nullopt;
    }
  Event ev;
  if (!read_kind(j, ev.kind, error))
    return std::nullopt;
  const bool rename = ev.kind == PAL_EVENT_RENAME;
  const bool open = ev.kind == PAL_EVENT_OPEN;
  for (const char *key : {"target", "target_truncated", "target_unresolved"})
    if (!rename && j.contains(key)) {
      error = std::string("\"") + key + "\" is only for rename events";
      return std::nullopt;
    }
  if (!open && j.contains("access")) {
    error = "\"access\" is only for open events";
    return std::nullopt;
  }
  const bool net = ev.kind >= PAL_EVENT_CONNECT && ev.kind <= PAL_EVENT_LISTEN;
  for (const char *key : {"address", "port", "protocol", "family"})
    if (!net && j.contains(key)) {
      error = std::string("\"") + key +
              "\" is only for network events (connect, bind, listen)";
      return std::nullopt;
    }
  for (const char *key : {"path", "path_truncated", "path_unresolved"})
    if (net && j.contains(key)) {
      error = std::string("\"") + key +
              "\" is not for network events: they have no file";
      return std::nullopt;
    }
  ev.cgroup_known = j.contains("cgroup") && !j["cgroup"].is_null();
  if (ev.cgroup_known && !read_path(j, "cgroup", ev.cgroup, error))
    return std::nullopt;
  if (!ev.cgroup_known)
    ev.cgroup.clear();
  ev.parent_binary_known =
      j.contains("parent_binary") && !j["parent_binary"].is_null();
  if (ev.parent_binary_known &&
      !read_path(j, "parent_binary", ev.parent_binary, error))
    return std::nullopt;
  if (!ev.parent_binary_known)
    ev.parent_binary.clear();
  if (!read_ids(j, ev, error))
    return std::nullopt;
  if (net) {
    ev.path.clear();
    if (!read_network(j, ev, error))
      return std::nullopt;
    ev.binary_known = j.contains("binary") && !j["binary"].is_null();
    if (ev.binary_known && !read_path(j, "binary", ev.binary, error))
      return std::nullopt;
    return ev;
  }
  // An unresolved path has no text; every other event has one.
  if (!read_event_path(j, "path", "path_unresolved", "the event's file",
                       ev.path, ev.path_truncated, ev.path_unresolved, error))
    return std::nullopt;
  if (rename && !read_event_path(j, "target", "target_unresolved",
                                 "the new name", ev.target, ev.target_truncated,
                                 ev.target_unresolved, error))
    return std::nullopt;
  // Every open has its intents; a missing list would quietly decide as if
  // it had none.
  if (open) {
    if (!j.contains("access")) {
      error = "the event needs \"access\": the open's intents, e.g. "
              "[\"read\"] (known: " +
              join_names(all_access_names()) + ")";
      return std::nullopt;
    }
    if (!read_access(j, ev.access, error))
      return std::nullopt;
  }
  ev.binary_known = j.contains("binary") && !j["binary"].is_null();
  if (ev.binary_known && !read_path(j, "binary", ev.binary, error))
    return std::nullopt;
  return ev;
}

} // namespace palisade::engine
