#include "palisade/enforce/records.h"

#include <csignal>
#include <cstring>
#include <ctime>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "palisade/abi.h"
#include "palisade/enforce/features.h"
#include "palisade/engine/abi_names.h"

namespace palisade::enforce {
namespace {

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

const char *action_name(uint32_t a) { return engine::abi_action_name(a); }

// A NUL-terminated string from a fixed-size kernel buffer.
std::string bounded(const char *s, size_t cap) {
  return std::string(s, strnlen(s, cap));
}

std::string path_string(const pal_path &p) {
  if (p.flags & (PAL_PATH_UNKNOWN | PAL_PATH_UNRESOLVED))
    return "";
  return bounded(p.str, std::min<size_t>(p.len, PAL_PATH_BUF));
}

// process.parent_binary, only when the kernel resolved it: a plain process
// start, or a child of a kernel thread, has none.
void add_parent_binary(nlohmann::json &proc, const pal_path &p) {
  const std::string s = path_string(p);
  if (!s.empty())
    proc["parent_binary"] = s;
}

nlohmann::json path_flags(const pal_path &p) {
  nlohmann::json flags = nlohmann::json::array();
  if (p.flags & PAL_PATH_TRUNCATED)
    flags.push_back("truncated");
  if (p.flags & PAL_PATH_UNKNOWN)
    flags.push_back("unknown");
  if (p.flags & PAL_PATH_UNRESOLVED)
    flags.push_back("unresolved");
  if (p.flags & PAL_PATH_BY_INODE)
    flags.push_back("by_inode");
  return flags;
}

nlohmann::json args_json(const pal_exec_record &r) {
  nlohmann::json args = nlohmann::json::array();
  size_t len = std::min<size_t>(r.args_len, PAL_ARGS_MAX);
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (r.args[i] == '\0') {
      args.push_back(std::string(r.args + start, i - start));
      start = i + 1;
    }
  }
  if (start < len)
    args.push_back(std::string(r.args + start, len - start));
  return args;
}

// IPv4-mapped addresses as dotted quads, the rest as IPv6 text.
std::string address_text(const uint8_t (&a)[16]) {
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char buf[INET6_ADDRSTRLEN] = "";
  if (std::memcmp(a, kMapped, sizeof kMapped) == 0)
    inet_ntop(AF_INET, a + 12, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, a, buf, sizeof buf);
  return buf;
}

std::string protocol_name(uint8_t p) {
  return p == IPPROTO_TCP   ? "tcp"
         : p == IPPROTO_UDP ? "udp"
                            : std::to_string(p);
}

std::string signal_name(uint32_t sig) {
  const char *abbrev = sigabbrev_np(static_cast<int>(sig));
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

} // namespace

std::string format_time(int64_t wall_ns) {
  time_t secs = static_cast<time_t>(wall_ns / 1000000000);
  long nanos = static_cast<long>(wall_ns % 1000000000);
  tm utc{};
  gmtime_r(&secs, &utc);
  char buf[64];
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &utc);
  snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", nanos);
  return buf;
}

RecordDecoder::RecordDecoder()
    : boot_to_wall_ns_(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME)) {}

void RecordDecoder::set_catalog(uint32_t slot,
                                const engine::CompiledPolicy &compiled) {
  catalogs_[slot & 1] =
      Catalog{compiled.policies, compiled.rules, compiled.sources};
}

nlohmann::json RecordDecoder::rule_json(const Catalog &c, uint32_t policy,
                                        uint32_t rule_id) const {
  nlohmann::json j;
  j["policy"] = policy < c.policies.size() ? c.policies[policy].name
                                           : "#" + std::to_string(policy);
  j["rule_id"] = rule_id;
  if (rule_id < c.rules.size()) {
    const auto &info = c.rules[rule_id];
    j["file"] = info.loc.file_name();
    j["line"] = info.loc.line;
    j["text"] = info.source_text;
    if (!info.label.empty())
      j["label"] = info.label;
    if (!info.message.empty())
      j["message"] = info.message;
  }
  return j;
}

nlohmann::json RecordDecoder::process_json(const pal_record_hdr &h) const {
  return {{"pid", h.pid},
          {"tid", h.tid},
          {"ppid", h.ppid},
          {"uid", h.uid},
          {"gid", h.gid},
          {"cgroup_id", h.cgroup_id},
          {"comm", bounded(h.comm, sizeof(h.comm))}};
}

