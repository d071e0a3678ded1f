// to_canonical_json(): decodes the image's bytes back through abi.h, so a
// golden file shows what the kernel will read, not what the IR meant.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>
#include <palisade/abi.h>

#include "image_decode.h"
#include "palisade/engine/compile.h"

namespace palisade::engine {
namespace {

using nlohmann::json;

json decode_atoms(const MapImage &image) {
  json out = json::array();
  for (const auto &e : map_entries(image, "atoms")) {
    AtomEntry a = decode_atom_entry(e);
    if (a.slot != image.slot)
      throw std::runtime_error("atoms key of another slot");
    out.push_back({{"field", field_name(a.field)},
                   {"match", a.exact ? "exact" : "under"},
                   {"value", a.value},
                   {"prefixlen", a.prefixlen},
                   {"atoms", atom_ids(a.set.bits)}});
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
  for (const auto &e : map_entries(image, "rules")) {
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
    out.push_back({{"index", index % PAL_MAX_RULES},
                   {"policy", rule.policy},
                   {"rule_id", rule.rule_id},
                   {"event", event_name(rule.event)},
                   {"action", action_name(rule.action)},
                   {"terms", terms}});
  }
  return out;
}

json decode_policies(const CompiledPolicy &c) {
  json out = json::array();
  for (const auto &e : map_entries(c.image, "policies")) {
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
