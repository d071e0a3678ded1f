#include "palisade/dsl/diagnostics.h"

#include <algorithm>

namespace palisade::dsl {

Diagnostic &Diagnostics::error(SourceLocation loc, std::string message) {
  return add(Severity::Error, loc, std::move(message));
}

Diagnostic &Diagnostics::warning(SourceLocation loc, std::string message) {
  return add(Severity::Warning, loc, std::move(message));
}

Diagnostic &Diagnostics::add(Severity severity, SourceLocation loc,
                             std::string message) {
  keep(loc.file);
  list_.push_back(Diagnostic{severity, loc, std::move(message), {}});
  return list_.back();
}

void Diagnostics::keep(const SourceFile *file) {
  if (!file)
    return;
  // A handful of files at most: a linear search is enough.
  for (const auto &kept : files_)
    if (kept.get() == file)
      return;
  if (auto owner = file->weak_from_this().lock())
    files_.push_back(std::move(owner));
}

bool Diagnostics::ok() const { return error_count() == 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(
      std::count_if(list_.begin(), list_.end(), [](const Diagnostic &d) {
        return d.severity == Severity::Error;
      }));
}

void Diagnostics::append(const Diagnostics &other) {
  for (const auto &file : other.files_)
    keep(file.get());
  list_.insert(list_.end(), other.list_.begin(), other.list_.end());
}

std::string Diagnostics::render(bool color) const {
  std::string out;
  for (const Diagnostic &d : list_)
    out += dsl::render(d, color);
  return out;
}

namespace {

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

// The caret line: whitespace up to the column (tabs copied from the source
// line so the caret lines up in any tab width), then ^ and one ~ for every
// further column of the span that lies on this line. Columns count bytes;
// UTF-8 continuation bytes get no mark, so multi-byte characters before or
// inside the span keep the caret aligned on a UTF-8 terminal.
std::string caret_line(std::string_view line, const SourceLocation &loc) {
  const size_t start = loc.column - 1; // 0-based
  std::string out;
  for (size_t i = 0; i < start; ++i) {
    if (i >= line.size())
      out += ' ';
    else if (!is_utf8_continuation(line[i]))
      out += line[i] == '\t' ? '\t' : ' ';
  }
  out += '^';

  // A span that continues on later lines is underlined to the line's end;
  // an empty or unset end (end_line 0) gives a lone caret.
  size_t end = 0; // 0-based, exclusive
  if (loc.end_line == loc.line && loc.end_column > loc.column)
    end = loc.end_column - 1;
  else if (loc.end_line > loc.line)
    end = line.size();
  end = std::min(end, line.size());
  for (size_t i = start + 1; i < end; ++i)
    if (!is_utf8_continuation(line[i]))
      out += '~';
  return out;
}

} // namespace

std::string render(const Diagnostic &d, bool color) {
  // SGR: 1 bold, 31 red, 35 magenta, 32 green, 36 cyan, 0 reset.
  auto paint = [color](const char *sgr, const std::string &text) {
    return color ? "\033[" + std::string(sgr) + "m" + text + "\033[0m" : text;
  };
  const bool error = d.severity == Severity::Error;
  std::string where = d.loc.file_name();
  if (d.loc.line > 0)
    where +=
        ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column);
  std::string out =
      paint("1", where + ":") + " " +
      paint(error ? "1;31" : "1;35", error ? "error:" : "warning:") + " " +
      paint("1", d.message) + "\n";

  // Without a position (e.g. an unreadable file) there is no line to show.
  if (d.loc.file && d.loc.line > 0 && d.loc.column > 0) {
    const std::string_view line = d.loc.file->line_text(d.loc.line);
    out += std::string(line) + "\n";
    out += paint("1;32", caret_line(line, d.loc)) + "\n";
  }
  for (const std::string &hint : d.hints)
    out += paint("1;36", "hint:") + " " + hint + "\n";
  return out;
}

} // namespace palisade::dsl
