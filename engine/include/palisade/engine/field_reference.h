// The language's field reference, generated from the one field catalog, so
// docs/fields.md cannot drift from what the engine accepts (a unit test
// compares them; `enforcectl fields` prints it).
#pragma once

#include <string>

namespace palisade::engine {

// docs/fields.md, as Markdown.
std::string fields_markdown();

} // namespace palisade::engine
