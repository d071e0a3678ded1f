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
#include "recovery.h"
#include "syntax_error.h"

namespace palisade::dsl {

namespace pegtl = tao::pegtl;

namespace {

SourceLocation error_location(const LineIndex &lines, const SyntaxError &e) {
  return lines.span(e.offset, e.offset + e.length);
}

// Runs Grammar over the text from offset `begin` and reports the syntax
// error that stops it, if any: nullopt when the text parsed, the error's
// offset, or npos when parsing cannot go on (out of memory, a bug).
template <typename Grammar>
std::optional<size_t> parse_from(ParseState &state, size_t begin,
                                 Diagnostics &diags) {
  const std::string_view text = state.text;
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(
      text.data() + begin, text.data() + text.size(), state.lines.file()->name);
  try {
    // The grammars only end at eof and raise on anything else, so a
    // `false` here would be a grammar bug; report it rather than hide it.
    if (!pegtl::parse<Grammar, action, control>(in, state)) {
      diags.error(state.lines.point(begin),
                  "internal error: the parser stopped");
      return std::string::npos;
    }
    return std::nullopt;
  } catch (const SyntaxError &e) {
    Diagnostic &d = diags.error(error_location(state.lines, e), e.message);
    d.hints = e.hints;
    return e.offset;
  } catch (const pegtl::parse_error &e) {
    // Only reachable if a rule raises without going through our control.
    const size_t offset =
        begin + (e.positions().empty() ? 0 : e.positions()[0].byte);
    diags.error(state.lines.point(offset), std::string(e.message()));
  } catch (const std::bad_alloc &) {
    diags.error(state.lines.point(begin), "out of memory while parsing");
  } catch (const std::exception &e) {
    diags.error(state.lines.point(begin),
                std::string("internal error while parsing: ") + e.what());
  }
  return std::string::npos;
}

// After the first syntax error, the errors of the rest of the file: each
// parse starts again at the next line recovery.h accepts, in a fresh state
// (the file is rejected whatever these parses find).
void report_more_errors(const std::shared_ptr<const SourceFile> &file,
                        const ParseState &failed, size_t error,
                        Diagnostics &diags) {
  bool in_policy = failed.in_policy;
  Policy policy; // the one being parsed: named in an "unclosed" error
  policy.name = failed.policy.name;
  policy.name_loc = failed.policy.name_loc;
  for (size_t reported = 1;
       error != std::string::npos && reported < kMaxSyntaxErrors; ++reported) {
    const auto resume = next_resume_point(file->text, error, in_policy);
    if (!resume)
      return;
    ParseState again(file);
    std::optional<size_t> next;
    if (resume->in_policy) {
      again.in_policy = true;
      again.policy.name = policy.name;
      again.policy.name_loc = policy.name_loc;
      next = parse_from<grammar::policy_rest>(again, resume->offset, diags);
    } else {
      next = parse_from<grammar::file>(again, resume->offset, diags);
    }
    if (!next)
      return;
    error = *next;
    in_policy = again.in_policy;
    policy.name = again.policy.name;
    policy.name_loc = again.policy.name_loc;
  }
}

} // namespace

std::optional<PolicyFile> parse_rules(std::string name, std::string text,
                                      Diagnostics &diags) {
  auto file = std::make_shared<SourceFile>();
  file->name = std::move(name);
  file->text = std::move(text);
  file->index_lines();

  ParseState state(file);
  if (const auto error = parse_from<grammar::file>(state, 0, diags)) {
    report_more_errors(file, state, *error, diags);
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
    SourceLocation loc;    // no line: render() prints just "path: error: ..."
    loc.file = file.get(); // diags keeps the file alive
    diags.error(loc,
                std::string("cannot read the file: ") + std::strerror(err));
    return std::nullopt;
  }
  return parse_rules(path, std::move(text), diags);
}

} // namespace palisade::dsl
