// Reads a compiled image's canonical JSON (engine/src/image/canonical_json.cpp)
// the way the entry tests look at it.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace palisade::engine::test {

// The canonical JSON's entries of `field`, by value text.
inline std::map<std::string, nlohmann::json> entries_of(const nlohmann::json &j,
                                                        const char *field) {
  std::map<std::string, nlohmann::json> out;
  for (const auto &e : j["entries"])
    if (e["field"] == field)
      out[e["value"].get<std::string>()] = e;
  return out;
}

} // namespace palisade::engine::test
