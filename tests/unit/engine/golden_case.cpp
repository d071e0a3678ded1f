#include "golden_case.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "palisade/dsl/parser.h"

namespace palisade::engine::test {

namespace fs = std::filesystem;

GoldenRun run_golden_case(const fs::path &dir) {
  std::vector<fs::path> inputs;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".rules")
      inputs.push_back(e.path());
  std::sort(inputs.begin(), inputs.end());

  GoldenRun run;
  std::vector<dsl::PolicyFile> files;
  bool parsed = true;
  for (const auto &p : inputs) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (auto f = dsl::parse_rules(p.filename().string(), text.str(), run.diags))
      files.push_back(std::move(*f));
    else
      parsed = false;
  }
  if (parsed)
    run.compiled = compile(files, TargetCaps{}, 0, run.diags);
  return run;
}

} // namespace palisade::engine::test