// The decision every record carries (struct pal_decision), in words:
// mechanism, action and rule, what happened, and what an audit-mode rule
// would have done. One decoder for every record kind.
void RecordDecoder::add_decision(nlohmann::json &ev, const pal_decision &d,
                                 bool is_exec) const {
  const Catalog &c = catalogs_[d.slot & 1];
  ev["mechanism"] = mechanism_name(d.mechanism);
  const bool decided = d.flags & PAL_EXEC_DECIDED;
  ev["action"] = decided ? action_name(d.action) : "none";
  if (decided)
    ev["rule"] = rule_json(c, d.policy, d.rule_id);
  // What really happened, in words a user checks. Every mechanism refuses
  // the call but the tracepoint one, which can only kill after it; a kill
  // rule also ends the caller (an exec refused by LSM is "blocked": the
  // program never ran).
  if (!decided || d.action < PAL_ACT_DENY)
    ev["outcome"] = "allowed";
  else if (d.mechanism == PAL_MECH_TP_SIGKILL)
    ev["outcome"] = "killed";
  else if (d.action == PAL_ACT_KILL && !is_exec)
    ev["outcome"] = "blocked+killed";
  else
    ev["outcome"] = "blocked";
  if (d.flags & PAL_EXEC_WOULD) {
    ev["would"] = action_name(d.would);
    ev["would_rule"] = rule_json(c, d.would_policy, d.would_rule_id);
  }
}

nlohmann::json RecordDecoder::decode_exec(const pal_exec_record &r) const {
  nlohmann::json ev;
  ev["time"] = format_time(int64_t(r.hdr.boot_ns) + boot_to_wall_ns_);
  ev["kind"] = "exec";
  ev["path"] = path_string(r.path);
  ev["args"] = args_json(r);
  ev["process"] = process_json(r.hdr);
  ev["process"]["binary"] = path_string(r.binary);
  add_parent_binary(ev["process"], r.parent_binary);
  add_decision(ev, r.decision, true);

  const uint32_t f = r.decision.flags;
  nlohmann::json flags = nlohmann::json::array();
  if (f & PAL_EXEC_FAIL_CLOSED)
    flags.push_back("fail_closed");
  if (f & PAL_EXEC_ARGS_TRUNC)
    flags.push_back("args_truncated");
  if (f & PAL_EXEC_NO_STASH)
    flags.push_back("no_syscall_data");
  for (const auto &f : path_flags(r.path))
    flags.push_back("path_" + f.get<std::string>());
  if (!flags.empty())
    ev["flags"] = flags;
  return ev;
}

// The parts every decided file or network record shares: kind, time,
// process and the decision. Both record kinds name these fields alike.
template <typename Record>
nlohmann::json RecordDecoder::decided_event(const Record &r) const {
  nlohmann::json ev;
  ev["time"] = format_time(int64_t(r.hdr.boot_ns) + boot_to_wall_ns_);
  ev["kind"] = engine::abi_event_name(r.event);
  ev["process"] = process_json(r.hdr);
  ev["process"]["binary"] = path_string(r.binary);
  add_parent_binary(ev["process"], r.parent_binary);
  add_decision(ev, r.decision, false);
  return ev;
}

nlohmann::json RecordDecoder::decode_file(const pal_file_record &r) const {
  nlohmann::json ev = decided_event(r);
  ev["path"] = path_string(r.path);
  if (r.event == PAL_EVENT_RENAME)
    ev["target"] = path_string(r.target);
  if (r.event == PAL_EVENT_OPEN)
    ev["access"] = engine::access_names(r.access);
  nlohmann::json flags = nlohmann::json::array();
  if (r.decision.flags & PAL_EXEC_FAIL_CLOSED)
    flags.push_back("fail_closed");
  for (const auto &f : path_flags(r.path))
    flags.push_back("path_" + f.get<std::string>());
  if (r.event == PAL_EVENT_RENAME)
    for (const auto &f : path_flags(r.target))
      flags.push_back("target_" + f.get<std::string>());
  if (!flags.empty())
    ev["flags"] = flags;
  return ev;
}

nlohmann::json RecordDecoder::decode_net(const pal_net_record &r) const {
  nlohmann::json ev = decided_event(r);
  ev["address"] = address_text(r.address);
  ev["port"] = r.port;
  ev["protocol"] = protocol_name(r.protocol);
  ev["family"] = r.family == 6 ? "ipv6" : "ipv4";
  return ev;
}

nlohmann::json RecordDecoder::decode_exit(const pal_exit_record &r) const {
  nlohmann::json ev;
  ev["time"] = format_time(int64_t(r.hdr.boot_ns) + boot_to_wall_ns_);
  ev["kind"] = "exit";
  ev["process"] = process_json(r.hdr);
  ev["process"]["binary"] = bounded(r.binary, sizeof(r.binary));
  if (r.signal) {
    ev["signal"] = signal_name(r.signal);
  } else {
    ev["exit_code"] = r.exit_code;
  }
  return ev;
}

std::optional<nlohmann::json> RecordDecoder::decode(const void *data,
                                                    size_t size) const {
  if (size < sizeof(pal_record_hdr))
    return std::nullopt;
  pal_record_hdr hdr;
  std::memcpy(&hdr, data, sizeof(hdr));
  if (hdr.kind == PAL_REC_EXEC && size >= sizeof(pal_exec_record))
    return decode_exec(*static_cast<const pal_exec_record *>(data));
  if (hdr.kind == PAL_REC_NET && size >= sizeof(pal_net_record))
    return decode_net(*static_cast<const pal_net_record *>(data));
  if (hdr.kind == PAL_REC_FILE && size >= sizeof(pal_file_record))
    return decode_file(*static_cast<const pal_file_record *>(data));
  if (hdr.kind == PAL_REC_EXIT && size >= sizeof(pal_exit_record))
    return decode_exit(*static_cast<const pal_exit_record *>(data));
  return std::nullopt;
}

