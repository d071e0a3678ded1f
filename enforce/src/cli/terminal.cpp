#include "terminal.h"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace palisade::enforce::cli {
namespace {

std::string g_when = "auto";

} // namespace

void set_color(const std::string &when) { g_when = when; }

bool color_on(std::FILE *stream) {
  if (g_when != "auto")
    return g_when == "always";
  const char *no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color)
    return false;
  const char *term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0)
    return false;
  return isatty(fileno(stream)) == 1;
}

std::string paint(std::FILE *stream, const char *sgr, const std::string &text) {
  if (!color_on(stream))
    return text;
  return "\033[" + std::string(sgr) + "m" + text + "\033[0m";
}

std::string render_diagnostics(const dsl::Diagnostics &diags) {
  return diags.render(color_on(stderr));
}

} // namespace palisade::enforce::cli
