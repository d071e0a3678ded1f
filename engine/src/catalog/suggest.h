// "did you mean" for misspelt names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace palisade::engine {

// Edit distance counting insertions, deletions, substitutions and swaps of
// two neighbours ("exce" -> "exec" is one edit).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely
// typo (at most 2 edits and fewer edits than the word has bytes). Ties go
// to the earliest candidate, so callers control the order.
std::optional<std::string>
closest_name(std::string_view word, const std::vector<std::string> &candidates);

// "a, b, c" for hints that list every choice.
std::string join_names(const std::vector<std::string> &names);

} // namespace palisade::engine
