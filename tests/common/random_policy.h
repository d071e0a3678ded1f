// Random .rules policies and events for the tests that compare two
// deciders: the unit oracle test (the meaning of the rules vs the indexed
// image) and the host differential test (the kernel vs the evaluator).
// The paths sit on every boundary the matcher has: a directory and its own
// name, sibling prefixes (/a vs /ab), nesting, the root. Rules and events
// cover every event kind and field: access intents, rename targets,
// ports and ranges on their boundaries, nested CIDRs (IPv4, IPv6, mapped),
// protocols, families, and cgroup and parent.binary paths on all events.
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
// startswith, endswith and matches values around those files.
extern const std::vector<std::string> kPrefixes, kSuffixes, kGlobs;
// The event kinds' names and PAL_EVENT_* ids, in the same order.
extern const std::vector<std::string> kEventNames;
extern const std::vector<uint32_t> kEventKinds;

// 1..5 policies of 1..max_rules rules each, random modes, actions and
// events, conditions up to three levels of and/or/not over the fields of
// each rule's event. The file starts with `let`s of paths, prefixes,
// suffixes, globs and cgroups, which under and the pattern operators
// sometimes name; they sometimes take a literal list too.
std::string random_policy_text(Random &r, size_t max_rules);

// A comparison of `field` (path, binary, target or access) that a rule
// may make, from the same vocabulary (lists but no set names: it needs no
// `let`).
std::string random_comparison(Random &r, const std::string &field);

// An event of any kind: a path and caller from the same vocabulary,
// sometimes deeper than any rule, sometimes truncated, unresolved or with
// an unknown caller; an open's intents (now and then none); a rename's
// new name, sometimes truncated or unresolved.
engine::Event random_event(Random &r);

// One line naming every field of a verdict, for exact comparisons.
std::string verdict_text(const engine::Verdict &v);

// The event in words, for failure messages.
std::string event_text(const engine::Event &ev);

std::string quoted(const std::string &s);
// A list of n values picked from `from`: ["a", "b"].
std::string quoted_list(Random &r, const std::vector<std::string> &from,
                        size_t n);

} // namespace palisade::test_support
