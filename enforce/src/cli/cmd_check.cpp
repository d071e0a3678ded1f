// `enforcectl check [--json]` and `enforcectl compile`: no root, no kernel.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "palisade/enforce/diagnostics_json.h"
#include "palisade/enforce/policy_files.h"

namespace palisade::enforce::cli {
namespace {

enum class Output { Summary, Image, DiagnosticsJson };

int compile_and_report(const Args &files, Output output) {
  if (files.empty()) {
    std::fputs("enforcectl: no policy files given\n", stderr);
    return 2;
  }
  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(files, engine::TargetCaps{}, 0, diags);
  if (output == Output::DiagnosticsJson) {
    // For editors: the diagnostics on stdout and nothing else.
    std::cout << diagnostics_json(diags) << "\n";
    return compiled ? 0 : 1;
  }
  std::fputs(diags.render().c_str(), stderr);
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

int cmd_check(const Args &args) {
  Args files;
  Output output = Output::Summary;
  for (const auto &a : args) {
    if (a == "--json") {
      output = Output::DiagnosticsJson;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr,
                   "enforcectl check: unknown option '%s'\n"
                   "usage: enforcectl check [--json] FILE...\n",
                   a.c_str());
      return 2;
    } else {
      files.push_back(a);
    }
  }
  return compile_and_report(files, output);
}

int cmd_compile(const Args &args) {
  return compile_and_report(args, Output::Image);
}

} // namespace palisade::enforce::cli
