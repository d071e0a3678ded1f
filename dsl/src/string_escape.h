// Decoding and encoding of .rules string literals.
#pragma once

#include <string>
#include <string_view>

namespace palisade::dsl {

// `quoted` is a literal the grammar already accepted, quotes included, so
// every escape in it is one of \" \\ \n \t \xHH.
std::string decode_string_literal(std::string_view quoted);

// The canonical literal for `value`, quotes included: \" \\ \n \t, and
// \xHH for every other byte that would not show as itself (control bytes,
// DEL, bytes that are not UTF-8, invisible or direction-changing code
// points). Printable UTF-8 stays as it is. decode(encode(v)) == v.
std::string encode_string_literal(std::string_view value);

} // namespace palisade::dsl
