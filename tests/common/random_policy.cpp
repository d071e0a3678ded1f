#include "random_policy.h"

#include <sstream>

namespace palisade::test_support {

const std::vector<std::string> kBoundaryDirs = {"/",    "/a",       "/a/b", "/a/b/c",
                                        "/ab",  "/usr/bin", "/tmp", "/srv/d1",
                                        "/srv/d1/x", "/srv/d2"};
const std::vector<std::string> kBoundaryFiles = {
    "/a",        "/a/x",        "/a/b",       "/a/b/x",      "/a/b/c/x",
    "/ab",       "/ab/x",       "/abc",       "/usr/bin/nc", "/usr/bin/bash",
    "/tmp/t",    "/tmp/t/u/v",  "/x",         "/srv/d1/f",   "/srv/d1/x/f",
    "/srv/d2/f", "/srv/d1",     "/srv/d10/f", "/"};

namespace {

const auto &kDirs = kBoundaryDirs;
const auto &kFiles = kBoundaryFiles;

// Files of a larger pool, so some lists are long.
std::string pool_file(Random &r) {
  return "/srv/d" + std::to_string(r.below(3)) + "/g" +
         std::to_string(r.below(40));
}

std::string many_files(Random &r, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") +
           quoted(r.chance(70) ? r.pick(kFiles) : pool_file(r));
  return out + "]";
}

std::string comparison(Random &r) {
  std::string field = r.chance(70) ? "path" : "binary";
  switch (r.below(6)) {
  case 0: return field + " == " + quoted(r.pick(kFiles));
  case 1: return field + " != " + quoted(r.pick(kFiles));
  case 2: return field + " in " + many_files(r, r.chance(10) ? 60 : r.below(3) + 1);
  case 3: return field + " not in " + many_files(r, r.below(3) + 1);
  default: return field + " under " + quoted(r.pick(kDirs));
  }
}

std::string condition(Random &r, int depth) {
  if (depth == 0 || r.chance(40))
    return comparison(r);
  switch (r.below(3)) {
  case 0: return "(" + condition(r, depth - 1) + " and " + condition(r, depth - 1) + ")";
  case 1: return "(" + condition(r, depth - 1) + " or " + condition(r, depth - 1) + ")";
  default: return "not " + condition(r, depth - 1);
  }
}

} // namespace

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

std::string random_policy_text(Random &r, size_t max_rules) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny",
                                                   "kill"};
  std::ostringstream text;
  size_t policies = r.below(5) + 1;
  for (size_t p = 0; p < policies; p++) {
    text << "policy \"p" << p << "\" mode "
         << (r.chance(60) ? "enforce" : "audit") << " {\n";
    size_t rules = r.below(max_rules) + 1;
    for (size_t i = 0; i < rules; i++) {
      text << "  " << r.pick(actions) << " exec";
      if (r.chance(93))
        text << " when " << condition(r, 3);
      text << "\n";
    }
    text << "}\n";
  }
  return text.str();
}

engine::Event random_event(Random &r) {
  engine::Event ev;
  ev.path = r.chance(80) ? r.pick(kFiles) : pool_file(r);
  if (r.chance(15))
    ev.path += "/deeper";
  ev.binary = r.chance(80) ? r.pick(kFiles)
                           : "/srv/d1/g" + std::to_string(r.below(40));
  ev.binary_known = !r.chance(10);
  if (!ev.binary_known)
    ev.binary.clear();
  ev.path_truncated = r.chance(10);
  ev.path_unresolved = r.chance(5);
  return ev;
}

std::string verdict_text(const engine::Verdict &v) {
  std::ostringstream s;
  s << "action=" << v.action << " policy=" << v.policy << " rule=" << v.rule_id
    << " would=" << v.would << " would_policy=" << v.would_policy
    << " would_rule=" << v.would_rule_id << " fail_closed=" << v.fail_closed;
  return s.str();
}

} // namespace palisade::test_support
