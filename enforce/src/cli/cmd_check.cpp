// `enforcectl check` and `enforcectl compile`: no root, no kernel.
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "palisade/enforce/policy_files.h"

namespace palisade::enforce::cli {
namespace {

int compile_and_report(const Args &files, bool print_json) {
  if (files.empty()) {
    std::fputs("enforcectl: no policy files given\n", stderr);
    return 2;
  }
  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(files, engine::TargetCaps{}, 0, diags);
  std::fputs(diags.render().c_str(), stderr);
  if (!compiled)
    return 1;
  if (print_json)
    std::cout << engine::to_canonical_json(*compiled) << "\n";
  else
    std::printf("ok: %zu policies, %zu rules\n", compiled->policies.size(),
                compiled->rules.size());
  return 0;
}

} // namespace

int cmd_check(const Args &args) { return compile_and_report(args, false); }
int cmd_compile(const Args &args) { return compile_and_report(args, true); }

} // namespace palisade::enforce::cli
