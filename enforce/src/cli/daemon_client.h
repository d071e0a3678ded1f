// enforcectl's side of the bus: a connection to palisaded and its
// errors in words.
#pragma once

#include <memory>
#include <string>

#include <systemd/sd-bus.h>

namespace palisade::enforce::cli {

class DaemonClient {
public:
  // Null, with `why` saying how to start it, when no palisaded owns the
  // name on the system bus (DBUS_SYSTEM_BUS_ADDRESS picks another bus).
  static std::unique_ptr<DaemonClient> connect(std::string &why);
  ~DaemonClient();

  // Calls `method` of org.palisade.Enforcer1 with `types` and the
  // arguments; on success the reply is in `reply` (the caller unrefs it),
  // on an error `error` says it: the message, and the error's D-Bus name
  // in `error_name`.
  template <typename... Args>
  bool call(const char *method, sd_bus_message **reply, std::string &error,
            std::string &error_name, const char *types, Args... args) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    const int r = sd_bus_call_method(bus_, kName, kPath, kIface, method, &e,
                                     reply, types, args...);
    const bool ok = r >= 0;
    if (!ok)
      describe(e, r, error, error_name);
    sd_bus_error_free(&e);
    return ok;
  }

  // "org.palisade.Enforcer1.Error.InvalidPolicy" -> "InvalidPolicy".
  static std::string short_name(const std::string &error_name);
  // Whether the daemon answered with a refusal (nothing changed), as
  // opposed to no answer at all (a timeout: it may still be applying).
  static bool refused(const std::string &error_name);

private:
  explicit DaemonClient(sd_bus *bus) : bus_(bus) {}
  static void describe(const sd_bus_error &e, int r, std::string &error,
                       std::string &error_name);

  static const char *const kName, *const kPath, *const kIface;
  sd_bus *bus_;
};

} // namespace palisade::enforce::cli
