// Source text and locations shared by every frontend (.rules and YAML), so
// every later check reports errors the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::dsl {

// The text of one input file. Locations point into it without owning it
// (see SourceLocation); its owners hold it by shared_ptr.
struct SourceFile : std::enable_shared_from_this<SourceFile> {
  std::string name; // as given by the user (printed in diagnostics)
  std::string text;
  // Offset of the first byte of each line, set by index_lines() (the parser
  // calls it; call it again after changing `text`). Without it line_text()
  // scans from the start, which is quadratic over the rules of a big file.
  std::vector<size_t> line_starts;

  void index_lines();

  // The text of 1-based line `line`, without its newline.
  std::string_view line_text(uint32_t line) const;
};

// A span in a source file. Lines and columns are 1-based; columns count
// bytes. end_column is exclusive and only meaningful when end_line == line.
//
// `file` does not own the file: an AST has tens of thousands of locations,
// and a refcounted pointer in each cost 8 more bytes and an atomic
// increment per copy. Whatever keeps locations keeps their files alive:
// PolicyFile::source for its AST, Diagnostics for every diagnostic it holds
// (files made by std::make_shared; see Diagnostics), and
// engine::CompiledPolicy::sources for its rule and policy locations.
struct SourceLocation {
  const SourceFile *file = nullptr;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;

  std::string file_name() const { return file ? file->name : "<input>"; }
};

} // namespace palisade::dsl
