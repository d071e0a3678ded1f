// `enforcectl fields`: the field reference (docs/fields.md), from the
// engine's catalog.
#include <cstdio>

#include "commands.h"
#include "palisade/engine/field_reference.h"

namespace palisade::enforce::cli {

int cmd_fields(const Args &) {
  std::fputs(engine::fields_markdown().c_str(), stdout);
  return 0;
}

} // namespace palisade::enforce::cli
