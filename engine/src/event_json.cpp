// exec_event_from_json(): the event `enforcectl explain --event` takes.
// Strict (unknown keys are errors), so a typo cannot silently turn into
// "binary unknown" and a different verdict.
#include <nlohmann/json.hpp>

#include "palisade/engine/explain.h"
#include "paths.h"

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
  // match nothing that the real exec matches.
  if (out.find('\0') != std::string::npos || lexically_clean(out) != out) {
    error = std::string("\"") + key + "\" is not a resolved path (no '.', " +
            "'..', empty components or trailing '/'); did you mean \"" +
            lexically_clean(out.substr(0, out.find('\0'))) + "\"?";
    return false;
  }
  return true;
}

} // namespace

std::optional<ExecEvent> exec_event_from_json(const std::string &text,
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
  for (const auto &[key, value] : j.items())
    if (key != "kind" && key != "path" && key != "binary" &&
        key != "path_truncated" && key != "path_unresolved") {
      error = "unknown key \"" + key +
              "\" in the event (known: kind, path, binary, path_truncated, "
              "path_unresolved)";
      return std::nullopt;
    }
  if (!j.contains("kind") || !j["kind"].is_string()) {
    error = "the event needs \"kind\": \"exec\"";
    return std::nullopt;
  }
  if (j["kind"] != "exec") {
    error = "unknown event kind \"" + j["kind"].get<std::string>() +
            "\" (known: exec)";
    return std::nullopt;
  }
  ExecEvent ev;
  if (!read_flag(j, "path_truncated", ev.path_truncated, error) ||
      !read_flag(j, "path_unresolved", ev.path_unresolved, error))
    return std::nullopt;
  // An unresolved path has no text; every other exec has one.
  if (j.contains("path")) {
    if (!read_path(j, "path", ev.path, error))
      return std::nullopt;
  } else if (!ev.path_unresolved) {
    error = "the event needs \"path\": the executed file";
    return std::nullopt;
  }
  ev.binary_known = j.contains("binary") && !j["binary"].is_null();
  if (ev.binary_known && !read_path(j, "binary", ev.binary, error))
    return std::nullopt;
  return ev;
}

} // namespace palisade::engine
