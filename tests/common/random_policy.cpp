#include "random_policy.h"

#include <sstream>

#include <arpa/inet.h>
#include <palisade/abi.h>

namespace palisade::test_support {

const std::vector<std::string> kBoundaryDirs = {
    "/",        "/a",   "/a/b",    "/a/b/c",    "/ab",
    "/usr/bin", "/tmp", "/srv/d1", "/srv/d1/x", "/srv/d2"};
const std::vector<std::string> kBoundaryFiles = {"/a",
                                                 "/a/x",
                                                 "/a/b",
                                                 "/a/b/x",
                                                 "/a/b/c/x",
                                                 "/ab",
                                                 "/ab/x",
                                                 "/abc",
                                                 "/usr/bin/nc",
                                                 "/usr/bin/bash",
                                                 "/tmp/t",
                                                 "/tmp/t/u/v",
                                                 "/x",
                                                 "/srv/d1/f",
                                                 "/srv/d1/x/f",
                                                 "/srv/d2/f",
                                                 "/srv/d1",
                                                 "/srv/d10/f",
                                                 "/"};
const std::vector<std::string> kEventNames = {"exec",    "open",  "unlink",
                                              "rename",  "chmod", "chown",
                                              "connect", "bind",  "listen"};
const std::vector<uint32_t> kEventKinds = {
    PAL_EVENT_EXEC,    PAL_EVENT_OPEN,  PAL_EVENT_UNLINK,
    PAL_EVENT_RENAME,  PAL_EVENT_CHMOD, PAL_EVENT_CHOWN,
    PAL_EVENT_CONNECT, PAL_EVENT_BIND,  PAL_EVENT_LISTEN};
// Ports on the boundaries of the ranges below, and ranges that nest,
// touch and overlap.
const std::vector<uint32_t> kPorts = {0,    1,    21,    22,   23,   80,
                                      443,  1023, 1024,  5999, 6000, 6063,
                                      6064, 8080, 65534, 65535};
// Identity values (uid, gid, euid, pid): root, the low system ids, a
// user's, nobody's, the largest; ranges of them.
const std::vector<uint32_t> kIds = {0, 1, 999, 1000, 1001, 65534, 4294967295u};
const std::vector<std::string> kIdRanges = {"0..999", "1000..1999",
                                            "65534..65535", "1..4294967295"};
const std::vector<std::string> kIdFields = {"uid", "gid", "euid", "pid"};

const std::vector<std::string> kPortRanges = {
    "0..1023",  "6000..6063", "20..25",     "1024..65535",
    "443..443", "0..65535",   "6016..6047", "1..1"};
// Networks that nest (/8 > /16 > host), IPv6 ones, the mapped form of
// an IPv4 network, and the everything prefixes.
const std::vector<std::string> kNetworks = {
    "10.0.0.0/8",   "10.1.0.0/16",  "10.1.2.3",       "10.1.2.4",
    "10.128.0.0/9", "11.0.0.0/8",   "192.168.0.0/16", "0.0.0.0/0",
    "::1",          "fd00::/8",     "fd00::1",        "::ffff:10.1.0.0/112",
    "::/0",         "2001:db8::/32"};
// Addresses events come from: inside and outside the networks above.
const std::vector<std::string> kAddresses = {
    "10.1.2.3", "10.1.2.4",        "10.1.9.9",       "10.200.0.1",
    "11.1.1.1", "192.168.1.1",     "8.8.8.8",        "0.0.0.0",
    "::1",      "fd00::1",         "fd12::5",        "2001:db8::1",
    "fe80::1",  "::ffff:10.1.2.3", "::ffff:8.8.8.8", "::"};
// cgroup v2 paths: the root, nested slices and scopes, sibling prefixes.
const std::vector<std::string> kCgroups = {"/",
                                           "/system.slice",
                                           "/system.slice/docker-1.scope",
                                           "/system.slice/docker-12.scope",
                                           "/user.slice",
                                           "/kubepods.slice/pod1",
                                           "/kubepods.slice"};

// startswith, endswith and matches values that hit and miss the files
// and cgroups above: byte prefixes inside a name, suffixes of a name or
// across '/', and globs with '*', '**', '?' and '/**/'.
const std::vector<std::string> kPrefixes = {
    "/",      "/a",         "/a/",
    "/ab",    "/a/b/c/x",   "/srv/d1",
    "/tmp/t", "/usr/bin/n", "/system.slice/docker-1",
    "/kube"};
const std::vector<std::string> kSuffixes = {"x", "/x",     "f", "b/c/x", "nc",
                                            "1", ".scope", "/", ""};
const std::vector<std::string> kGlobs = {
    "/a/*",        "/a/**",      "/a/**/x",      "/srv/*/f",
    "/srv/d?/f",   "**/x",       "/*",           "/usr/bin/*sh",
    "/a/*/*",      "/tmp/**/v",  "/srv/**",      "/a?",
    "**",          "/a/**/**/x", "/srv/d1/**/f", "/system.slice/*.scope",
    "/*.slice/**", "/**/g1?"};

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
    out +=
        (i ? ", " : "") + quoted(r.chance(70) ? r.pick(kFiles) : pool_file(r));
  return out + "]";
}

