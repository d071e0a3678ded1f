// compile(): the passes in order, stopping at the first that reports an
// error (later passes assume the earlier ones succeeded).
#include "palisade/engine/compile.h"

#include "passes.h"

namespace palisade::engine {

void release_syntax_trees(std::vector<dsl::PolicyFile> &files) {
  for (auto &file : files) {
    auto source = std::move(file.source); // locations point into its text
    file = dsl::PolicyFile{};
    file.source = std::move(source);
  }
}

namespace {

// `release`: the files whose syntax trees may go once resolved (the same
// vector as `files`), or null to leave them.
std::optional<CompiledPolicy>
run_passes(const std::vector<dsl::PolicyFile> &files, const TargetCaps &caps,
           uint32_t slot, dsl::Diagnostics &diags,
           std::vector<dsl::PolicyFile> *release) {
  auto resolved = resolve(files, diags);
  if (!resolved)
    return std::nullopt;
  if (!check_enforceable(*resolved, caps, diags))
    return std::nullopt;
  if (release)
    release_syntax_trees(*release); // nothing after resolve reads the AST
  auto program = normalize(*resolved, diags);
  if (!program)
    return std::nullopt;
  warn_about_rules(*resolved, *program, diags);
  auto image = lower(*program, slot, diags);
  if (!image)
    return std::nullopt;

  CompiledPolicy out;
  out.image = std::move(*image);
  out.n_rules = static_cast<uint32_t>(program->rules.size());
  for (const auto &p : resolved->policies)
    out.policies.push_back(p.info);
  out.rules = std::move(resolved->rule_info);
  for (const auto &file : files)
    out.sources.push_back(file.source);
  return out;
}

} // namespace

// Every mechanism takes the same image: `caps` only decides which rules
// can be enforced at all.
std::optional<CompiledPolicy> compile(const std::vector<dsl::PolicyFile> &files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags) {
  return run_passes(files, caps, slot, diags, nullptr);
}

std::optional<CompiledPolicy> compile(std::vector<dsl::PolicyFile> &&files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags) {
  return run_passes(files, caps, slot, diags, &files);
}

} // namespace palisade::engine
