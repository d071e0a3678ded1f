#include "resolve/value_list.h"

#include <functional>
#include <string_view>
#include <utility>

namespace palisade::engine {

ValueList::ValueList() = default;

size_t ValueList::hash_of(const std::vector<std::string> &values) {
  if (values.empty())
    return kEmptyHash;
  size_t h = values.size();
  for (const auto &v : values) // boost's hash_combine mix
    h ^= std::hash<std::string_view>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) +
         (h >> 2);
  return h;
}

ValueList::ValueList(std::vector<std::string> values) {
  if (values.empty())
    return;
  const size_t h = hash_of(values);
  data_ = std::make_shared<const Data>(Data{std::move(values), h});
}

ValueList::ValueList(std::initializer_list<std::string> values)
    : ValueList(std::vector<std::string>(values)) {}

const std::vector<std::string> &ValueList::empty_values() {
  static const std::vector<std::string> empty;
  return empty;
}

} // namespace palisade::engine
