// Where the parser starts again after a syntax error, so that one `check`
// reports more than the first mistake of a file. Recovery is line-based:
// rules, `policy` and `let` start lines in every file we have seen, and a
// keyword that starts a line cannot continue the construct before it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace palisade::dsl {

struct ResumePoint {
  size_t offset = 0;      // the first byte to parse
  bool in_policy = false; // rules of the policy being parsed, up to its '}'
};

// The first line after the one holding `error` that starts a construct the
// parser can take up in isolation. Inside a policy's braces: a rule (an
// action keyword or a label) resumes inside the policy, and a line that
// starts with '}' resumes after it; anywhere, `policy` or `let` resumes at
// the top level. nullopt when no line after the error qualifies.
std::optional<ResumePoint> next_resume_point(std::string_view text,
                                             size_t error, bool in_policy);

} // namespace palisade::dsl
