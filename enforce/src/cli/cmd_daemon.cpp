// The commands that talk to palisaded over the bus (docs/dbus.md):
//   apply FILE [--mode audit|enforce] [--name NAME]   put a policy file in
//   force remove NAME                                        take it out list
//   [--json]                                      what palisaded enforces
// A file is checked here first, so its errors point into the file as the
// user wrote it; what only the kernel can refuse comes back from the
// daemon, located in its stored copy.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "daemon_client.h"
#include "palisade/enforce/policy_files.h"

namespace palisade::enforce::cli {
namespace {

struct ApplyOptions {
  std::string file, mode, name;
};

int fail(const char *cmd, const std::string &error, const std::string &name) {
  std::fprintf(stderr, "enforcectl %s: %s%s%s\n", cmd,
               name.empty() ? "" : name.c_str(), name.empty() ? "" : ": ",
               error.c_str());
  return 1;
}

int apply(const ApplyOptions &o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in)
    return fail("apply", "cannot read " + o.file, "");
  std::stringstream text;
  text << in.rdbuf();
  dsl::Diagnostics diags;
  const bool ok = compile_policy_files({o.file}, engine::TargetCaps{}, 0, diags)
                      .has_value();
  std::fputs(diags.render().c_str(), stderr);
  if (!ok)
    return fail("apply", "nothing was sent to palisaded", "");
  const std::string name =
      o.name.empty() ? std::filesystem::path(o.file).stem().string() : o.name;
  std::string why;
  auto client = DaemonClient::connect(why);
  if (!client)
    return fail("apply", why, "");
  sd_bus_message *reply = nullptr;
  std::string error, error_name;
  if (!client->call("Apply", &reply, error, error_name, "ssss", name.c_str(),
                    text.str().c_str(), "rules", o.mode.c_str())) {
    std::fprintf(stderr, "%s%s", error.c_str(),
                 error.empty() || error.back() == '\n' ? "" : "\n");
    const std::string why = DaemonClient::short_name(error_name);
    return fail("apply",
                DaemonClient::refused(error_name)
                    ? "refused (" + why + "); what was in force stays"
                    : "no answer from palisaded (" + why +
                          "); `enforcectl list` shows what is in force",
                name);
  }
  uint64_t generation = 0;
  char **warnings = nullptr;
  sd_bus_message_read(reply, "t", &generation);
  sd_bus_message_read_strv(reply, &warnings);
  for (char **w = warnings; w && *w; ++w) {
    std::fputs(*w, stderr);
    free(*w);
  }
  free(warnings);
  sd_bus_message_unref(reply);
  std::printf("applied \"%s\" (generation %llu)\n", name.c_str(),
              static_cast<unsigned long long>(generation));
  return 0;
}

int remove(const std::string &name) {
  std::string why, error, error_name;
  auto client = DaemonClient::connect(why);
  if (!client)
    return fail("remove", why, "");
  sd_bus_message *reply = nullptr;
  if (!client->call("Remove", &reply, error, error_name, "s", name.c_str()))
    return fail("remove",
                error + " (" + DaemonClient::short_name(error_name) + ")",
                name);
  sd_bus_message_unref(reply);
  std::printf("removed \"%s\"\n", name.c_str());
  return 0;
}

struct Listed {
  std::string name, source, mode;
  bool from_config = false;
  uint64_t generation = 0, rules = 0;
  std::vector<std::string> policies;
  struct Rule {
    std::string policy, text;
    uint32_t line = 0;
    uint64_t blocked = 0, would = 0, allowed = 0, logged = 0;
  };
  std::vector<Rule> hits;
  // The sum of one count over the file's rules: total(&Rule::blocked).
  uint64_t total(uint64_t Rule::*count) const {
    uint64_t n = 0;
    for (const auto &r : hits)
      n += r.*count;
    return n;
  }
};

// The rules of one List entry: a(ssutttt).
int read_rules(sd_bus_message *reply, std::vector<Listed::Rule> &out) {
  int r = sd_bus_message_enter_container(reply, 'a', "(ssutttt)");
  while (r > 0) {
    const char *policy, *text;
    Listed::Rule rule;
    r = sd_bus_message_read(reply, "(ssutttt)", &policy, &text, &rule.line,
                            &rule.blocked, &rule.would, &rule.allowed,
                            &rule.logged);
    if (r > 0) {
      rule.policy = policy, rule.text = text;
      out.push_back(std::move(rule));
    }
  }
  return r < 0 ? r : sd_bus_message_exit_container(reply);
}

bool read_list(DaemonClient &client, std::vector<Listed> &out,
               std::string &error) {
  sd_bus_message *reply = nullptr;
  std::string error_name;
  if (!client.call("List", &reply, error, error_name, ""))
    return false;
  int r = sd_bus_message_enter_container(reply, 'a', "(ssbsttasa(ssutttt))");
  while (r > 0 && (r = sd_bus_message_enter_container(
                       reply, 'r', "ssbsttasa(ssutttt)")) > 0) {
    const char *name, *source, *mode;
    int from_config = 0;
    Listed l;
    r = sd_bus_message_read(reply, "ssbstt", &name, &source, &from_config,
                            &mode, &l.generation, &l.rules);
    char **policies = nullptr;
    if (r >= 0)
      r = sd_bus_message_read_strv(reply, &policies);
    if (r < 0)
      break;
    l.name = name, l.source = source, l.mode = mode;
    l.from_config = from_config;
    for (char **p = policies; p && *p; ++p) {
      l.policies.push_back(*p);
      free(*p);
    }
    free(policies);
    if ((r = read_rules(reply, l.hits)) < 0)
      break;
    out.push_back(std::move(l));
    r = sd_bus_message_exit_container(reply);
  }
  sd_bus_message_unref(reply);
  if (r < 0)
    error = "malformed List reply";
  return r >= 0;
}

nlohmann::json hits_json(const Listed &f) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto &r : f.hits)
    out.push_back({{"policy", r.policy},
                   {"rule", r.text},
                   {"line", r.line},
                   {"blocked", r.blocked},
                   {"would", r.would},
                   {"allowed", r.allowed},
                   {"logged", r.logged}});
  return out;
}

