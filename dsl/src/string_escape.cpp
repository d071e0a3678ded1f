#include "string_escape.h"

namespace palisade::dsl {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return 0; // unreachable: the grammar only lets hex digits through
}

} // namespace

std::string decode_string_literal(std::string_view quoted) {
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    const char code = body[++i];
    switch (code) {
    case 'n':
      out += '\n';
      break;
    case 't':
      out += '\t';
      break;
    case 'x':
      out += static_cast<char>(hex_value(body[i + 1]) * 16 +
                               hex_value(body[i + 2]));
      i += 2;
      break;
    default: // '"' and '\\' stand for themselves
      out += code;
      break;
    }
  }
  return out;
}

} // namespace palisade::dsl
