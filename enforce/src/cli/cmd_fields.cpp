// `enforcectl fields`: the field reference (docs/fields.md), from the
// engine's catalog.
#include <cstdio>

#include "commands.h"
#include "palisade/engine/field_reference.h"

namespace palisade::enforce::cli {

void add_fields(CLI::App &app, int &status) {
  app.add_subcommand("fields",
                     "The field reference of the language, as Markdown "
                     "(docs/fields.md).")
      ->callback([&status] {
        std::fputs(engine::fields_markdown().c_str(), stdout);
        status = 0;
      });
}

} // namespace palisade::enforce::cli
