#include "recovery.h"

#include <array>
#include <cctype>

namespace palisade::dsl {
namespace {

bool is_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// The word at `at` (letters, digits, '_', '-'), possibly empty.
std::string_view word_at(std::string_view text, size_t at) {
  size_t end = at;
  while (end < text.size() && is_label_char(text[end]))
    ++end;
  return text.substr(at, end - at);
}

bool is_action(std::string_view w) {
  static constexpr std::array<std::string_view, 4> actions = {"allow", "audit",
                                                              "deny", "kill"};
  for (std::string_view a : actions)
    if (w == a)
      return true;
  return false;
}

} // namespace

std::optional<ResumePoint> next_resume_point(std::string_view text,
                                             size_t error, bool in_policy) {
  size_t line = text.find('\n', error);
  while (line != text.npos) {
    size_t at = line + 1;
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
      ++at;
    line = text.find('\n', at);
    const std::string_view w = word_at(text, at);
    if (w == "policy" || w == "let")
      return ResumePoint{at, false};
    if (!in_policy)
      continue;
    if (at < text.size() && text[at] == '}')
      return ResumePoint{at + 1, false};
    const bool label =
        !w.empty() && at + w.size() < text.size() && text[at + w.size()] == ':';
    if (is_action(w) || label)
      return ResumePoint{at, true};
  }
  return std::nullopt;
}

} // namespace palisade::dsl
