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
  // Most literals have no escape: copied whole, their heap block (if any)
  // is their exact size; reserve() would round it up to a growth step.
  if (body.find('\\') == std::string_view::npos)
    return std::string(body);
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

namespace palisade::dsl {

namespace {

// Code points that are valid UTF-8 but print nothing or reorder the text
// around them (the "Trojan Source" trick), so a reader could not see them.
bool invisible(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) ||     // C1 controls
         cp == 0xad ||                     // soft hyphen
         (cp >= 0x200b && cp <= 0x200f) || // zero width, LRM/RLM
         (cp >= 0x2028 && cp <= 0x202e) || // separators, embeddings
         (cp >= 0x2060 && cp <= 0x2069) || // word joiner, isolates
         cp == 0xfeff;                     // BOM / zero width no-break
}

// The length of the well-formed, visible UTF-8 sequence of two to four
// bytes at s[i], or 0 (then each byte is escaped on its own).
size_t visible_utf8(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(s[i + k]);
  };
  const unsigned char lead = byte(0);
  size_t len = 0;
  char32_t cp = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    cp = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size())
    return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  const char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min[len] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
    return 0;
  return invisible(cp) ? 0 : len;
}

} // namespace

std::string encode_string_literal(std::string_view value) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else if (const size_t len = c >= 0x80 ? visible_utf8(value, i) : 0) {
      out.append(value.substr(i, len));
      i += len - 1;
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  out += '"';
  return out;
}

} // namespace palisade::dsl
