// enforcectl: the Palisade command line. One CLI11 parser for every
// subcommand: `enforcectl --help`, `enforcectl CMD --help`, and a usage
// error (unknown option, missing argument, bad value) always look the
// same and exit 2.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "palisade/enforce/heap_pages.h"
#include "palisade/enforce/libbpf_log.h"
#include "terminal.h"

int main(int argc, char **argv) {
  using namespace palisade::enforce::cli;
  palisade::enforce::prefer_huge_heap_pages(); // before anything grows it
  palisade::enforce::install_libbpf_logger();

  CLI::App app{"Palisade: enforce .rules policies in the kernel with BPF, "
               "and check, format and explain them.",
               "enforcectl"};
  app.require_subcommand(1);
  // Given before or after the command: `enforcectl check --color=never F`.
  app.fallthrough();
  app.add_option_function<std::string>("--color", set_color,
                                       "colour on a terminal: auto (not with "
                                       "NO_COLOR or TERM=dumb), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto");
  int status = 0;
  add_run(app, status);
  add_apply(app, status);
  add_remove(app, status);
  add_list(app, status);
  add_reload(app, status);
  add_status(app, status);
  add_mode(app, status);
  add_check(app, status);
  add_compile(app, status);
  add_fmt(app, status);
  add_explain(app, status);
  add_probe(app, status);
  add_fields(app, status);
  add_completion(app, status); // last: it lists the ones above
  // After the subcommands, which would inherit it.
  app.footer("Run `enforcectl COMMAND --help` for a command's options.\n");
  try {
    if (argc > 1 && argv[1][0] != '-')
      app.get_subcommand(argv[1]); // an unknown one throws, by its name
    app.parse(argc, argv);
  } catch (const CLI::OptionNotFound &e) {
    std::cerr << "enforcectl: unknown command '" << argv[1] << "'\n"
              << "Run `enforcectl --help` for the commands.\n";
    return 2;
  } catch (const CLI::ParseError &e) {
    if (e.get_exit_code() == 0)
      return app.exit(e); // --help: of the subcommand asked about
    std::string where = "enforcectl";
    for (const CLI::App *sub : app.get_subcommands())
      where += " " + sub->get_name();
    std::cerr << where << ": " << e.what() << "\n"
              << "Run `" << where << " --help` for usage.\n";
    return 2;
  }
  return status;
}
