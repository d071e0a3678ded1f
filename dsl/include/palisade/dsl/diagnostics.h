// One diagnostic type for every frontend and pass. Rendered as
//   file:line:col: error: message
//   <the source line, verbatim>
//   <spaces>^~~~            (caret under the first column, ~ under the rest)
//   hint: ...               (zero or more)
// With colour (a terminal), as compilers colour it: the location and the
// message bold, "error:" red, "warning:" magenta, the caret green,
// "hint:" cyan (ANSI SGR sequences); the text is the same.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "palisade/dsl/source.h"

namespace palisade::dsl {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation loc;
  std::string message;
  std::vector<std::string> hints;
};

// Keeps alive every file its diagnostics point into (a location does not own
// its file), so a failed parse or compile can still be rendered after its
// PolicyFiles are gone. A file not held by a shared_ptr (a test's local
// SourceFile) is not kept: its owner must outlive the diagnostics.
class Diagnostics {
public:
  Diagnostic &error(SourceLocation loc, std::string message);
  Diagnostic &warning(SourceLocation loc, std::string message);

  bool ok() const; // no errors (warnings allowed)
  size_t error_count() const;
  const std::vector<Diagnostic> &all() const { return list_; }
  void append(const Diagnostics &other);

  // Every diagnostic in the order reported, each in the format above.
  std::string render(bool color = false) const;

private:
  Diagnostic &add(Severity severity, SourceLocation loc, std::string message);
  void keep(const SourceFile *file);

  std::vector<Diagnostic> list_;
  std::vector<std::shared_ptr<const SourceFile>> files_; // no duplicates
};

std::string render(const Diagnostic &d, bool color = false);

} // namespace palisade::dsl