int list(bool json, bool rules) {
  std::string why, error;
  auto client = DaemonClient::connect(why);
  if (!client)
    return fail("list", why, "");
  std::vector<Listed> files;
  if (!read_list(*client, files, error))
    return fail("list", error, "");
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto &f : files)
      out.push_back({{"name", f.name},
                     {"mode", f.mode},
                     {"rules", f.rules},
                     {"generation", f.generation},
                     {"source_file", f.source},
                     {"from_config", f.from_config},
                     {"policies", f.policies},
                     {"rule_hits", hits_json(f)}});
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (files.empty()) {
    std::puts(
        "palisaded enforces no policy files (add one: enforcectl apply FILE)");
    return 0;
  }
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("%-24s %-8s %6s %5s %8s %8s  %s\n", "NAME", "MODE", "RULES",
              "GEN", "BLOCKED", "WOULD", "SOURCE");
  for (const auto &f : files) {
    std::printf("%-24s %-8s %6llu %5llu %8llu %8llu  %s%s\n", f.name.c_str(),
                f.mode.c_str(), u(f.rules), u(f.generation),
                u(f.total(&Listed::Rule::blocked)),
                u(f.total(&Listed::Rule::would)), f.source.c_str(),
                f.from_config ? " (config)" : "");
    for (const auto &r : rules ? f.hits : std::vector<Listed::Rule>{})
      std::printf("    line %-5u %8llu blocked %8llu would %8llu allowed "
                  "%8llu logged  %s: %s\n",
                  r.line, u(r.blocked), u(r.would), u(r.allowed), u(r.logged),
                  r.policy.c_str(), r.text.c_str());
  }
  return 0;
}

} // namespace

bool daemon_set_mode(const std::string &name, const std::string &mode,
                     int &status) {
  std::string why, error, error_name;
  auto client = DaemonClient::connect(why);
  if (!client)
    return false; // no daemon: the caller switches `run`'s pins
  std::vector<Listed> files;
  std::string from = "?";
  if (read_list(*client, files, error))
    for (const auto &f : files)
      if (f.name == name)
        from = f.mode;
  sd_bus_message *reply = nullptr;
  if (!client->call("SetMode", &reply, error, error_name, "ss", name.c_str(),
                    mode.c_str())) {
    status =
        fail("mode", error + " (" + DaemonClient::short_name(error_name) + ")",
             name);
    return true;
  }
  sd_bus_message_unref(reply);
  std::printf("policy file \"%s\" (palisaded): %s -> %s\n", name.c_str(),
              from.c_str(), mode.c_str());
  status = 0;
  return true;
}

void add_apply(CLI::App &app, int &status) {
  auto o = std::make_shared<ApplyOptions>();
  CLI::App *cmd = app.add_subcommand(
      "apply", "Put a policy file in force through palisaded, replacing the "
               "one of the same name; all or nothing (root).");
  cmd->add_option("file", o->file, "the policy file (.rules)")->required();
  cmd->add_option("--mode", o->mode,
                  "every policy of the file in this mode (default: the "
                  "modes it names)")
      ->check(CLI::IsMember({"audit", "enforce"}));
  cmd->add_option("--name", o->name,
                  "the name palisaded keeps it under (default: the file's "
                  "name without .rules)");
  cmd->callback([o, &status] { status = apply(*o); });
}

void add_remove(CLI::App &app, int &status) {
  auto name = std::make_shared<std::string>();
  CLI::App *cmd = app.add_subcommand(
      "remove", "Take a policy file out of force in palisaded (root).");
  cmd->add_option("name", *name, "as `enforcectl list` shows it")->required();
  cmd->callback([name, &status] { status = remove(*name); });
}

void add_list(CLI::App &app, int &status) {
  auto json = std::make_shared<bool>(false);
  auto rules = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "list", "The policy files palisaded enforces: mode, rules, generation, "
              "what the kernel blocked (or would have, in audit mode), "
              "where each is stored.");
  cmd->add_flag("--json", *json, "a JSON array on stdout");
  cmd->add_flag("--rules", *rules,
                "each rule's counts: blocked, would, allowed, logged");
  cmd->callback([json, rules, &status] { status = list(*json, *rules); });
}

} // namespace palisade::enforce::cli
