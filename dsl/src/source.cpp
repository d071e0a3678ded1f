#include "palisade/dsl/source.h"

namespace palisade::dsl {

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0)
    return {};
  std::string_view rest = text;
  for (uint32_t current = 1; current < line; ++current) {
    const size_t newline = rest.find('\n');
    if (newline == std::string_view::npos)
      return {}; // past the last line
    rest.remove_prefix(newline + 1);
  }
  std::string_view result = rest.substr(0, rest.find('\n'));
  // CRLF files: the '\r' belongs to the line ending, not to the line.
  if (!result.empty() && result.back() == '\r')
    result.remove_suffix(1);
  return result;
}

} // namespace palisade::dsl
