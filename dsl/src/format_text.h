// The canonical text of the pieces of a .rules file that fit on one line:
// rules, conditions, value lists, policy headers. format.cpp arranges
// them into lines, with comments.
#pragma once

#include <string>
#include <vector>

#include "palisade/dsl/ast.h"

namespace palisade::dsl::format {

// A value as written: a string as a canonical literal ("a"), a number or a
// range bare (22, 6000..6063).
std::string value_text(const StringLit &value);

// ["a", 22, 1..9], [] when empty.
std::string list_text(const std::vector<StringLit> &values);

// A condition with single spaces around operators, flat and/or chains and
// only the parentheses precedence needs.
std::string condition_text(const Expr &e);

// [LABEL: ]ACTION EVENT [when CONDITION], without the message.
std::string rule_text(const Rule &rule);

// The message as a literal, "" if the rule has none.
std::string message_text(const Rule &rule);

// policy "name" mode enforce|audit   (without the brace)
std::string policy_head(const Policy &policy);

} // namespace palisade::dsl::format
