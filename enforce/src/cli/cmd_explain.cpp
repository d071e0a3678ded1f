// `enforcectl explain FILE... --event JSON [--json]`: what the kernel would
// decide for one event, and why. No root, no kernel: the decision comes
// from the engine's reference evaluator on the compiled image.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "commands.h"
#include "palisade/engine/explain.h"
#include "palisade/enforce/policy_files.h"

namespace palisade::enforce::cli {
namespace {

const char kUsage[] =
    "usage: enforcectl explain FILE... --event "
    "'{\"event\":\"exec\",\"path\":\"/usr/bin/nc\","
    "\"binary\":\"/usr/bin/bash\"}' [--json]\n"
    "  (docs/explain.md describes the event and the output)\n";

int usage_error(const std::string &why) {
  std::fprintf(stderr, "enforcectl explain: %s\n%s", why.c_str(), kUsage);
  return 2;
}

} // namespace

int cmd_explain(const Args &args) {
  std::vector<std::string> files;
  std::optional<std::string> event_text;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--event") {
      if (i + 1 == args.size())
        return usage_error("--event needs a JSON object");
      event_text = args[++i];
    } else if (args[i].starts_with("--event=")) {
      event_text = args[i].substr(8);
    } else if (args[i].starts_with("-")) {
      return usage_error("unknown option '" + args[i] + "'");
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty())
    return usage_error("no policy files given");
  if (!event_text)
    return usage_error("no --event given");
  std::string error;
  auto event = engine::event_from_json(*event_text, error);
  if (!event)
    return usage_error("bad --event: " + error);

  dsl::Diagnostics diags;
  auto compiled = compile_policy_files(files, engine::TargetCaps{}, 0, diags);
  std::fputs(diags.render().c_str(), stderr);
  if (!compiled)
    return 1;
  auto explanation = engine::explain_event(*compiled, *event);
  std::cout << (json ? engine::explanation_json(explanation)
                     : engine::explanation_text(explanation));
  return 0;
}

} // namespace palisade::enforce::cli
