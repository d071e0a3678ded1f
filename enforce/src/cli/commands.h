// enforcectl subcommands. Each takes the arguments after its name and
// returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace palisade::enforce::cli {

using Args = std::vector<std::string>;

int cmd_run(const Args &args);
int cmd_check(const Args &args);
int cmd_compile(const Args &args);
int cmd_fmt(const Args &args);
int cmd_explain(const Args &args);
int cmd_probe(const Args &args);
int cmd_fields(const Args &args);
int cmd_mode(const Args &args);
int cmd_status(const Args &args);

} // namespace palisade::enforce::cli
