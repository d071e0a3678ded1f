#include "resolve/access.h"

#include <palisade/abi.h>

#include "catalog/suggest.h"

namespace palisade::engine {

std::vector<std::string> all_access_names() {
  return access_names(PAL_ACCESS_ALL);
}

uint32_t access_mask(const std::vector<std::string> &names) {
  uint32_t mask = 0;
  for (const auto &n : names)
    mask |= access_bit(n).value_or(0);
  return mask;
}

std::string access_mask_text(uint32_t mask) {
  std::string out;
  for (const auto &n : access_names(mask))
    out += (out.empty() ? "" : "|") + n;
  return out.empty() ? "none" : out;
}

std::optional<std::string> check_access(const dsl::StringLit &lit,
                                        dsl::Diagnostics &diags) {
  if (access_bit(lit.value))
    return lit.value;
  auto &d = diags.error(lit.loc, "unknown access value '" + lit.value + "'");
  if (auto guess = closest_name(lit.value, all_access_names()))
    d.hints.push_back("did you mean '" + *guess + "'?");
  else
    d.hints.push_back("access values: " + join_names(all_access_names()));
  return std::nullopt;
}

} // namespace palisade::engine