namespace {

constexpr size_t kCompactCommandMax = 120;

std::string command_line(const nlohmann::json &ev) {
  std::string line = ev.value("path", "");
  const auto &args = ev.at("args");
  // argv[0] is usually the path again; show the arguments after it.
  for (size_t i = 1; i < args.size(); i++)
    line += " " + args[i].get<std::string>();
  if (line.size() > kCompactCommandMax)
    line = line.substr(0, kCompactCommandMax) + "…";
  return line;
}

// The process that called exec: its executable's name, else its comm.
std::string caller(const nlohmann::json &proc) {
  std::string bin = proc.value("binary", "");
  std::string name = bin.empty() ? proc.value("comm", "")
                                 : bin.substr(bin.find_last_of('/') + 1);
  return name + "(" + std::to_string(proc.value("pid", 0)) + ")";
}

std::string rule_ref(const nlohmann::json &rule) {
  std::string s = rule.value("policy", "?");
  if (rule.contains("line"))
    s += ":" + std::to_string(rule["line"].get<uint32_t>());
  if (rule.contains("label"))
    s += " [" + rule["label"].get<std::string>() + "]";
  if (rule.contains("message"))
    s += " \"" + rule["message"].get<std::string>() + "\"";
  return s;
}

// A decided file or network event: what was done to which file or
// address, and the verdict.
std::string file_line(const nlohmann::json &ev, const std::string &kind) {
  std::string what = ev.value("path", "");
  if (ev.contains("address")) {
    const std::string addr = ev.value("address", "");
    what = (addr.find(':') != std::string::npos ? "[" + addr + "]" : addr) +
           ":" + std::to_string(ev.value("port", 0)) + " " +
           ev.value("protocol", "");
  }
  if (ev.contains("target"))
    what += " -> " + ev["target"].get<std::string>();
  if (ev.contains("access")) {
    std::string access;
    for (const auto &a : ev["access"])
      access += (access.empty() ? "" : "|") + a.get<std::string>();
    what += " (" + access + ")";
  }
  std::string label = kind;
  label.resize(std::max<size_t>(label.size(), 8), ' ');
  const std::string who = caller(ev.at("process"));
  const std::string action = ev.value("action", "none");
  const std::string mech = " [" + ev.value("mechanism", "") + "]";
  std::string line;
  if (action == "deny" || action == "kill")
    line = (action == "kill" ? "💀 " : "🛑 ") + label + what + " by " + who +
           "  " + (action == "kill" ? "KILL" : "DENY") + " (" +
           ev.value("outcome", "") + ") " + rule_ref(ev["rule"]) + mech;
  else if (action == "audit")
    line = "📝 " + label + what + " by " + who + "  audit " +
           rule_ref(ev["rule"]) + mech;
  else
    line = (ev.contains("address") ? "🌐 " : "📄 ") + label + what + " by " +
           who + "  allowed";
  if (ev.contains("would"))
    line += "  would " + ev["would"].get<std::string>() + " " +
            rule_ref(ev["would_rule"]) + (action == "none" ? mech : "");
  return line;
}

} // namespace

std::string compact_line(const nlohmann::json &ev) {
  const std::string kind = ev.value("kind", "");
  const auto &proc = ev.at("process");
  if (kind == "exit") {
    const std::string who = proc.value("comm", "") + "(" +
                            std::to_string(proc.value("pid", 0)) + ")";
    std::string bin = proc.value("binary", "");
    if (bin.empty())
      bin = proc.value("comm", "");
    if (ev.contains("signal"))
      return "💥 exit    " + bin + " " + who + " " +
             ev["signal"].get<std::string>();
    return "🏁 exit    " + bin + " " + who + " code " +
           std::to_string(ev.value("exit_code", 0));
  }
  if (kind != "exec")
    return file_line(ev, kind);
  const std::string who = caller(proc);
  const std::string action = ev.value("action", "none");
  const std::string mech = " [" + ev.value("mechanism", "") + "]";
  std::string line;
  if (action == "deny" || action == "kill") {
    const std::string outcome = ev.value("outcome", "");
    line = (action == "kill" ? "💀 exec    " : "🛑 exec    ") +
           command_line(ev) + " by " + who + "  " +
           (action == "kill" ? "KILL" : "DENY") + " (" + outcome + ") " +
           rule_ref(ev["rule"]) + mech;
  } else if (action == "audit") {
    line = "📝 exec    " + command_line(ev) + " by " + who + "  audit " +
           rule_ref(ev["rule"]) + mech;
  } else {
    line = "🚀 exec    " + command_line(ev) + " by " + who + "  allowed";
  }
  if (ev.contains("would"))
    line += "  would " + ev["would"].get<std::string>() + " " +
            rule_ref(ev["would_rule"]) + (action == "none" ? mech : "");
  return line;
}

} // namespace palisade::enforce
