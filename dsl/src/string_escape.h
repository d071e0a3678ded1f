// Decoding of .rules string literals.
#pragma once

#include <string>
#include <string_view>

namespace palisade::dsl {

// `quoted` is a literal the grammar already accepted, quotes included, so
// every escape in it is one of \" \\ \n \t \xHH.
std::string decode_string_literal(std::string_view quoted);

} // namespace palisade::dsl
