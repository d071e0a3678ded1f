// event_from_json(): the event `enforcectl explain --event` takes.
// Strict (unknown keys, and keys of another event, are errors), so a typo
// cannot silently turn into "binary unknown" and a different verdict.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "access.h"
#include "field_catalog.h"
#include "palisade/engine/explain.h"
#include "paths.h"
#include "suggest.h"

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
  json list = j["access"].is_string() ? json::array({j["access"]}) : j["access"];
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
    error = "unknown event \"" + name + "\" (known: " +
            join_names(event_names()) + ")";
    return false;
  }
  kind = e->abi_id;
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
  static const std::vector<std::string> kKeys = {
      "event",  "kind",           "path",           "binary",
      "access", "target",         "path_truncated", "path_unresolved",
      "target_truncated", "target_unresolved"};
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
  // An unresolved path has no text; every other event has one.
  if (!read_event_path(j, "path", "path_unresolved", "the event's file",
                       ev.path, ev.path_truncated, ev.path_unresolved, error))
    return std::nullopt;
  if (rename && !read_event_path(j, "target", "target_unresolved",
                                 "the new name", ev.target,
                                 ev.target_truncated, ev.target_unresolved,
                                 error))
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
