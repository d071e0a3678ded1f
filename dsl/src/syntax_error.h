// Syntax errors as the parser throws them, and the helpers that phrase
// them: what was expected, what was found instead, and where.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::dsl {

// PEGTL's parse_error carries a message and a position; a diagnostic also
// wants hints and the length of the span to underline, so the control and
// the actions throw this instead. parse_rules() turns it into a Diagnostic.
struct SyntaxError {
  size_t offset = 0; // byte offset of the first offending byte
  size_t length = 0; // bytes to underline (0 or 1: a lone caret)
  std::string message;
  std::vector<std::string> hints;
};

// The static text of an error: filled in per grammar rule in
// parse_errors.h.
struct ErrorText {
  const char *message = nullptr; // "expected a string after '=='"
  const char *hint = nullptr;    // optional
  bool show_found = true;        // append ", found 'x'"
};

enum class TokenKind { End, EndOfLine, Word, String, Symbol, Control };

// The token that starts at `offset`, as far as an error message needs it.
struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;
};

Token peek_token(std::string_view text, size_t offset);

// The offset of the first byte after blanks and `#` comments.
size_t skip_blanks(std::string_view text, size_t offset);

// "'block'", "'=='", "a string", "end of line", "end of input", ...
std::string describe(const Token &token);

// The error for `what` expected at `offset`: the message, what was found
// and its span. At the end of input the caret goes right after the last
// non-blank byte instead of onto a trailing empty line.
SyntaxError expected(std::string_view text, size_t offset,
                     const ErrorText &what);

} // namespace palisade::dsl
