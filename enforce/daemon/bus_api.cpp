#include "bus_api.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "palisade/abi.h"
#include "palisade/enforce/features.h"

namespace palisade::enforce::daemon {
namespace {

BusApi &api(void *userdata) { return *static_cast<BusApi *>(userdata); }

// > 0 when the caller's effective uid is 0; otherwise AccessDenied is set.
int require_root(sd_bus_message *m, sd_bus_error *err) {
  sd_bus_creds *creds = nullptr;
  int r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
  if (r < 0)
    return r;
  uid_t uid = 0;
  r = sd_bus_creds_get_euid(creds, &uid);
  sd_bus_creds_unref(creds);
  if (r < 0)
    return r;
  if (uid != 0)
    return sd_bus_error_setf(err, SD_BUS_ERROR_ACCESS_DENIED,
                             "only root may change what palisaded enforces "
                             "(caller uid %u); Status and List are open",
                             static_cast<unsigned>(uid));
  return 1;
}

int refuse(sd_bus_error *err, const ServiceError &e) {
  const std::string name = kErrorPrefix + e.name;
  return sd_bus_error_set(err, name.c_str(), e.message.c_str());
}

// A NULL-terminated char* array over `strings` (valid while they live).
std::vector<char *> strv(const std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (const auto &s : strings)
    out.push_back(const_cast<char *>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int on_apply(sd_bus_message *m, void *userdata, sd_bus_error *err) {
  if (int r = require_root(m, err); r <= 0)
    return r;
  const char *name, *source, *format, *mode;
  if (int r = sd_bus_message_read(m, "ssss", &name, &source, &format, &mode);
      r < 0)
    return r;
  uint64_t generation = 0;
  std::vector<std::string> warnings;
  if (auto e = api(userdata).service().apply(name, source, format, mode,
                                             generation, warnings))
    return refuse(err, *e);
  api(userdata).changed(name, "applied");
  sd_bus_message *reply = nullptr;
  int r = sd_bus_message_new_method_return(m, &reply);
  if (r >= 0)
    r = sd_bus_message_append(reply, "t", generation);
  if (r >= 0)
    r = sd_bus_message_append_strv(reply, strv(warnings).data());
  if (r >= 0)
    r = sd_bus_send(nullptr, reply, nullptr);
  sd_bus_message_unref(reply);
  return r;
}

int on_remove(sd_bus_message *m, void *userdata, sd_bus_error *err) {
  if (int r = require_root(m, err); r <= 0)
    return r;
  const char *name;
  if (int r = sd_bus_message_read(m, "s", &name); r < 0)
    return r;
  if (auto e = api(userdata).service().remove(name))
    return refuse(err, *e);
  api(userdata).changed(name, "removed");
  return sd_bus_reply_method_return(m, "");
}

int on_set_mode(sd_bus_message *m, void *userdata, sd_bus_error *err) {
  if (int r = require_root(m, err); r <= 0)
    return r;
  const char *name, *mode;
  if (int r = sd_bus_message_read(m, "ss", &name, &mode); r < 0)
    return r;
  if (auto e = api(userdata).service().set_mode(name, mode))
    return refuse(err, *e);
  api(userdata).changed(name, mode);
  return sd_bus_reply_method_return(m, "");
}

int on_reload(sd_bus_message *m, void *userdata, sd_bus_error *err) {
  if (int r = require_root(m, err); r <= 0)
    return r;
  const auto notes = api(userdata).reload();
  sd_bus_message *reply = nullptr;
  int r = sd_bus_message_new_method_return(m, &reply);
  if (r >= 0)
    r = sd_bus_message_append_strv(reply, strv(notes).data());
  if (r >= 0)
    r = sd_bus_send(nullptr, reply, nullptr);
  sd_bus_message_unref(reply);
  return r;
}

int on_list(sd_bus_message *m, void *userdata, sd_bus_error *) {
  sd_bus_message *reply = nullptr;
  int r = sd_bus_message_new_method_return(m, &reply);
  if (r >= 0)
    r = sd_bus_message_open_container(reply, 'a', "(ssbsttasa(ssutttt))");
  for (const UnitInfo &u : api(userdata).service().list()) {
    if (r >= 0)
      r = sd_bus_message_open_container(reply, 'r', "ssbsttasa(ssutttt)");
    if (r >= 0)
      r = sd_bus_message_append(
          reply, "ssbstt", u.name.c_str(), u.source_file.c_str(), u.from_config,
          u.mode.c_str(), u.generation, static_cast<uint64_t>(u.rules));
    if (r >= 0)
      r = sd_bus_message_append_strv(reply, strv(u.policies).data());
    if (r >= 0)
      r = sd_bus_message_open_container(reply, 'a', "(ssutttt)");
    for (const auto &h : u.rule_hits)
      if (r >= 0)
        r = sd_bus_message_append(reply, "(ssutttt)", h.policy.c_str(),
                                  h.text.c_str(), h.line,
                                  static_cast<uint64_t>(h.hits.blocked),
                                  static_cast<uint64_t>(h.hits.would),
                                  static_cast<uint64_t>(h.hits.allowed),
                                  static_cast<uint64_t>(h.hits.logged));
    if (r >= 0)
      r = sd_bus_message_close_container(reply);
    if (r >= 0)
      r = sd_bus_message_close_container(reply);
  }
  if (r >= 0)
    r = sd_bus_message_close_container(reply);
  if (r >= 0)
    r = sd_bus_send(nullptr, reply, nullptr);
  sd_bus_message_unref(reply);
  return r;
}

int on_status(sd_bus_message *m, void *userdata, sd_bus_error *) {
  PolicyService &service = api(userdata).service();
  Session &session = service.session();
  sd_bus_message *reply = nullptr;
  int r = sd_bus_message_new_method_return(m, &reply);
  if (r >= 0)
    r = sd_bus_message_open_container(reply, 'a', "(sss)");
  for (uint32_t h = 0; h < PAL_HOOKS && r >= 0; ++h) {
    const uint32_t mech = session.mechanism(h);
    r = sd_bus_message_append(reply, "(sss)", hook_name(h),
                              mechanism_name(mech),
                              mechanism_guarantee(h, mech));
  }
  if (r >= 0)
    r = sd_bus_message_close_container(reply);
  if (r >= 0)
    r = sd_bus_message_append(
        reply, "tttt", session.events_seen(), session.drops_seen(),
        static_cast<uint64_t>(service.uptime().count()), service.generation());
  if (r >= 0)
    r = sd_bus_send(nullptr, reply, nullptr);
  sd_bus_message_unref(reply);
  return r;
}

// An exception must not end the service (and with it enforcement): it
// becomes an error reply.
template <int (*Handler)(sd_bus_message *, void *, sd_bus_error *)>
int guarded(sd_bus_message *m, void *userdata, sd_bus_error *err) {
  try {
    return Handler(m, userdata, err);
  } catch (const std::exception &e) {
    return sd_bus_error_setf(err, SD_BUS_ERROR_FAILED, "palisaded: %s",
                             e.what());
  }
}

constexpr uint64_t kOpen = SD_BUS_VTABLE_UNPRIVILEGED; // checked in the handler

const sd_bus_vtable kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Apply", "ssss",
                             SD_BUS_PARAM(name) SD_BUS_PARAM(source)
                                 SD_BUS_PARAM(format) SD_BUS_PARAM(mode),
                             "tas",
                             SD_BUS_PARAM(generation) SD_BUS_PARAM(warnings),
                             guarded<on_apply>, kOpen),
    SD_BUS_METHOD_WITH_NAMES("Remove", "s", SD_BUS_PARAM(name), "", "",
                             guarded<on_remove>, kOpen),
    SD_BUS_METHOD_WITH_NAMES("SetMode", "ss",
                             SD_BUS_PARAM(name) SD_BUS_PARAM(mode), "", "",
                             guarded<on_set_mode>, kOpen),
    SD_BUS_METHOD_WITH_NAMES("List", "", "", "a(ssbsttasa(ssutttt))",
                             SD_BUS_PARAM(policies), guarded<on_list>, kOpen),
    SD_BUS_METHOD_WITH_NAMES("Status", "", "", "a(sss)tttt",
                             SD_BUS_PARAM(hooks) SD_BUS_PARAM(events)
                                 SD_BUS_PARAM(drops) SD_BUS_PARAM(uptime_s)
                                     SD_BUS_PARAM(generation),
                             guarded<on_status>, kOpen),
    SD_BUS_METHOD_WITH_NAMES("Reload", "", "", "as", SD_BUS_PARAM(notes),
                             guarded<on_reload>, kOpen),
    SD_BUS_SIGNAL_WITH_NAMES(
        "PolicyChanged", "sst",
        SD_BUS_PARAM(name) SD_BUS_PARAM(change) SD_BUS_PARAM(generation), 0),
    SD_BUS_VTABLE_END};

} // namespace

std::unique_ptr<BusApi> BusApi::create(sd_bus *bus, PolicyService &service,
                                       std::function<void()> after_change,
                                       std::string &error) {
  std::unique_ptr<BusApi> self(
      new BusApi(bus, service, std::move(after_change)));
  int r = sd_bus_add_object_vtable(bus, &self->slot_, kObjectPath, kInterface,
                                   kVtable, self.get());
  if (r < 0) {
    error = std::string("add the D-Bus object: ") + std::strerror(-r);
    return nullptr;
  }
  return self;
}

BusApi::~BusApi() { sd_bus_slot_unref(slot_); }

void BusApi::changed(const std::string &name, const char *change) {
  sd_bus_emit_signal(bus_, kObjectPath, kInterface, "PolicyChanged", "sst",
                     name.c_str(), change, service_.generation());
  if (after_change_)
    after_change_();
}

std::vector<std::string> BusApi::reload() {
  sd_notify(0, "RELOADING=1");
  auto notes = service_.reload();
  for (const auto &n : notes)
    std::fprintf(stderr, "palisaded: reload: %s\n", n.c_str());
  changed("", "reloaded"); // STATUS= too
  sd_notify(0, "READY=1");
  return notes;
}

} // namespace palisade::enforce::daemon
