// to_canonical_json(): decodes the image's bytes back through abi.h, so a
// golden file shows what the kernel will read, not what the IR meant.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "field_catalog.h"
#include "palisade/engine/compile.h"

namespace palisade::engine {
namespace {

using nlohmann::json;

template <typename T>
T decode(const std::vector<uint8_t> &bytes, const char *what) {
  if (bytes.size() != sizeof(T))
    throw std::runtime_error(std::string("bad size of ") + what);
  T v;
  std::memcpy(&v, bytes.data(), sizeof v);
  return v;
}

json atom_ids(const __u64 *words) {
  json ids = json::array();
  for (uint32_t id = 0; id < PAL_MAX_ATOMS; ++id)
    if (words[id / 64] >> (id % 64) & 1)
      ids.push_back(id);
  return ids;
}

std::string field_name(uint8_t id) {
  const FieldSpec *f = find_field(id);
  return f ? std::string(f->name) : "field#" + std::to_string(id);
}

const char *action_name(uint32_t a) {
  switch (a) {
  case PAL_ACT_NONE:
    return "none";
  case PAL_ACT_ALLOW:
    return "allow";
  case PAL_ACT_AUDIT:
    return "audit";
  case PAL_ACT_DENY:
    return "deny";
  case PAL_ACT_KILL:
    return "kill";
  }
  return "invalid";
}

const char *mode_name(uint32_t m) {
  switch (m) {
  case PAL_MODE_OFF:
    return "off";
  case PAL_MODE_ENFORCE:
    return "enforce";
  case PAL_MODE_AUDIT:
    return "audit";
  }
  return "invalid";
}

const std::vector<MapEntry> &entries(const MapImage &image, const char *map) {
  static const std::vector<MapEntry> none;
  auto it = image.maps.find(map);
  return it == image.maps.end() ? none : it->second;
}

json decode_atoms(const MapImage &image) {
  json out = json::array();
  for (const auto &e : entries(image, "atoms")) {
    auto key = decode<pal_lpm_key>(e.key, "atoms key");
    auto set = decode<pal_atom_set>(e.value, "atoms value");
    size_t len = key.prefixlen / 8;
    if (key.prefixlen % 8 || len <= PAL_LPM_HDR || len > PAL_LPM_DATA)
      throw std::runtime_error("bad prefixlen in atoms key");
    for (size_t i = len; i < PAL_LPM_DATA; ++i)
      if (key.data[i])
        throw std::runtime_error("non-zero byte past prefixlen in atoms key");
    std::string path(reinterpret_cast<const char *>(key.data + PAL_LPM_HDR),
                     len - PAL_LPM_HDR);
    // A key ending in NUL matches one path; any other is a prefix.
    bool exact = path.back() == '\0';
    if (exact)
      path.pop_back();
    if (key.data[0] != image.slot)
      throw std::runtime_error("atoms key of another slot");
    out.push_back({{"field", field_name(key.data[1])},
                   {"match", exact ? "exact" : "under"},
                   {"value", path},
                   {"prefixlen", key.prefixlen},
                   {"atoms", atom_ids(set.bits)}});
  }
  // Reviewers read atoms by field and path, not by key bytes.
  std::stable_sort(out.begin(), out.end(), [](const json &a, const json &b) {
    return std::tie(a["field"].get_ref<const std::string &>(),
                    a["value"].get_ref<const std::string &>(),
                    a["match"].get_ref<const std::string &>()) <
           std::tie(b["field"].get_ref<const std::string &>(),
                    b["value"].get_ref<const std::string &>(),
                    b["match"].get_ref<const std::string &>());
  });
  return out;
}

json decode_rules(const MapImage &image) {
  json out = json::array();
  for (const auto &e : entries(image, "rules")) {
    auto index = decode<uint32_t>(e.key, "rules key");
    auto rule = decode<pal_rule>(e.value, "rules value");
    if (rule.n_terms > PAL_MAX_TERMS)
      throw std::runtime_error("n_terms past PAL_MAX_TERMS");
    if (index / PAL_MAX_RULES != image.slot)
      throw std::runtime_error("rules key of another slot");
    static const pal_term zero{};
    for (uint32_t t = rule.n_terms; t < PAL_MAX_TERMS; ++t)
      if (std::memcmp(&rule.terms[t], &zero, sizeof zero) != 0)
        throw std::runtime_error("bits in a term past n_terms");
    json terms = json::array();
    for (uint32_t t = 0; t < rule.n_terms; ++t)
      terms.push_back({{"must", atom_ids(rule.terms[t].must)},
                       {"must_not", atom_ids(rule.terms[t].must_not)}});
    const EventSpec *event = find_event(rule.event);
    out.push_back({{"index", index % PAL_MAX_RULES},
                   {"policy", rule.policy},
                   {"rule_id", rule.rule_id},
                   {"event", event ? std::string(event->name)
                                   : "event#" + std::to_string(rule.event)},
                   {"action", action_name(rule.action)},
                   {"terms", terms}});
  }
  return out;
}

json decode_policies(const CompiledPolicy &c) {
  json out = json::array();
  for (const auto &e : entries(c.image, "policies")) {
    auto index = decode<uint32_t>(e.key, "policies key");
    auto policy = decode<pal_policy>(e.value, "policies value");
    uint32_t i = index % PAL_MAX_POLICIES;
    if (index / PAL_MAX_POLICIES != c.image.slot)
      throw std::runtime_error("policies key of another slot");
    out.push_back({{"index", i},
                   {"mode", mode_name(policy.mode)},
                   {"name", i < c.policies.size() ? c.policies[i].name : ""}});
  }
  return out;
}

json rule_info(const CompiledPolicy &c) {
  json out = json::array();
  for (const auto &r : c.rules)
    out.push_back({{"rule_id", r.rule_id},
                   {"policy", r.policy_index},
                   {"file", r.loc.file_name()},
                   {"line", r.loc.line},
                   {"col", r.loc.column},
                   {"message", r.message},
                   {"text", r.source_text}});
  return out;
}

} // namespace

std::string to_canonical_json(const CompiledPolicy &c) {
  json j = {{"slot", c.image.slot},           {"n_rules", c.n_rules},
            {"atoms", decode_atoms(c.image)}, {"rules", decode_rules(c.image)},
            {"policies", decode_policies(c)}, {"rule_info", rule_info(c)}};
  return j.dump(2) + "\n";
}

} // namespace palisade::engine
