#include "compile_text.h"

#include <gtest/gtest.h>

#include "palisade/dsl/parser.h"

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

} // namespace palisade::engine::test
