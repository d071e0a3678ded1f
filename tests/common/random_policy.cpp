#include "random_policy.h"

#include <sstream>

#include <palisade/abi.h>

namespace palisade::test_support {

const std::vector<std::string> kBoundaryDirs = {"/",    "/a",       "/a/b", "/a/b/c",
                                        "/ab",  "/usr/bin", "/tmp", "/srv/d1",
                                        "/srv/d1/x", "/srv/d2"};
const std::vector<std::string> kBoundaryFiles = {
    "/a",        "/a/x",        "/a/b",       "/a/b/x",      "/a/b/c/x",
    "/ab",       "/ab/x",       "/abc",       "/usr/bin/nc", "/usr/bin/bash",
    "/tmp/t",    "/tmp/t/u/v",  "/x",         "/srv/d1/f",   "/srv/d1/x/f",
    "/srv/d2/f", "/srv/d1",     "/srv/d10/f", "/"};
const std::vector<std::string> kEventNames = {"exec",   "open",  "unlink",
                                              "rename", "chmod", "chown"};
const std::vector<uint32_t> kEventKinds = {
    PAL_EVENT_EXEC,   PAL_EVENT_OPEN,  PAL_EVENT_UNLINK,
    PAL_EVENT_RENAME, PAL_EVENT_CHMOD, PAL_EVENT_CHOWN};

namespace {

const auto &kDirs = kBoundaryDirs;
const auto &kFiles = kBoundaryFiles;
const std::vector<std::string> kIntents = {"read", "write", "create",
                                           "truncate"};

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

std::string intents(Random &r) {
  size_t n = r.below(3) + 1;
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") + quoted(r.pick(kIntents));
  return out + "]";
}

// The fields of an event: path and binary everywhere, then its own.
std::vector<std::string> fields_of(const std::string &event) {
  if (event == "open")
    return {"path", "binary", "access"};
  if (event == "rename")
    return {"path", "binary", "target"};
  return {"path", "binary"};
}

std::string field_of(Random &r, const std::string &event) {
  auto fields = fields_of(event);
  if (fields.size() > 2 && r.chance(35))
    return fields[2];
  return r.chance(70) ? "path" : "binary";
}

std::string condition(Random &r, const std::string &event, int depth) {
  if (depth == 0 || r.chance(40))
    return random_comparison(r, field_of(r, event));
  switch (r.below(3)) {
  case 0: return "(" + condition(r, event, depth - 1) + " and " + condition(r, event, depth - 1) + ")";
  case 1: return "(" + condition(r, event, depth - 1) + " or " + condition(r, event, depth - 1) + ")";
  default: return "not " + condition(r, event, depth - 1);
  }
}

// A path the kernel could report: one of the vocabulary, maybe deeper.
std::string event_path(Random &r) {
  std::string p = r.chance(80) ? r.pick(kFiles) : pool_file(r);
  if (r.chance(15))
    p += "/deeper";
  return p;
}

} // namespace

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

std::string random_comparison(Random &r, const std::string &field) {
  if (field == "access") {
    // Intents: no `under`.
    switch (r.below(4)) {
    case 0: return field + " == " + quoted(r.pick(kIntents));
    case 1: return field + " != " + quoted(r.pick(kIntents));
    case 2: return field + " in " + intents(r);
    default: return field + " not in " + intents(r);
    }
  }
  switch (r.below(6)) {
  case 0: return field + " == " + quoted(r.pick(kFiles));
  case 1: return field + " != " + quoted(r.pick(kFiles));
  case 2: return field + " in " + many_files(r, r.chance(10) ? 60 : r.below(3) + 1);
  case 3: return field + " not in " + many_files(r, r.below(3) + 1);
  default: return field + " under " + quoted(r.pick(kDirs));
  }
}

std::string random_policy_text(Random &r, size_t max_rules) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny",
                                                   "kill"};
  std::ostringstream text;
  size_t policies = r.below(5) + 1;
  for (size_t p = 0; p < policies; p++) {
    text << "policy \"p" << p << "\" mode "
         << (r.chance(60) ? "enforce" : "audit") << " {\n";
    size_t rules = r.below(max_rules) + 1;
    // Most policies are about a few events, so that rules of one event
    // meet (allow exceptions, precedence).
    std::vector<std::string> events = {r.pick(kEventNames),
                                       r.pick(kEventNames)};
    for (size_t i = 0; i < rules; i++) {
      const std::string &event =
          r.chance(85) ? r.pick(events) : r.pick(kEventNames);
      text << "  " << r.pick(actions) << " " << event;
      if (r.chance(93))
        text << " when " << condition(r, event, 3);
      text << "\n";
    }
    text << "}\n";
  }
  return text.str();
}

engine::Event random_event(Random &r) {
  engine::Event ev;
  ev.kind = r.chance(30) ? uint32_t{PAL_EVENT_EXEC} : r.pick(kEventKinds);
  ev.path = event_path(r);
  ev.binary = r.chance(80) ? r.pick(kFiles)
                           : "/srv/d1/g" + std::to_string(r.below(40));
  ev.binary_known = !r.chance(10);
  if (!ev.binary_known)
    ev.binary.clear();
  ev.path_truncated = r.chance(10);
  ev.path_unresolved = r.chance(5);
  if (ev.kind == PAL_EVENT_OPEN)
    ev.access = r.chance(5) ? 0 : uint32_t(r.below(PAL_ACCESS_ALL) + 1);
  if (ev.kind == PAL_EVENT_RENAME) {
    ev.target = event_path(r);
    ev.target_truncated = r.chance(10);
    ev.target_unresolved = r.chance(5);
  }
  return ev;
}

std::string verdict_text(const engine::Verdict &v) {
  std::ostringstream s;
  s << "action=" << v.action << " policy=" << v.policy << " rule=" << v.rule_id
    << " would=" << v.would << " would_policy=" << v.would_policy
    << " would_rule=" << v.would_rule_id << " fail_closed=" << v.fail_closed;
  return s.str();
}

std::string event_text(const engine::Event &ev) {
  std::ostringstream s;
  s << "event " << ev.kind << " path=" << ev.path
    << (ev.path_truncated ? " (truncated)" : "")
    << (ev.path_unresolved ? " (unresolved)" : "")
    << " binary=" << (ev.binary_known ? ev.binary : "<unknown>");
  if (ev.kind == PAL_EVENT_OPEN)
    s << " access=" << ev.access;
  if (ev.kind == PAL_EVENT_RENAME)
    s << " target=" << ev.target
      << (ev.target_truncated ? " (truncated)" : "")
      << (ev.target_unresolved ? " (unresolved)" : "");
  return s.str();
}

} // namespace palisade::test_support
