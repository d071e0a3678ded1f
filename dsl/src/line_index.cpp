#include "line_index.h"

#include <algorithm>

namespace palisade::dsl {

LineIndex::LineIndex(const SourceFile &file)
    : file_(&file), line_starts_(file.line_starts) {}

void LineIndex::position(size_t offset, uint32_t &line,
                         uint32_t &column) const {
  offset = std::min(offset, file_->text.size());
  // The parser asks mostly about offsets on the line it asked about last.
  size_t i = last_line_;
  bool on_last = line_starts_[i] <= offset &&
                 (i + 1 == line_starts_.size() || offset < line_starts_[i + 1]);
  if (!on_last) // the last line start that is <= offset
    i = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
        line_starts_.begin() - 1;
  last_line_ = i;
  line = static_cast<uint32_t>(i) + 1;
  column = static_cast<uint32_t>(offset - line_starts_[i]) + 1;
}

SourceLocation LineIndex::span(size_t begin, size_t end) const {
  SourceLocation loc;
  loc.file = file_;
  position(begin, loc.line, loc.column);
  position(std::max(begin, end), loc.end_line, loc.end_column);
  return loc;
}

} // namespace palisade::dsl
