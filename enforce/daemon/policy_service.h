// What palisaded does, apart from the bus: the named policy files it
// enforces (stored ones it was sent, and the admin's in the config
// directory), kept in force through one enforce::Session. Every change is
// all or nothing: the whole new set is compiled and applied first, and
// stored only once the kernel has it; on any failure the running set and
// the stored files stay as they were.
//
//   <state_dir>/NAME.rules   a policy file sent with Apply (written whole,
//                            then renamed into place)
//   <state_dir>/state.json   {"modes":{"NAME":"audit"|"enforce"},
//                            "generation":N}: the mode each file was
//                            switched to, if any, and the last generation
//   <config_dir>/NAME.rules  the admin's; read at start and on Reload
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "palisade/enforce/session.h"

namespace palisade::enforce::daemon {

// A refusal: the D-Bus error's last name component ("InvalidPolicy",
// "NotFound", "Unsupported", "InvalidArgs", "ReadOnly", "ApplyFailed")
// and its message (for a policy, the located diagnostics).
struct ServiceError {
  std::string name;
  std::string message;
};

struct UnitInfo {
  std::string name;
  std::string source_file;  // where it is stored
  bool from_config = false; // the admin's directory: read-only here
  std::string mode;         // "enforce", "audit", or "mixed" (per policy)
  uint64_t generation = 0;  // of the apply that last changed it
  size_t rules = 0;
  std::vector<std::string> policies; // the `policy "..."` blocks in it
  // Each rule of it in force, with the kernel's counts (Session::rule_hits).
  struct Rule {
    std::string policy, text;
    uint32_t line = 0;
    pal_rule_hits hits{};
  };
  std::vector<Rule> rule_hits;
};

class PolicyService {
public:
  struct Options {
    std::string state_dir = "/var/lib/palisade/policies";
    std::string config_dir = "/etc/palisade/policies.d";
    Session::Options session;
  };

  PolicyService(Options options, Session::EventHandler on_event);

  // Reads both directories and enforces every file that compiles; a file
  // that does not is left out, its diagnostics in the returned notes.
  std::vector<std::string> start();
  // start() again: the directories as they are now.
  std::vector<std::string> reload() { return start(); }

  // `mode`: "" keeps the modes the file names. Returns the generation.
  std::optional<ServiceError>
  apply(const std::string &name, const std::string &source,
        const std::string &format, const std::string &mode,
        uint64_t &generation, std::vector<std::string> &warnings);
  std::optional<ServiceError> remove(const std::string &name);
  std::optional<ServiceError> set_mode(const std::string &name,
                                       const std::string &mode);

  std::vector<UnitInfo> list() const;
  Session &session() { return *session_; }
  uint64_t generation() const { return generation_; }
  std::chrono::seconds uptime() const;

private:
  struct Unit {
    std::string text;
    std::string path; // stored file, shown in diagnostics
    bool from_config = false;
    std::optional<dsl::Mode> mode; // switched to, overriding the file
    uint64_t generation = 0;
    std::vector<std::string> policies;
    std::vector<dsl::Mode> policy_modes;
    size_t rules = 0;
  };
  using Units = std::map<std::string, Unit>;

  // Compiles and applies `units` as the whole set in force; on success
  // they become units_. `warnings` gets the non-fatal diagnostics.
  std::optional<ServiceError> enforce(Units units,
                                      std::vector<std::string> &warnings);
  bool save_state(std::string &error) const;

  Options options_;
  std::unique_ptr<Session> session_;
  Units units_;
  uint64_t generation_ = 0;
  bool caught_up_ = false; // an adopted enforcement's backlog was read
  std::chrono::steady_clock::time_point started_;
};

// Names a policy file may have: what a file name and a D-Bus string can
// both carry safely.
bool valid_unit_name(const std::string &name);

} // namespace palisade::enforce::daemon
