// The commands that talk to palisaded over the bus (docs/dbus.md):
//   apply FILE [--mode audit|enforce] [--name NAME] [--json]
//                            put a policy file in force
//   remove NAME [--json]     take it out
//   list [--json] [--rules]  what palisaded enforces, with the counts
//   reload [--json]          re-read the policy directories
// A file is checked here first, so its errors point into the file as the
// user wrote it; what only the kernel can refuse comes back from the
// daemon, located in its stored copy. --json prints one object on stdout
// (the shapes are in docs/cli.md) and nothing else; the exit status is
// the same as without it.
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
#include "palisade/enforce/diagnostics_json.h"
#include "palisade/enforce/policy_files.h"
#include "terminal.h"

namespace palisade::enforce::cli {
namespace {

struct ApplyOptions {
  std::string file, mode, name;
  bool json = false;
};

// The --json answer of apply, remove and reload: "applied", "removed"
// or "reloaded" says whether it happened; a refusal adds "error" (the
// D-Bus error's short name, or NotRunning) and "message".
void print_json(const nlohmann::json &out) { std::cout << out.dump() << "\n"; }

int fail(const char *cmd, const std::string &error, const std::string &name) {
  std::fprintf(stderr, "enforcectl %s: %s%s%s\n", cmd,
               name.empty() ? "" : name.c_str(), name.empty() ? "" : ": ",
               error.c_str());
  return 1;
}

// A failed `cmd`: with --json the object `out` with the error added, else
// `words` on stderr. Exit status 1 either way.
int refused(const char *cmd, bool json, nlohmann::json out,
            const std::string &error_name, const std::string &message,
            const std::string &words, const std::string &name) {
  if (!json)
    return fail(cmd, words, name);
  out["error"] = error_name;
  out["message"] = message;
  print_json(out);
  return 1;
}

std::vector<std::string> take_strv(char **strv) {
  std::vector<std::string> out;
  for (char **s = strv; s && *s; ++s) {
    out.emplace_back(*s);
    free(*s);
  }
  free(strv);
  return out;
}

int apply(const ApplyOptions &o) {
  const std::string name =
      o.name.empty() ? std::filesystem::path(o.file).stem().string() : o.name;
  nlohmann::json out = {{"name", name}, {"applied", false}};
  auto failed = [&](const std::string &error_name, const std::string &message,
                    const std::string &words) {
    return refused("apply", o.json, out, error_name, message, words,
                   error_name == "NotRunning" ? "" : name);
  };
  std::ifstream in(o.file, std::ios::binary);
  if (!in)
    return failed("Unreadable", "cannot read " + o.file,
                  "cannot read " + o.file);
  std::stringstream text;
  text << in.rdbuf();
  dsl::Diagnostics diags;
  const bool ok = compile_policy_files({o.file}, engine::TargetCaps{}, 0, diags)
                      .has_value();
  if (o.json)
    out["diagnostics"] = nlohmann::json::parse(diagnostics_json(diags));
  else
    std::fputs(render_diagnostics(diags).c_str(), stderr);
  if (!ok)
    return failed("InvalidPolicy", "the file does not compile",
                  "nothing was sent to palisaded");
  std::string why;
  auto client = DaemonClient::connect(why);
  if (!client)
    return failed("NotRunning", why, why);
  sd_bus_message *reply = nullptr;
  std::string error, error_name;
  if (!client->call("Apply", &reply, error, error_name, "ssss", name.c_str(),
                    text.str().c_str(), "rules", o.mode.c_str())) {
    const std::string short_name = DaemonClient::short_name(error_name);
    if (!o.json)
      std::fprintf(stderr, "%s%s", error.c_str(),
                   error.empty() || error.back() == '\n' ? "" : "\n");
    return failed(short_name, error,
                  DaemonClient::refused(error_name)
                      ? "refused (" + short_name + "); what was in force stays"
                      : "no answer from palisaded (" + short_name +
                            "); `enforcectl list` shows what is in force");
  }
  uint64_t generation = 0;
  char **warnings = nullptr;
  sd_bus_message_read(reply, "t", &generation);
  sd_bus_message_read_strv(reply, &warnings);
  const auto warned = take_strv(warnings);
  sd_bus_message_unref(reply);
  if (o.json) {
    out["applied"] = true;
    out["generation"] = generation;
    out["warnings"] = warned;
    print_json(out);
    return 0;
  }
  for (const auto &w : warned)
    std::fputs(w.c_str(), stderr);
  std::printf("applied \"%s\" (generation %llu)\n", name.c_str(),
              static_cast<unsigned long long>(generation));
  return 0;
}

int remove(const std::string &name, bool json) {
  std::string why, error, error_name;
  nlohmann::json out = {{"name", name}, {"removed", false}};
  auto client = DaemonClient::connect(why);
  if (!client)
    return refused("remove", json, out, "NotRunning", why, why, "");
  sd_bus_message *reply = nullptr;
  if (!client->call("Remove", &reply, error, error_name, "s", name.c_str())) {
    const std::string short_name = DaemonClient::short_name(error_name);
    return refused("remove", json, out, short_name, error,
                   error + " (" + short_name + ")", name);
  }
  sd_bus_message_unref(reply);
  if (json) {
    out["removed"] = true;
    print_json(out);
  } else {
    std::printf("removed \"%s\"\n", name.c_str());
  }
  return 0;
}

// Reload: palisaded re-reads its directories. Exit 1 when it left a file
// out (the version in force, if any, stays): `systemctl reload` then
// fails, and its diagnostics are in the journal.
int reload(bool json) {
  std::string why, error, error_name;
  nlohmann::json out = {{"reloaded", false}};
  auto client = DaemonClient::connect(why);
  if (!client)
    return refused("reload", json, out, "NotRunning", why, why, "");
  sd_bus_message *reply = nullptr;
  if (!client->call("Reload", &reply, error, error_name, "")) {
    const std::string short_name = DaemonClient::short_name(error_name);
    return refused("reload", json, out, short_name, error,
                   error + " (" + short_name + ")", "");
  }
  char **notes = nullptr;
  sd_bus_message_read_strv(reply, &notes);
  const auto said = take_strv(notes);
  sd_bus_message_unref(reply);
  if (json) {
    out["reloaded"] = true;
    out["notes"] = said;
    print_json(out);
  } else {
    for (const auto &n : said)
      std::fprintf(stderr, "%s%s", n.c_str(),
                   !n.empty() && n.back() == '\n' ? "" : "\n");
    std::printf("reloaded: %s\n", said.empty()
                                      ? "every policy file is in force"
                                      : "some files were left out (above)");
  }
  return said.empty() ? 0 : 1;
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
  // Padded first, then painted: escapes would count in printf's widths.
  auto pad = [](const std::string &text, int width) {
    const size_t w = static_cast<size_t>(width < 0 ? -width : width);
    const std::string fill(text.size() < w ? w - text.size() : 0, ' ');
    return width < 0 ? text + fill : fill + text; // negative: left-aligned
  };
  std::printf("%s\n",
              paint(stdout, "1",
                    pad("NAME", -24) + " " + pad("MODE", -8) + " " +
                        pad("RULES", 6) + " " + pad("GEN", 5) + " " +
                        pad("BLOCKED", 8) + " " + pad("WOULD", 8) + "  SOURCE")
                  .c_str());
  for (const auto &f : files) {
    const uint64_t blocked = f.total(&Listed::Rule::blocked);
    const uint64_t would = f.total(&Listed::Rule::would);
    // enforce green, audit yellow; counts that are not 0 stand out.
    std::printf(
        "%s %s %6llu %5llu %s %s  %s%s\n",
        paint(stdout, "1", pad(f.name, -24)).c_str(),
        paint(stdout, f.mode == "enforce" ? "32" : "33", pad(f.mode, -8))
            .c_str(),
        u(f.rules), u(f.generation),
        paint(stdout, blocked ? "1;31" : "0", pad(std::to_string(blocked), 8))
            .c_str(),
        paint(stdout, would ? "1;33" : "0", pad(std::to_string(would), 8))
            .c_str(),
        f.source.c_str(), f.from_config ? " (config)" : "");
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
  cmd->add_flag("--json", o->json, "one JSON object on stdout");
  cmd->callback([o, &status] { status = apply(*o); });
}

void add_remove(CLI::App &app, int &status) {
  auto name = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "remove", "Take a policy file out of force in palisaded (root).");
  cmd->add_option("name", *name, "as `enforcectl list` shows it")->required();
  cmd->add_flag("--json", *json, "one JSON object on stdout");
  cmd->callback([name, json, &status] { status = remove(*name, *json); });
}

void add_reload(CLI::App &app, int &status) {
  auto json = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "reload", "Make palisaded re-read its policy directories, as "
                "`systemctl reload palisaded` does; exit 1 when a file was "
                "left out (root).");
  cmd->add_flag("--json", *json, "one JSON object on stdout");
  cmd->callback([json, &status] { status = reload(*json); });
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