std::string intents(Random &r) {
  size_t n = r.below(3) + 1;
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") + quoted(r.pick(kIntents));
  return out + "]";
}

bool is_net(const std::string &event) {
  return event == "connect" || event == "bind" || event == "listen";
}

// The fields of an event: path (files only) and binary everywhere, then
// its own; cgroup everywhere.
std::vector<std::string> fields_of(const std::string &event) {
  if (is_net(event))
    return {"binary", "port", "address", "protocol", "family", "cgroup"};
  if (event == "open")
    return {"path", "binary", "access", "cgroup"};
  if (event == "rename")
    return {"path", "binary", "target", "cgroup"};
  return {"path", "binary", "cgroup"};
}

std::string field_of(Random &r, const std::string &event) {
  if (r.chance(8))
    return "cgroup";
  if (r.chance(5)) // a path field every event has, compared like binary
    return "parent.binary";
  if (r.chance(12)) // uid, gid, euid, pid: every event has them
    return r.pick(kIdFields);
  if (is_net(event)) {
    static const std::vector<std::string> net = {
        "port",    "port",     "port",   "address", "address",
        "address", "protocol", "family", "binary"};
    return r.pick(net);
  }
  auto fields = fields_of(event);
  if (fields.size() > 3 && r.chance(35))
    return fields[2];
  return r.chance(70) ? "path" : "binary";
}

std::string port_value(Random &r) {
  return r.chance(60) ? std::to_string(r.pick(kPorts)) : r.pick(kPortRanges);
}

std::string id_value(Random &r) {
  return r.chance(60) ? std::to_string(r.pick(kIds)) : r.pick(kIdRanges);
}

// A list of 1..3 numbers or ranges drawn by `value` (port_value, id_value).
std::string number_list(Random &r, std::string (*value)(Random &)) {
  size_t n = r.below(3) + 1;
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") + value(r);
  return out + "]";
}

// The sets random_policy_text() defines, by the values they draw from:
// rules name them after under, startswith, endswith, matches and in.
struct SetName {
  const std::vector<std::string> *from;
  const char *name;
};
const std::vector<SetName> &set_names() {
  static const std::vector<SetName> sets = {{&kBoundaryDirs, "dirs"},
                                            {&kPrefixes, "prefixes"},
                                            {&kSuffixes, "suffixes"},
                                            {&kGlobs, "globs"},
                                            {&kCgroups, "cgroups"}};
  return sets;
}

// What under or a pattern operator compares with: mostly one string, now
// and then a list of 0..3 of them or (with `sets`) the set drawn from the
// same values.
std::string one_or_set(Random &r, const std::vector<std::string> &from,
                       bool sets) {
  if (sets && r.chance(12))
    for (const SetName &s : set_names())
      if (s.from == &from)
        return s.name;
  if (r.chance(20))
    return quoted_list(r, from, r.chance(5) ? 0 : r.below(3) + 1);
  return quoted(r.pick(from));
}

