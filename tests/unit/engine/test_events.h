// Events for evaluator and explain tests, one constructor per kind.
#pragma once

#include <string>

#include <palisade/abi.h>

#include "palisade/engine/evaluate.h"

namespace palisade::engine::test {

inline Event event_of(uint32_t kind, std::string path,
                      std::string binary = "/usr/bin/bash") {
  Event ev;
  ev.kind = kind;
  ev.path = std::move(path);
  ev.binary = std::move(binary);
  return ev;
}

// An open by cat with the PAL_ACCESS_* intents `access`.
inline Event open_of(std::string path, uint32_t access) {
  Event ev = event_of(PAL_EVENT_OPEN, std::move(path), "/usr/bin/cat");
  ev.access = access;
  return ev;
}

// A rename by mv of `from` to `to`.
inline Event rename_of(std::string from, std::string to) {
  Event ev = event_of(PAL_EVENT_RENAME, std::move(from), "/usr/bin/mv");
  ev.target = std::move(to);
  return ev;
}

} // namespace palisade::engine::test
