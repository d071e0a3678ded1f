#include "syntax_error.h"

#include <cstdio>

namespace palisade::dsl {

namespace {

bool is_word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

} // namespace

size_t skip_blanks(std::string_view text, size_t offset) {
  while (offset < text.size()) {
    if (is_blank(text[offset])) {
      ++offset;
    } else if (text[offset] == '#') {
      while (offset < text.size() && text[offset] != '\n')
        ++offset;
    } else {
      break;
    }
  }
  return offset;
}

Token peek_token(std::string_view text, size_t offset) {
  if (offset >= text.size())
    return {TokenKind::End, {}};
  const std::string_view rest = text.substr(offset);
  const auto c = static_cast<unsigned char>(rest[0]);

  if (c == '\n' || c == '\r')
    return {TokenKind::EndOfLine, rest.substr(0, 1)};
  if (is_word_byte(rest[0])) {
    size_t n = 1;
    while (n < rest.size() && is_word_byte(rest[n]))
      ++n;
    return {TokenKind::Word, rest.substr(0, n)};
  }
  if (c == '"') {
    // Up to the closing quote, or the end of the line if there is none.
    size_t n = 1;
    while (n < rest.size() && rest[n] != '"' && rest[n] != '\n') {
      if (rest[n] == '\\' && n + 1 < rest.size() && rest[n + 1] != '\n')
        ++n;
      ++n;
    }
    if (n < rest.size() && rest[n] == '"')
      ++n;
    return {TokenKind::String, rest.substr(0, n)};
  }
  if (is_control(c))
    return {TokenKind::Control, rest.substr(0, 1)};
  if (c >= 0x80) {
    // Keep a UTF-8 sequence whole so the message prints the character.
    size_t n = 1;
    while (n < rest.size() && n < 4 &&
           (static_cast<unsigned char>(rest[n]) & 0xc0) == 0x80)
      ++n;
    return {TokenKind::Symbol, rest.substr(0, n)};
  }
  for (std::string_view two : {"==", "!="})
    if (rest.substr(0, 2) == two)
      return {TokenKind::Symbol, rest.substr(0, 2)};
  return {TokenKind::Symbol, rest.substr(0, 1)};
}

std::string describe(const Token &token) {
  switch (token.kind) {
  case TokenKind::End:
    return "end of input";
  case TokenKind::EndOfLine:
    return "end of line";
  case TokenKind::String:
    return "a string";
  case TokenKind::Control: {
    if (token.text[0] == '\t')
      return "a tab";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x",
                  static_cast<unsigned char>(token.text[0]));
    return std::string("control character ") + buf;
  }
  case TokenKind::Symbol:
    if (token.text == " ")
      return "a space";
    break;
  case TokenKind::Word:
    break;
  }
  return "'" + std::string(token.text) + "'";
}

SyntaxError expected(std::string_view text, size_t offset,
                     const ErrorText &what) {
  const Token found = peek_token(text, offset);
  SyntaxError err;
  err.message = what.message;
  if (what.show_found)
    err.message += ", found " + describe(found);
  if (what.hint)
    err.hints.emplace_back(what.hint);

  if (found.kind == TokenKind::End) {
    size_t end = text.size();
    while (end > 0 && is_blank(text[end - 1]))
      --end;
    err.offset = end;
    err.length = 0;
  } else {
    err.offset = offset;
    err.length = found.kind == TokenKind::EndOfLine ? 0 : found.text.size();
  }
  return err;
}

} // namespace palisade::dsl
