#include "compile_text.h"

#include <gtest/gtest.h>

#include "palisade/dsl/parser.h"

#include "passes.h"

namespace palisade::engine::test {

CompiledPolicy compile_text(const std::string &text,
                            const std::string &file_name, uint32_t slot) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules(file_name, text, diags);
  if (!file) {
    ADD_FAILURE() << diags.render();
    return {};
  }
  std::vector<dsl::PolicyFile> files;
  files.push_back(std::move(*file));
  auto compiled = compile(files, TargetCaps{}, slot, diags);
  if (!compiled) {
    ADD_FAILURE() << diags.render();
    return {};
  }
  return std::move(*compiled);
}

std::string diagnostics_of(const std::string &text) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules("t.rules", text, diags);
  if (file) {
    std::vector<dsl::PolicyFile> files;
    files.push_back(std::move(*file));
    compile(files, TargetCaps{}, 0, diags);
  }
  return diags.render();
}

Cond resolved_condition(const std::string &text) {
  dsl::Diagnostics diags;
  auto file = dsl::parse_rules("t.rules", text, diags);
  EXPECT_TRUE(file) << diags.render();
  if (!file)
    return {};
  std::vector<dsl::PolicyFile> files;
  files.push_back(std::move(*file));
  auto r = resolve(files, diags);
  EXPECT_TRUE(r) << diags.render();
  return r ? r->rules.at(0).condition : Cond{};
}

} // namespace palisade::engine::test
