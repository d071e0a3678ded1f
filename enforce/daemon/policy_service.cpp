#include "policy_service.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace palisade::enforce::daemon {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Written whole to a temporary file in the same directory, synced, then
// renamed: after a crash the file is the old one or the new one.
bool write_atomically(const fs::path &path, const std::string &text,
                      std::string &error) {
  const fs::path tmp =
      path.parent_path() / ("." + path.filename().string() + ".tmp");
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    ok = n > 0 || (n < 0 && errno == EINTR);
    done += n > 0 ? static_cast<size_t>(n) : 0;
  }
  ok = ok && fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0)
    close(fd);
  if (ok && std::rename(tmp.c_str(), path.c_str()) == 0)
    return true;
  error = "write " + path.string() + ": " + std::strerror(ok ? errno : err);
  std::error_code ec;
  fs::remove(tmp, ec);
  return false;
}

std::optional<dsl::Mode> parse_mode(const std::string &mode) {
  if (mode == "enforce")
    return dsl::Mode::Enforce;
  if (mode == "audit")
    return dsl::Mode::Audit;
  return std::nullopt;
}

// NAME.rules files of `dir`, by name.
std::map<std::string, fs::path> rules_files(const std::string &dir) {
  std::map<std::string, fs::path> out;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir, ec)) {
    const fs::path &p = entry.path();
    if (p.extension() == ".rules" && entry.is_regular_file(ec) &&
        valid_unit_name(p.stem().string()))
      out[p.stem().string()] = p;
  }
  return out;
}

} // namespace

bool valid_unit_name(const std::string &name) {
  if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-')
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
        c != '.')
      return false;
  return true;
}

PolicyService::PolicyService(Options options, Session::EventHandler on_event)
    : options_(std::move(options)),
      session_(Session::create(options_.session, std::move(on_event))),
      started_(std::chrono::steady_clock::now()) {}

std::chrono::seconds PolicyService::uptime() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - started_);
}

std::vector<std::string> PolicyService::start() {
  std::vector<std::string> notes;
  std::map<std::string, dsl::Mode> modes;
  if (auto text = read_file(fs::path(options_.state_dir) / "state.json")) {
    auto state = nlohmann::json::parse(*text, nullptr, false);
    // Generations go on across restarts: a number names one apply only.
    if (state.is_object() && state["generation"].is_number_unsigned())
      generation_ = std::max(generation_, state["generation"].get<uint64_t>());
    if (state.is_object() && state.contains("modes"))
      for (const auto &[name, mode] : state["modes"].items())
        if (mode.is_string())
          if (auto m = parse_mode(mode.get<std::string>()))
            modes[name] = *m;
  }
  Units units;
  auto add = [&](const std::map<std::string, fs::path> &files, bool config) {
    for (const auto &[name, path] : files) {
      if (units.count(name)) {
        notes.push_back(path.string() + ": left out: a policy file named '" +
                        name + "' is already loaded from " + units[name].path);
        continue;
      }
      auto text = read_file(path);
      if (!text) {
        notes.push_back(path.string() + ": " + std::strerror(errno));
        continue;
      }
      Unit u;
      u.text = *text;
      u.path = path.string();
      u.from_config = config;
      if (auto it = modes.find(name); it != modes.end())
        u.mode = it->second;
      // Each file alone first, so one broken file leaves the rest in force;
      // on a reload, a file that no longer compiles keeps the version in
      // force (its protection must not go with a typo).
      dsl::Diagnostics diags;
      if (!session_->compile({PolicySource{u.path, u.text, u.mode}}, diags)) {
        auto kept = units_.find(name);
        const bool keep = kept != units_.end() && kept->second.path == u.path;
        notes.push_back(path.string() +
                        (keep ? ": does not compile; the version in force "
                                "stays:\n"
                              : ": left out:\n") +
                        diags.render());
        if (keep)
          units[name] = kept->second;
        continue;
      }
      auto same = units_.find(name);
      u.generation = same != units_.end() && same->second.text == u.text
                         ? same->second.generation
                         : generation_ + 1;
      units[name] = std::move(u);
    }
  };
  add(rules_files(options_.config_dir), true);
  add(rules_files(options_.state_dir), false);
  if (units.empty() && !session_->running())
    return notes; // nothing to load yet
  if (!caught_up_) {
    // An adopted enforcement's buffered records first, named by these
    // files if they are what it enforces.
    std::vector<PolicySource> in_force;
    for (const auto &[name, u] : units)
      in_force.push_back({u.path, u.text, u.mode});
    if (int n = session_->catch_up(in_force); n > 0)
      notes.push_back(std::to_string(n) +
                      " events buffered while no daemon ran are in the trail");
    caught_up_ = true;
  }
  std::vector<std::string> warnings;
  if (auto err = enforce(std::move(units), warnings))
    notes.push_back("the policy files could not be enforced together: " +
                    err->message);
  for (auto &w : warnings)
    notes.push_back(std::move(w));
  return notes;
}

