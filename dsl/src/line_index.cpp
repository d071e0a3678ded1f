#include "line_index.h"

#include <algorithm>

namespace palisade::dsl {

LineIndex::LineIndex(std::shared_ptr<const SourceFile> file)
    : file_(std::move(file)) {
  line_starts_.push_back(0);
  const std::string &text = file_->text;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      line_starts_.push_back(i + 1);
}

void LineIndex::position(size_t offset, uint32_t &line,
                         uint32_t &column) const {
  offset = std::min(offset, file_->text.size());
  // The last line start that is <= offset.
  const auto it =
      std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  line = static_cast<uint32_t>(it - line_starts_.begin()) + 1;
  column = static_cast<uint32_t>(offset - *it) + 1;
}

SourceLocation LineIndex::span(size_t begin, size_t end) const {
  SourceLocation loc;
  loc.file = file_;
  position(begin, loc.line, loc.column);
  position(std::max(begin, end), loc.end_line, loc.end_column);
  return loc;
}

} // namespace palisade::dsl
