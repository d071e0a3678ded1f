// docs/fields.md is generated from the field catalog and must match it.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "palisade/engine/field_reference.h"

namespace palisade::engine {
namespace {

TEST(FieldReference, DocsMatchTheCatalog) {
  const std::string path = std::string(PALISADE_DOCS_DIR) + "/fields.md";
  const std::string generated = fields_markdown();
  if (std::getenv("UPDATE_GOLDEN")) {
    std::ofstream(path) << generated;
  }
  std::ifstream in(path);
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_EQ(doc.str(), generated)
      << "docs/fields.md is stale: run `enforcectl fields > docs/fields.md`";
}

TEST(FieldReference, ListsEveryExecField) {
  const std::string md = fields_markdown();
  EXPECT_NE(md.find("## Event `exec`"), std::string::npos);
  EXPECT_NE(md.find("| `path` | path |"), std::string::npos);
  EXPECT_NE(md.find("| `binary` | path |"), std::string::npos);
}

} // namespace
} // namespace palisade::engine
