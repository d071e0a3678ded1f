// Maps byte offsets of one source text to 1-based line/column locations.
// The parser works with offsets (cheap pointer arithmetic) and converts only
// when it stores a location, so it can use PEGTL's lazy position tracking.
#pragma once

#include <cstddef>
#include <vector>

#include "palisade/dsl/source.h"

namespace palisade::dsl {

class LineIndex {
public:
  // `file` must have its lines indexed (SourceFile::index_lines()).
  explicit LineIndex(const SourceFile &file);

  // The span [begin, end) of the text; end is exclusive.
  SourceLocation span(size_t begin, size_t end) const;
  SourceLocation point(size_t offset) const { return span(offset, offset); }

  const SourceFile *file() const { return file_; }

private:
  void position(size_t offset, uint32_t &line, uint32_t &column) const;

  const SourceFile *file_;
  const std::vector<size_t> &line_starts_; // the file's, from index_lines()
  mutable size_t last_line_ = 0;           // 0-based, of the last position()
};

} // namespace palisade::dsl
