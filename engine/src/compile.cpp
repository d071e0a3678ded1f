// compile(): the passes in order, stopping at the first that reports an
// error (later passes assume the earlier ones succeeded).
#include "palisade/engine/compile.h"

#include "passes.h"

namespace palisade::engine {

std::optional<CompiledPolicy> compile(const std::vector<dsl::PolicyFile> &files,
                                      const TargetCaps &caps, uint32_t slot,
                                      dsl::Diagnostics &diags) {
  (void)caps; // exec is the only event yet and every mechanism supports it
  auto resolved = resolve(files, diags);
  if (!resolved)
    return std::nullopt;
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

} // namespace palisade::engine
