// enforcectl subcommands. Each file adds its subcommand, with its options
// and help, to the one CLI11 parser (main.cpp); when that subcommand is
// the one given, its callback runs it and stores the process's exit
// status in `status`: 0 success, 1 the command failed. Usage errors (exit
// 2) and --help are the parser's, the same for every subcommand.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace palisade::enforce::cli {

using Args = std::vector<std::string>;

void add_run(CLI::App &app, int &status);
void add_status(CLI::App &app, int &status);
void add_mode(CLI::App &app, int &status);
void add_check(CLI::App &app, int &status);
void add_compile(CLI::App &app, int &status);
void add_fmt(CLI::App &app, int &status);
void add_explain(CLI::App &app, int &status);
void add_probe(CLI::App &app, int &status);
void add_fields(CLI::App &app, int &status);
void add_apply(CLI::App &app, int &status);
void add_remove(CLI::App &app, int &status);
void add_list(CLI::App &app, int &status);
void add_reload(CLI::App &app, int &status);
void add_completion(CLI::App &app, int &status);

// `mode` through palisaded when it runs: false when it does not (then the
// pins of `enforcectl run` are the way); `status` is the exit status.
bool daemon_set_mode(const std::string &name, const std::string &mode,
                     int &status);

} // namespace palisade::enforce::cli