std::string comparison(Random &r, const std::string &field, bool sets);

std::string condition(Random &r, const std::string &event, int depth) {
  if (depth == 0 || r.chance(40))
    return comparison(r, field_of(r, event), true);
  switch (r.below(3)) {
  case 0:
    return "(" + condition(r, event, depth - 1) + " and " +
           condition(r, event, depth - 1) + ")";
  case 1:
    return "(" + condition(r, event, depth - 1) + " or " +
           condition(r, event, depth - 1) + ")";
  default:
    return "not " + condition(r, event, depth - 1);
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

std::string quoted_list(Random &r, const std::vector<std::string> &from,
                        size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; i++)
    out += (i ? ", " : "") + quoted(r.pick(from));
  return out + "]";
}

std::string random_comparison(Random &r, const std::string &field) {
  return comparison(r, field, false);
}

namespace {

std::string comparison(Random &r, const std::string &field, bool sets) {
  if (field == "access") {
    // Intents: no `under`.
    switch (r.below(4)) {
    case 0:
      return field + " == " + quoted(r.pick(kIntents));
    case 1:
      return field + " != " + quoted(r.pick(kIntents));
    case 2:
      return field + " in " + intents(r);
    default:
      return field + " not in " + intents(r);
    }
  }
  if (field == "port") {
    static const std::vector<std::string> ordering = {"<", "<=", ">", ">="};
    // Orderings that can hold: not `< 0` nor `> 65535`.
    static const std::vector<uint32_t> bounds = {1,    22,   1023,
                                                 1024, 6000, 65534};
    switch (r.below(5)) {
    case 0:
      return field + " == " + port_value(r);
    case 1:
      return field + " != " + port_value(r);
    case 2:
      return field + " in " + number_list(r, port_value);
    case 3:
      return field + " not in " + number_list(r, port_value);
    default:
      return field + " " + r.pick(ordering) + " " +
             std::to_string(r.pick(bounds));
    }
  }
  if (field == "uid" || field == "gid" || field == "euid" || field == "pid") {
    static const std::vector<std::string> ordering = {"<", "<=", ">", ">="};
    // Orderings that can hold: not `< 0` nor `> 4294967295`.
    static const std::vector<uint32_t> bounds = {1,    999,   1000,
                                                 1001, 65534, 4294967294u};
    switch (r.below(5)) {
    case 0:
      return field + " == " + id_value(r);
    case 1:
      return field + " != " + id_value(r);
    case 2:
      return field + " in " + number_list(r, id_value);
    case 3:
      return field + " not in " + number_list(r, id_value);
    default:
      return field + " " + r.pick(ordering) + " " +
             std::to_string(r.pick(bounds));
    }
  }
  if (field == "address" || field == "protocol" || field == "family") {
    static const std::vector<std::string> protocols = {"tcp", "udp"};
    static const std::vector<std::string> families = {"ipv4", "ipv6"};
    const auto &from = field == "address"    ? kNetworks
                       : field == "protocol" ? protocols
                                             : families;
    switch (r.below(4)) {
    case 0:
      return field + " == " + quoted(r.pick(from));
    case 1:
      return field + " != " + quoted(r.pick(from));
    case 2:
      return field + " in " + quoted_list(r, from, r.below(3) + 1);
    default:
      return field + " not in " + quoted_list(r, from, r.below(2) + 1);
    }
  }
  if (r.chance(10)) {
    // A path field: a prefix, suffix or glob.
    switch (r.below(3)) {
    case 0:
      return field + " startswith " + one_or_set(r, kPrefixes, sets);
    case 1:
      return field + " endswith " + one_or_set(r, kSuffixes, sets);
    default:
      return field + " matches " + one_or_set(r, kGlobs, sets);
    }
  }
  if (field == "cgroup") {
    switch (r.below(4)) {
    case 0:
      return field + " == " + quoted(r.pick(kCgroups));
    case 1:
      return field + " != " + quoted(r.pick(kCgroups));
    case 2:
      return field + " in " + quoted_list(r, kCgroups, r.below(3) + 1);
    default:
      return field + " under " + one_or_set(r, kCgroups, sets);
    }
  }
  switch (r.below(6)) {
  case 0:
    return field + " == " + quoted(r.pick(kFiles));
  case 1:
    return field + " != " + quoted(r.pick(kFiles));
  case 2:
    return field + " in " + many_files(r, r.chance(10) ? 60 : r.below(3) + 1);
  case 3:
    return field + " not in " + many_files(r, r.below(3) + 1);
  default:
    return field + " under " + one_or_set(r, kDirs, sets);
  }
}

} // namespace

std::string random_policy_text(Random &r, size_t max_rules) {
  static const std::vector<std::string> actions = {"allow", "audit", "deny",
                                                   "kill"};
  std::ostringstream text;
  // The sets rules may name (one_or_set): 1..4 values each.
  for (const SetName &s : set_names())
    text << "let " << s.name << " = " << quoted_list(r, *s.from, r.below(4) + 1)
         << "\n";
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
  ev.binary =
      r.chance(80) ? r.pick(kFiles) : "/srv/d1/g" + std::to_string(r.below(40));
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
  ev.cgroup_known = !r.chance(5);
  if (ev.cgroup_known) {
    ev.cgroup = r.pick(kCgroups);
    if (r.chance(15))
      ev.cgroup += r.chance(50) ? "/sub" : "x";
    ev.cgroup_truncated = r.chance(5);
  }
  // The parent's executable: the vocabulary's files and directories'
  // children, or unknown (a kernel thread's child).
  ev.parent_binary_known = !r.chance(5);
  if (ev.parent_binary_known)
    ev.parent_binary = r.chance(90) ? r.pick(kFiles)
                                    : "/srv/d1/g" + std::to_string(r.below(40));
  // The acting task's identity: mostly the vocabulary's, sometimes any.
  for (uint32_t *id : {&ev.uid, &ev.gid, &ev.euid, &ev.pid})
    *id = r.chance(80)
              ? r.pick(kIds)
              : static_cast<uint32_t>(r.below(1u << 31) * 2 + r.below(2));
  if (ev.kind >= PAL_EVENT_CONNECT) {
    // No file; the path the kernel would not look at anyway.
    ev.path.clear();
    ev.path_truncated = ev.path_unresolved = false;
    ev.port =
        static_cast<uint16_t>(r.chance(80) ? r.pick(kPorts) : r.below(65536));
    ev.protocol = r.chance(60) ? 6 : 17;
    const std::string &a = r.pick(kAddresses);
    ev.address = {};
    if (inet_pton(AF_INET, a.c_str(), ev.address.data() + 12) == 1) {
      ev.address[10] = ev.address[11] = 0xff;
      ev.family = 4;
    } else {
      inet_pton(AF_INET6, a.c_str(), ev.address.data());
      ev.family = 6; // also for ::ffff:a.b.c.d: an IPv6 socket
    }
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
    s << " target=" << ev.target << (ev.target_truncated ? " (truncated)" : "")
      << (ev.target_unresolved ? " (unresolved)" : "");
  if (ev.kind >= PAL_EVENT_CONNECT)
    s << " address=" << engine::address_text(ev) << " port=" << ev.port
      << " protocol=" << int(ev.protocol) << " family=" << int(ev.family);
  s << " cgroup=" << (ev.cgroup_known ? ev.cgroup : "<unknown>")
    << (ev.cgroup_truncated ? " (truncated)" : "") << " parent_binary="
    << (ev.parent_binary_known ? ev.parent_binary : "<unknown>")
    << " uid=" << ev.uid << " gid=" << ev.gid << " euid=" << ev.euid
    << " pid=" << ev.pid;
  return s.str();
}

} // namespace palisade::test_support
