// The D-Bus face of palisaded: object /org/palisade/Enforcer1, interface
// org.palisade.Enforcer1 (docs/dbus.md), over PolicyService. Anyone may
// call Status and List; Apply, Remove, SetMode and Reload need a caller
// whose effective uid is 0, checked here from the sender's credentials
// whatever the bus policy allows. A refusal is an error named
// org.palisade.Enforcer1.Error.<ServiceError::name>.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "palisade/enforce/dbus_names.h"
#include "policy_service.h"

struct sd_bus;
struct sd_bus_slot;

namespace palisade::enforce::daemon {

using enforce::kBusName;
using enforce::kErrorPrefix;
using enforce::kInterface;
using enforce::kObjectPath;

class BusApi {
public:
  // `after_change` runs after every change that reached the kernel (the
  // event loop starts watching the ring buffer once there is one).
  static std::unique_ptr<BusApi> create(sd_bus *bus, PolicyService &service,
                                        std::function<void()> after_change,
                                        std::string &error);
  ~BusApi();

  PolicyService &service() { return service_; }
  // Emits PolicyChanged(name, change, generation) and runs after_change.
  void changed(const std::string &name, const char *change);
  // Re-reads the policy directories (Reload, SIGHUP): tells systemd it
  // reloads (RELOADING=1 ... READY=1), logs and returns the notes on the
  // files left out.
  std::vector<std::string> reload();

private:
  BusApi(sd_bus *bus, PolicyService &service, std::function<void()> after)
      : bus_(bus), service_(service), after_change_(std::move(after)) {}

  sd_bus *bus_;
  PolicyService &service_;
  std::function<void()> after_change_;
  sd_bus_slot *slot_ = nullptr;
};

} // namespace palisade::enforce::daemon
