#include "palisade/enforce/diagnostics_json.h"

#include <nlohmann/json.hpp>

namespace palisade::enforce {

std::string diagnostics_json(const dsl::Diagnostics &diags) {
  // ordered_json keeps the keys in the documented order.
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const dsl::Diagnostic &d : diags.all()) {
    const dsl::SourceLocation &loc = d.loc;
    bool has_end = loc.end_line > 0;
    out.push_back({
        {"file", loc.file_name()},
        {"line", loc.line},
        {"column", loc.column},
        {"end_line", has_end ? loc.end_line : loc.line},
        {"end_column", has_end ? loc.end_column : loc.column},
        {"severity", d.severity == dsl::Severity::Error ? "error" : "warning"},
        {"message", d.message},
        {"hints", d.hints},
    });
  }
  // File names and messages quote the user's bytes, which need not be UTF-8.
  return out.dump(-1, ' ', false,
                  nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace palisade::enforce
