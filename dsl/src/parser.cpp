// The PEGTL boundary: runs the grammar with the actions and the error
// control, and turns every way the parse can stop into a Diagnostic.
#include "palisade/dsl/parser.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include <tao/pegtl.hpp>

#include "grammar.h"
#include "parse_actions.h"
#include "parse_errors.h"
#include "parse_state.h"
#include "syntax_error.h"

namespace palisade::dsl {

namespace pegtl = tao::pegtl;

namespace {

SourceLocation error_location(const LineIndex &lines, const SyntaxError &e) {
  return lines.span(e.offset, e.offset + e.length);
}

} // namespace

std::optional<PolicyFile> parse_rules(std::string name, std::string text,
                                      Diagnostics &diags) {
  auto file = std::make_shared<SourceFile>();
  file->name = std::move(name);
  file->text = std::move(text);
  file->index_lines();

  ParseState state(file);
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(
      file->text.data(), file->text.size(), file->name);
  try {
    // grammar::file only ends at eof and raises on anything else, so a
    // `false` here would be a grammar bug; report it rather than hide it.
    if (!pegtl::parse<grammar::file, action, control>(in, state)) {
      diags.error(state.lines.point(0), "internal error: the parser stopped");
      return std::nullopt;
    }
  } catch (const SyntaxError &e) {
    Diagnostic &d = diags.error(error_location(state.lines, e), e.message);
    d.hints = e.hints;
    return std::nullopt;
  } catch (const pegtl::parse_error &e) {
    // Only reachable if a rule raises without going through our control.
    const size_t offset = e.positions().empty() ? 0 : e.positions()[0].byte;
    diags.error(state.lines.point(offset), std::string(e.message()));
    return std::nullopt;
  } catch (const std::bad_alloc &) {
    diags.error(state.lines.point(0), "out of memory while parsing");
    return std::nullopt;
  } catch (const std::exception &e) {
    diags.error(state.lines.point(0),
                std::string("internal error while parsing: ") + e.what());
    return std::nullopt;
  }
  return std::move(state.result);
}

std::optional<PolicyFile> parse_rules_file(const std::string &path,
                                           Diagnostics &diags) {
  // stdio rather than iostreams: it reports why a read failed (errno).
  std::string text;
  int err = 0;
  if (std::FILE *f = std::fopen(path.c_str(), "rb")) {
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      text.append(buf, n);
    if (std::ferror(f))
      err = errno ? errno : EIO;
    std::fclose(f);
  } else {
    err = errno;
  }
  if (err != 0) {
    auto file = std::make_shared<SourceFile>();
    file->name = path;
    SourceLocation loc; // no line: render() prints just "path: error: ..."
    loc.file = std::move(file);
    diags.error(std::move(loc),
                std::string("cannot read the file: ") + std::strerror(err));
    return std::nullopt;
  }
  return parse_rules(path, std::move(text), diags);
}

} // namespace palisade::dsl