std::optional<ServiceError>
PolicyService::enforce(Units units, std::vector<std::string> &warnings) {
  std::vector<PolicySource> sources;
  std::map<std::string, Unit *> by_path;
  for (auto &[name, u] : units) {
    sources.push_back({u.path, u.text, u.mode});
    by_path[u.path] = &u;
    u.policies.clear();
    u.policy_modes.clear();
    u.rules = 0;
  }
  dsl::Diagnostics diags;
  auto compiled = session_->compile(sources, diags);
  if (!compiled) {
    const std::string text = diags.render();
    const bool unsupported =
        text.find("cannot be enforced on this kernel") != std::string::npos;
    return ServiceError{unsupported ? "Unsupported" : "InvalidPolicy", text};
  }
  std::map<uint32_t, Unit *> by_index;
  for (const auto &p : compiled->policies) {
    Unit *u = by_path.at(p.loc.file_name());
    u->policies.push_back(p.name);
    u->policy_modes.push_back(p.mode);
    by_index[p.index] = u;
  }
  for (const auto &r : compiled->rules)
    by_index.at(r.policy_index)->rules++;
  std::string error;
  if (!session_->apply(std::move(*compiled), error))
    return ServiceError{"ApplyFailed", error};
  if (const std::string text = diags.render(); !text.empty())
    warnings.push_back(text);
  units_ = std::move(units);
  generation_++;
  std::string error_saving;
  if (!save_state(error_saving)) // in force; a restart may reuse a number
    warnings.push_back("generation not stored: " + error_saving);
  return std::nullopt;
}

std::optional<ServiceError>
PolicyService::apply(const std::string &name, const std::string &source,
                     const std::string &format, const std::string &mode,
                     uint64_t &generation, std::vector<std::string> &warnings) {
  if (!valid_unit_name(name))
    return ServiceError{
        "InvalidArgs",
        "'" + name +
            "' is not a policy name: use letters, "
            "digits, '-', '_' and '.', at most 64, not first '.'"};
  if (format == "yaml")
    return ServiceError{"Unsupported",
                        "Tetragon YAML is not accepted yet; send .rules"};
  if (!format.empty() && format != "rules")
    return ServiceError{"InvalidArgs",
                        "format '" + format + "': use \"rules\" (or \"\")"};
  if (!mode.empty() && !parse_mode(mode))
    return ServiceError{"InvalidArgs",
                        "mode '" + mode + "': use enforce, audit or \"\""};
  if (auto it = units_.find(name); it != units_.end() && it->second.from_config)
    return ServiceError{"ReadOnly", "'" + name + "' comes from " +
                                        it->second.path +
                                        "; change that file and Reload"};
  std::error_code ec;
  fs::create_directories(options_.state_dir, ec);
  const fs::path path = fs::path(options_.state_dir) / (name + ".rules");
  const fs::path staged =
      fs::path(options_.state_dir) / ("." + name + ".rules.new");
  std::string error;
  // Staged before the kernel is touched: a policy in force is always one
  // that can be stored.
  if (!write_atomically(staged, source, error))
    return ServiceError{"ApplyFailed", error};
  Units next = units_;
  Unit &u = next[name];
  u.text = source;
  u.path = path.string();
  u.from_config = false;
  u.mode = parse_mode(mode);
  u.generation = generation_ + 1;
  if (auto err = enforce(std::move(next), warnings)) {
    fs::remove(staged, ec);
    return err;
  }
  // enforce() stored the modes and the generation already.
  if (std::rename(staged.c_str(), path.c_str()) != 0)
    warnings.push_back("in force but not stored: " +
                       std::string(std::strerror(errno)));
  generation = generation_;
  return std::nullopt;
}

