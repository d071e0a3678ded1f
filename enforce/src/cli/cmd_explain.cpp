// `enforcectl explain FILE... --event JSON [--json]`: what the kernel would
// decide for one event, and why. No root, no kernel: the decision comes
// from the engine's reference evaluator on the compiled image.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "palisade/enforce/policy_files.h"
#include "palisade/engine/explain.h"
#include "terminal.h"

namespace palisade::enforce::cli {
namespace {

struct ExplainOptions {
  std::vector<std::string> files;
  std::string event;
  bool json = false;
};

int explain(const ExplainOptions &o) {
  std::string error;
  auto event = engine::event_from_json(o.event, error);
  if (!event) {
    std::fprintf(stderr, "enforcectl explain: bad --event: %s\n",
                 error.c_str());
    return 2;
  }
  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(o.files, engine::TargetCaps{}, 0, diags);
  std::fputs(render_diagnostics(diags).c_str(), stderr);
  if (!compiled)
    return 1;
  auto explanation = engine::explain_event(*compiled, *event);
  std::cout << (o.json ? engine::explanation_json(explanation)
                       : engine::explanation_text(explanation));
  return 0;
}

} // namespace

void add_explain(CLI::App &app, int &status) {
  auto o = std::make_shared<ExplainOptions>();
  CLI::App *cmd = app.add_subcommand(
      "explain", "How the policies decide one event, and why (no root, no "
                 "kernel: the engine's reference evaluator).");
  cmd->add_option("files", o->files, "policy files (.rules)")->required();
  cmd->add_option("--event", o->event,
                  "the event as JSON, e.g. '{\"event\":\"exec\",\"path\":"
                  "\"/usr/bin/nc\",\"binary\":\"/usr/bin/bash\"}' "
                  "(docs/explain.md)")
      ->required();
  cmd->add_flag("--json", o->json, "the explanation as JSON");
  cmd->callback([o, &status] { status = explain(*o); });
}

} // namespace palisade::enforce::cli
