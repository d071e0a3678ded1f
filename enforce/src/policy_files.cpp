#include "palisade/enforce/policy_files.h"

#include "palisade/dsl/parser.h"
#include "palisade/enforce/symlink_check.h"

namespace palisade::enforce {

namespace {

// Every file parsed (all syntax errors reported), then compiled together.
template <typename Parse>
std::optional<engine::CompiledPolicy>
parse_and_compile(size_t n, Parse parse, const engine::TargetCaps &caps,
                  uint32_t slot, dsl::Diagnostics &diags) {
  std::vector<dsl::PolicyFile> files;
  bool parsed_all = true;
  for (size_t i = 0; i < n; ++i) {
    auto file = parse(i);
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

} // namespace

std::optional<engine::CompiledPolicy>
compile_policy_files(const std::vector<std::string> &paths,
                     const engine::TargetCaps &caps, uint32_t slot,
                     dsl::Diagnostics &diags) {
  return parse_and_compile(
      paths.size(),
      [&](size_t i) { return dsl::parse_rules_file(paths[i], diags); }, caps,
      slot, diags);
}

std::optional<engine::CompiledPolicy>
compile_policy_sources(const std::vector<PolicySource> &sources,
                       const engine::TargetCaps &caps, uint32_t slot,
                       dsl::Diagnostics &diags) {
  return parse_and_compile(
      sources.size(),
      [&](size_t i) {
        auto file = dsl::parse_rules(sources[i].name, sources[i].text, diags);
        if (file && sources[i].mode)
          for (auto &policy : file->policies)
            policy.mode = *sources[i].mode;
        return file;
      },
      caps, slot, diags);
}

} // namespace palisade::enforce
