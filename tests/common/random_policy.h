// Random .rules policies and exec events for the tests that compare two
// deciders: the unit oracle test (the meaning of the rules vs the indexed
// image) and the host differential test (the kernel vs the evaluator).
// The paths sit on every boundary the matcher has: a directory and its own
// name, sibling prefixes (/a vs /ab), nesting, the root.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "palisade/engine/evaluate.h"

namespace palisade::test_support {

class Random {
public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  size_t below(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(gen_);
  }
  bool chance(int percent) { return below(100) < size_t(percent); }
  template <class T> const T &pick(const std::vector<T> &v) {
    return v[below(v.size())];
  }

private:
  std::mt19937 gen_;
};

// The vocabulary: directories and files on the matcher's boundaries.
extern const std::vector<std::string> kBoundaryDirs;
extern const std::vector<std::string> kBoundaryFiles;

// 1..5 policies of 1..max_rules rules each, random modes and actions,
// conditions up to three levels of and/or/not over both fields.
std::string random_policy_text(Random &r, size_t max_rules);

// A path and caller from the same vocabulary, sometimes deeper than any
// rule, sometimes truncated, unresolved or with an unknown caller.
engine::Event random_event(Random &r);

// One line naming every field of a verdict, for exact comparisons.
std::string verdict_text(const engine::Verdict &v);

std::string quoted(const std::string &s);

} // namespace palisade::test_support
