// `enforcectl check [--json]` and `enforcectl compile`: no root, no kernel.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "palisade/enforce/diagnostics_json.h"
#include "palisade/enforce/policy_files.h"
#include "terminal.h"

namespace palisade::enforce::cli {
namespace {

enum class Output { Summary, Image, DiagnosticsJson };

int compile_and_report(const Args &files, Output output) {
  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(files, engine::TargetCaps{}, 0, diags);
  if (output == Output::DiagnosticsJson) {
    // For editors: the diagnostics on stdout and nothing else.
    std::cout << diagnostics_json(diags) << "\n";
    return compiled ? 0 : 1;
  }
  std::fputs(render_diagnostics(diags).c_str(), stderr);
  if (!compiled)
    return 1;
  if (output == Output::Image)
    std::cout << engine::to_canonical_json(*compiled) << "\n";
  else
    std::printf("ok: %zu policies, %zu rules\n", compiled->policies.size(),
                compiled->rules.size());
  return 0;
}

} // namespace

void add_check(CLI::App &app, int &status) {
  auto files = std::make_shared<Args>();
  auto json = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "check", "Parse and check policies: errors and warnings (never-matching, "
               "shadowed, duplicate rules; values that are symlinks here). No "
               "root, no kernel; exit 0 or 1.");
  cmd->add_option("files", *files, "policy files (.rules)")->required();
  cmd->add_flag("--json", *json, "the diagnostics as a JSON array on stdout");
  cmd->callback([files, json, &status] {
    status = compile_and_report(*files, *json ? Output::DiagnosticsJson
                                              : Output::Summary);
  });
}

void add_compile(CLI::App &app, int &status) {
  auto files = std::make_shared<Args>();
  CLI::App *cmd = app.add_subcommand(
      "compile", "Print the compiled map image as canonical JSON (no root).");
  cmd->add_option("files", *files, "policy files (.rules)")->required();
  cmd->callback(
      [files, &status] { status = compile_and_report(*files, Output::Image); });
}

} // namespace palisade::enforce::cli
