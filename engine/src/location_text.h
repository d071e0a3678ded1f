// A source location as hints quote it: "file:line:col".
#pragma once

#include <string>

#include "palisade/dsl/source.h"

namespace palisade::engine {

inline std::string where(const dsl::SourceLocation &loc) {
  return loc.file_name() + ":" + std::to_string(loc.line) + ":" +
         std::to_string(loc.column);
}

} // namespace palisade::engine
