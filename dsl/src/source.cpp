#include "palisade/dsl/source.h"

#include <algorithm>

namespace palisade::dsl {

void SourceFile::index_lines() {
  line_starts.clear();
  line_starts.reserve(std::count(text.begin(), text.end(), '\n') + 1);
  line_starts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      line_starts.push_back(i + 1);
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0)
    return {};
  std::string_view rest = text;
  if (!line_starts.empty()) {
    if (line > line_starts.size())
      return {}; // past the last line
    rest.remove_prefix(line_starts[line - 1]);
  } else {
    for (uint32_t current = 1; current < line; ++current) {
      const size_t newline = rest.find('\n');
      if (newline == std::string_view::npos)
        return {}; // past the last line
      rest.remove_prefix(newline + 1);
    }
  }
  std::string_view result = rest.substr(0, rest.find('\n'));
  // CRLF files: the '\r' belongs to the line ending, not to the line.
  if (!result.empty() && result.back() == '\r')
    result.remove_suffix(1);
  return result;
}

} // namespace palisade::dsl
