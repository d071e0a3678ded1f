// One diagnostic type for every frontend and pass. Rendered as
//   file:line:col: error: message
//   <the source line, verbatim>
//   <spaces>^~~~            (caret under the first column, ~ under the rest)
//   hint: ...               (zero or more)
#pragma once

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

class Diagnostics {
public:
  Diagnostic &error(SourceLocation loc, std::string message);
  Diagnostic &warning(SourceLocation loc, std::string message);

  bool ok() const; // no errors (warnings allowed)
  size_t error_count() const;
  const std::vector<Diagnostic> &all() const { return list_; }
  void append(const Diagnostics &other);

  // Every diagnostic in the order reported, each in the format above.
  std::string render() const;

private:
  std::vector<Diagnostic> list_;
};

std::string render(const Diagnostic &d);

} // namespace palisade::dsl
