// How enforcectl writes for a person at a terminal: colour only there.
// --color=auto (the default) colours a stream that is a terminal, unless
// NO_COLOR is set (https://no-color.org) or TERM is "dumb"; always and
// never override that. The text is the same with and without colour.
#pragma once

#include <cstdio>
#include <string>

#include "palisade/dsl/diagnostics.h"

namespace palisade::enforce::cli {

// "auto", "always" or "never" (the --color option).
void set_color(const std::string &when);
bool color_on(std::FILE *stream);

// `text` in the ANSI SGR style `sgr` ("1" bold, "32" green, ...) when
// `stream` gets colour, else as it is.
std::string paint(std::FILE *stream, const char *sgr, const std::string &text);

// Diagnostics for stderr, coloured when it gets colour.
std::string render_diagnostics(const dsl::Diagnostics &diags);

} // namespace palisade::enforce::cli
