#include "daemon_client.h"

#include <cstring>

#include "palisade/enforce/dbus_names.h"

namespace palisade::enforce::cli {

const char *const DaemonClient::kName = kBusName;
const char *const DaemonClient::kPath = kObjectPath;
const char *const DaemonClient::kIface = kInterface;

std::unique_ptr<DaemonClient> DaemonClient::connect(std::string &why) {
  sd_bus *bus = nullptr;
  if (int r = sd_bus_open_system(&bus); r < 0) {
    why = std::string("cannot reach the system bus: ") + std::strerror(-r);
    return nullptr;
  }
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = nullptr;
  int has_owner = 0;
  int r = sd_bus_call_method(bus, "org.freedesktop.DBus",
                             "/org/freedesktop/DBus", "org.freedesktop.DBus",
                             "NameHasOwner", &e, &reply, "s", kBusName);
  if (r >= 0)
    r = sd_bus_message_read(reply, "b", &has_owner);
  sd_bus_message_unref(reply);
  sd_bus_error_free(&e);
  if (r < 0 || !has_owner) {
    sd_bus_flush_close_unref(bus);
    why = "palisaded is not running (start it: systemctl start palisaded)";
    return nullptr;
  }
  // The first apply loads the programs (with full-size maps, and slowly on
  // an emulated CPU): wait for it rather than report a refusal that did
  // not happen.
  sd_bus_set_method_call_timeout(bus, 300ull * 1000 * 1000);
  return std::unique_ptr<DaemonClient>(new DaemonClient(bus));
}

std::string DaemonClient::short_name(const std::string &error_name) {
  const size_t dot = error_name.rfind('.');
  return dot == std::string::npos ? error_name : error_name.substr(dot + 1);
}

bool DaemonClient::refused(const std::string &error_name) {
  return error_name == SD_BUS_ERROR_ACCESS_DENIED ||
         error_name.rfind(kErrorPrefix, 0) == 0;
}

DaemonClient::~DaemonClient() { sd_bus_flush_close_unref(bus_); }

void DaemonClient::describe(const sd_bus_error &e, int r, std::string &error,
                            std::string &error_name) {
  error_name = e.name ? e.name : "";
  error = e.message ? e.message : std::strerror(-r);
}

} // namespace palisade::enforce::cli
