#include "palisade/enforce/policy_files.h"

#include "palisade/dsl/parser.h"
#include "palisade/enforce/symlink_check.h"

namespace palisade::enforce {

std::optional<engine::CompiledPolicy>
compile_policy_files(const std::vector<std::string> &paths,
                     const engine::TargetCaps &caps, uint32_t slot,
                     dsl::Diagnostics &diags) {
  std::vector<dsl::PolicyFile> files;
  bool parsed_all = true;
  for (const auto &path : paths) {
    auto file = dsl::parse_rules_file(path, diags);
    if (file)
      files.push_back(std::move(*file));
    else
      parsed_all = false;
  }
  if (!parsed_all)
    return std::nullopt;
  warn_symlinked_values(files, diags);
  return engine::compile(std::move(files), caps, slot, diags);
}

} // namespace palisade::enforce