std::optional<ServiceError> PolicyService::remove(const std::string &name) {
  auto it = units_.find(name);
  if (it == units_.end())
    return ServiceError{"NotFound", "no policy file named '" + name + "'"};
  if (it->second.from_config)
    return ServiceError{"ReadOnly", "'" + name + "' comes from " +
                                        it->second.path +
                                        "; delete that file and Reload"};
  Units next = units_;
  next.erase(name);
  std::vector<std::string> warnings;
  if (auto err = enforce(std::move(next), warnings))
    return err;
  std::error_code ec;
  if (!fs::remove(fs::path(options_.state_dir) / (name + ".rules"), ec))
    // Out of force; a restart would bring it back.
    std::fprintf(stderr,
                 "palisaded: warning: %s: removed but still stored: %s\n",
                 name.c_str(), ec.message().c_str());
  return std::nullopt;
}

std::optional<ServiceError> PolicyService::set_mode(const std::string &name,
                                                    const std::string &mode) {
  auto it = units_.find(name);
  if (it == units_.end())
    return ServiceError{"NotFound", "no policy file named '" + name + "'"};
  const auto m = parse_mode(mode);
  if (!m)
    return ServiceError{"InvalidArgs",
                        "mode '" + mode + "': use enforce or audit"};
  Unit &u = it->second;
  // All of the file's policies or none: a failure switches back the ones
  // already switched.
  for (size_t i = 0; i < u.policies.size(); ++i) {
    std::string error;
    if (!session_->set_mode(u.policies[i], *m, error)) {
      for (size_t j = 0; j < i; ++j)
        session_->set_mode(u.policies[j], u.policy_modes[j], error);
      return ServiceError{"ApplyFailed", error};
    }
  }
  u.mode = m;
  u.policy_modes.assign(u.policies.size(), *m);
  std::string error;
  if (!save_state(error)) // in force; only a restart would forget it
    std::fprintf(stderr, "palisaded: warning: %s: mode not stored: %s\n",
                 name.c_str(), error.c_str());
  return std::nullopt;
}

bool PolicyService::save_state(std::string &error) const {
  nlohmann::json modes = nlohmann::json::object();
  for (const auto &[name, u] : units_)
    if (u.mode)
      modes[name] = dsl::keyword(*u.mode);
  std::error_code ec;
  fs::create_directories(options_.state_dir, ec);
  const nlohmann::json state{{"modes", modes}, {"generation", generation_}};
  return write_atomically(fs::path(options_.state_dir) / "state.json",
                          state.dump() + "\n", error);
}

std::vector<UnitInfo> PolicyService::list() const {
  std::vector<UnitInfo> out;
  const auto hits = session_->rule_hits();
  for (const auto &[name, u] : units_) {
    UnitInfo info{name,         u.path,  u.from_config, "",
                  u.generation, u.rules, u.policies,    {}};
    for (dsl::Mode m : u.policy_modes) {
      const std::string k = dsl::keyword(m);
      info.mode = info.mode.empty() || info.mode == k ? k : "mixed";
    }
    for (const auto &r : hits)
      if (r.rule.loc.file_name() == u.path)
        info.rule_hits.push_back({r.policy, r.rule.source_text,
                                  static_cast<uint32_t>(r.rule.loc.line),
                                  r.hits});
    out.push_back(std::move(info));
  }
  return out;
}

} // namespace palisade::enforce::daemon
