// A comparison's canonical values (Match::values): sorted, unique,
// immutable and shared. The resolver makes one list per distinct content,
// so every rule that names the same `let` (or writes the same literal)
// holds the same list: copying a Match never copies strings, and the hash,
// computed once, lets normalize intern atoms without comparing values.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace palisade::engine {

class ValueList {
public:
  using value_type = std::string;
  using const_iterator = std::vector<std::string>::const_iterator;
  using iterator = const_iterator; // read-only: the list is shared

  ValueList(); // no values
  // Implicit, so a list can be written as a vector or `{"/a", "/b"}`.
  ValueList(std::vector<std::string> values);
  ValueList(std::initializer_list<std::string> values);

  const std::vector<std::string> &get() const {
    return data_ ? data_->values : empty_values();
  }
  operator const std::vector<std::string> &() const { return get(); }

  const_iterator begin() const { return get().begin(); }
  const_iterator end() const { return get().end(); }
  size_t size() const { return get().size(); }
  bool empty() const { return get().empty(); }
  const std::string &front() const { return get().front(); }
  const std::string &operator[](size_t i) const { return get()[i]; }

  // Of the content: equal lists have equal hashes.
  size_t hash() const { return data_ ? data_->hash : kEmptyHash; }
  // What hash() of a list of `values` is, without making one.
  static size_t hash_of(const std::vector<std::string> &values);

  // By content; the same list (the usual case) without reading it.
  bool operator==(const ValueList &other) const {
    return data_ == other.data_ ||
           (hash() == other.hash() && get() == other.get());
  }
  bool operator==(const std::vector<std::string> &other) const {
    return get() == other;
  }

private:
  struct Data {
    std::vector<std::string> values;
    size_t hash = 0;
  };
  static constexpr size_t kEmptyHash = 0;
  static const std::vector<std::string> &empty_values();
  // Null when empty: the Match of every non-comparison Cond node holds
  // one, and must not allocate.
  std::shared_ptr<const Data> data_;
};

struct ValueListHash {
  size_t operator()(const ValueList &l) const { return l.hash(); }
};

} // namespace palisade::engine
