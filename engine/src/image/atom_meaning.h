// What each atom id means, recovered from the image's "atoms" entries
// alone (so `explain` describes what the kernel will read, not the IR).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "palisade/engine/compile.h"

namespace palisade::engine {

struct AtomMeaning {
  uint8_t field = 0;               // PAL_FIELD_*
  bool exact = false;              // false: under (or `op`)
  std::vector<std::string> values; // canonical paths, sorted ("/tmp", "/");
                                   // access: intents ("read"), sorted
  // "startswith", "endswith" or "matches" (then `exact` is false and
  // values holds the prefixes, the suffix or the pattern); nullptr else.
  const char *op = nullptr;
};

// Atom id -> meaning, from the entries of the image's own slot. An entry's
// own atoms are its bits minus those of the entries that are its prefixes
// (the closure added those). An `under` value below another value of the
// same atom is therefore not listed, which does not change the meaning.
// An access atom's intents are the one-intent masks that hold it. A
// path key that ends in '/' reads as `under` (a `startswith "/d/"` shares
// the key of `under "/d"` and means the same for every resolved path),
// any other as `startswith`; suffixes and patterns come from "globs".
std::map<uint32_t, AtomMeaning> atom_meanings(const MapImage &image);

// `path == "/x"`, `path in ["/a", "/b"]`, `path under "/tmp"`; negated:
// `path != "/x"`, `path not in [...]`, `not path under "/tmp"`.
std::string atom_text(const AtomMeaning &atom, bool negated);

// A canonical value of `field` as a .rules literal: a port 22 or range
// 6000..6063 without quotes, an address without its full prefix length
// ("10.1.2.3"), anything else quoted.
std::string value_text(uint8_t field, const std::string &canonical);

// A path as a .rules string literal: "/a \"b\"".
std::string quoted(const std::string &s);

} // namespace palisade::engine
