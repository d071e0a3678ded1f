#include "palisade/enforce/verifier_report.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <regex>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "palisade/enforce/libbpf_log.h"
#include "probe.skel.h"

namespace palisade::enforce {
namespace {

// Statistics only (BPF_LOG_STATS): no per-instruction trace, so a small
// buffer holds the verdict and the "processed N insns" line even for a
// program that ran into the limit.
constexpr uint32_t kLogStats = 4;
constexpr size_t kLogBytes = 1 << 20;

uint32_t processed_insns(const std::string &log) {
  static const std::regex stats("processed ([0-9]+) insns");
  std::smatch m;
  uint32_t n = 0;
  for (auto it = log.cbegin(); std::regex_search(it, log.cend(), m, stats);
       it = m.suffix().first)
    n = static_cast<uint32_t>(std::stoul(m[1]));
  return n;
}

// The verifier's reason: the last line of its log that is not the
// statistics line (those come last).
std::string log_reason(const std::string &log) {
  std::string reason;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos)
      end = log.size();
    std::string line = log.substr(start, end - start);
    if (!line.empty() && line.rfind("processed ", 0) != 0 &&
        line.rfind("verification time", 0) != 0 &&
        line.rfind("stack depth", 0) != 0)
      reason = line;
    start = end + 1;
  }
  return reason;
}

// Opens `object` afresh and loads only its program number `index`.
ProgramVerification verify_one(const BpfObjectBytes &object, size_t index) {
  ProgramVerification v;
  v.object = object.name;
  CapturedLibbpfLog quiet; // a refusal is recorded, not printed
  LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = object.name.c_str());
  bpf_object *obj = bpf_object__open_mem(object.data, object.size, &opts);
  if (!obj) {
    v.refusal = "open: " + std::string(std::strerror(errno));
    return v;
  }
  std::string log(kLogBytes, '\0');
  bpf_program *prog, *chosen = nullptr;
  size_t i = 0;
  bpf_object__for_each_program(prog, obj) {
    const bool mine = i++ == index;
    bpf_program__set_autoload(prog, mine);
    if (mine)
      chosen = prog;
  }
  if (!chosen) {
    bpf_object__close(obj);
    v.refusal = "no program " + std::to_string(index);
    return v;
  }
  v.program = bpf_program__name(chosen);
  v.section = bpf_program__section_name(chosen);
  bpf_program__set_log_buf(chosen, log.data(), log.size());
  bpf_program__set_log_level(chosen, kLogStats);
  const int err = bpf_object__load(obj);
  log.resize(std::strlen(log.c_str()));
  if (err == 0) {
    bpf_prog_info info{};
    __u32 len = sizeof info;
    v.loaded = true;
    if (bpf_obj_get_info_by_fd(bpf_program__fd(chosen), &info, &len) == 0)
      v.insns = info.verified_insns;
    if (v.insns == 0) // kernels before 5.16 have no verified_insns
      v.insns = processed_insns(log);
  } else {
    v.insns = processed_insns(log);
    std::string reason = log_reason(log);
    v.refusal = std::strerror(-err);
    if (!reason.empty())
      v.refusal += ": " + reason;
  }
  bpf_object__close(obj);
  return v;
}

} // namespace

std::vector<ProgramVerification>
verify_each_program(const BpfObjectBytes &object) {
  std::vector<ProgramVerification> out;
  size_t count = 0;
  {
    CapturedLibbpfLog quiet;
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = object.name.c_str());
    bpf_object *obj = bpf_object__open_mem(object.data, object.size, &opts);
    if (!obj) {
      ProgramVerification v;
      v.object = object.name;
      v.refusal = "open: " + std::string(std::strerror(errno));
      return {v};
    }
    bpf_program *prog;
    bpf_object__for_each_program(prog, obj)++ count;
    bpf_object__close(obj);
  }
  for (size_t i = 0; i < count; ++i)
    out.push_back(verify_one(object, i));
  return out;
}

std::vector<BpfObjectBytes> enforcement_objects() {
  std::vector<BpfObjectBytes> objects = enforcer_objects();
  objects.push_back(embedded_object("probe", pal_probe__elf_bytes));
  return objects;
}

std::string optional_kind(const std::string &section) {
  for (const char *kind : {"lsm", "fmod_ret", "kprobe", "cgroup"}) {
    const std::string k = kind;
    if (section.compare(0, k.size(), k) == 0 &&
        (section.size() == k.size() || section[k.size()] == '/' ||
         section[k.size()] == '.'))
      return k;
  }
  return "";
}

std::vector<std::string>
verifier_failures(const std::vector<ProgramVerification> &report,
                  uint32_t budget) {
  // Which optional kinds this kernel loads at all: the probe's answer.
  std::map<std::string, bool> kind_loads;
  for (const auto &v : report)
    if (v.object == "probe" && !optional_kind(v.section).empty())
      kind_loads[optional_kind(v.section)] |= v.loaded;
  std::vector<std::string> failures;
  for (const auto &v : report) {
    const std::string who = v.object + "/" + v.program;
    if (v.loaded && v.insns > budget) {
      failures.push_back(who + ": " + std::to_string(v.insns) +
                         " instructions, over the budget of " +
                         std::to_string(budget));
      continue;
    }
    if (v.loaded || v.object == "probe")
      continue;
    const std::string kind = optional_kind(v.section);
    auto it = kind_loads.find(kind);
    if (!kind.empty() && it != kind_loads.end() && !it->second)
      continue; // the kernel refuses this kind of program altogether
    failures.push_back(who + " (" + v.section + ") refused: " + v.refusal);
  }
  return failures;
}

} // namespace palisade::enforce
