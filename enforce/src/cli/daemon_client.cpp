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
  return std::unique_ptr<DaemonClient>(new DaemonClient(bus));
}

DaemonClient::~DaemonClient() { sd_bus_flush_close_unref(bus_); }

void DaemonClient::describe(const sd_bus_error &e, int r, std::string &error,
                            std::string &error_name) {
  const std::string name = e.name ? e.name : "";
  const size_t dot = name.rfind('.');
  error_name = dot == std::string::npos ? name : name.substr(dot + 1);
  error = e.message ? e.message : std::strerror(-r);
}

} // namespace palisade::enforce::cli
