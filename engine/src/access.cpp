#include "access.h"

#include <palisade/abi.h>

namespace palisade::engine {

const std::vector<std::string> &access_names() {
  static const std::vector<std::string> names = {"read", "write", "create",
                                                 "truncate"};
  return names;
}

std::optional<uint32_t> access_bit(std::string_view name) {
  // Names are in bit order: PAL_ACCESS_READ is 1 << 0, and so on.
  static_assert(PAL_ACCESS_READ == 1 && PAL_ACCESS_WRITE == 2 &&
                PAL_ACCESS_CREATE == 4 && PAL_ACCESS_TRUNCATE == 8);
  const auto &names = access_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name)
      return uint32_t{1} << i;
  return std::nullopt;
}

uint32_t access_mask(const std::vector<std::string> &names) {
  uint32_t mask = 0;
  for (const auto &n : names)
    mask |= access_bit(n).value_or(0);
  return mask;
}

std::vector<std::string> access_mask_names(uint32_t mask) {
  std::vector<std::string> out;
  const auto &names = access_names();
  for (size_t i = 0; i < names.size(); ++i)
    if (mask & (uint32_t{1} << i))
      out.push_back(names[i]);
  return out;
}

std::string access_mask_text(uint32_t mask) {
  std::string out;
  for (const auto &n : access_mask_names(mask))
    out += (out.empty() ? "" : "|") + n;
  return out.empty() ? "none" : out;
}

} // namespace palisade::engine

#include "suggest.h"

namespace palisade::engine {

std::optional<std::string> check_access(const dsl::StringLit &lit,
                                        dsl::Diagnostics &diags) {
  if (access_bit(lit.value))
    return lit.value;
  auto &d = diags.error(lit.loc, "unknown access value '" + lit.value + "'");
  if (auto guess = closest_name(lit.value, access_names()))
    d.hints.push_back("did you mean '" + *guess + "'?");
  else
    d.hints.push_back("access values: " + join_names(access_names()));
  return std::nullopt;
}

} // namespace palisade::engine
