// palisaded: the enforcement service. Enforces the stored policy files
// and the admin's (PolicyService), serves org.palisade.Enforcer1 on the
// system bus (BusApi; DBUS_SYSTEM_BUS_ADDRESS points it at another bus),
// and runs one sd-event loop: bus calls, ring buffer records into the
// audit trail, SIGHUP reloads, SIGTERM/SIGINT stop. READY=1 reaches
// systemd once the stored policies are enforced.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/epoll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bus_api.h"
#include "palisade/enforce/heap_pages.h"
#include "palisade/enforce/libbpf_log.h"
#include "policy_service.h"

namespace {

using palisade::enforce::daemon::BusApi;
using palisade::enforce::daemon::PolicyService;

struct Daemon {
  PolicyService *service = nullptr;
  sd_event *event = nullptr;
  sd_event_source *ring = nullptr;

  // Watches the ring buffer once the programs are loaded (first apply).
  void watch_ring() {
    const int fd = service->session().event_fd();
    if (ring || fd < 0)
      return;
    const int r = sd_event_add_io(
        event, &ring, fd, EPOLLIN,
        [](sd_event_source *, int, uint32_t, void *self) {
          static_cast<Daemon *>(self)->service->session().poll(0);
          return 0;
        },
        this);
    if (r < 0) // enforcement goes on; only the trail would stop
      std::fprintf(stderr, "palisaded: watch the ring buffer: %s\n",
                   std::strerror(-r));
  }

  void notify_status() {
    size_t files = 0, rules = 0;
    for (const auto &u : service->list())
      files++, rules += u.rules;
    sd_notifyf(
        0, "STATUS=%zu policy files, %zu rules in force, generation %llu",
        files, rules, static_cast<unsigned long long>(service->generation()));
  }
};

void log_notes(const std::vector<std::string> &notes) {
  for (const auto &n : notes)
    std::fprintf(stderr, "palisaded: %s\n", n.c_str());
}

} // namespace

int main(int argc, char **argv) {
  palisade::enforce::prefer_huge_heap_pages();
  palisade::enforce::install_libbpf_logger();
  PolicyService::Options options;
  // Any later policy fits; the programs outlive the process.
  options.session.capacity =
      palisade::enforce::Session::Options::Capacity::Full;
  options.session.persist = true;
  CLI::App app{"palisaded: the Palisade enforcement service "
               "(org.palisade.Enforcer1 on the system bus).",
               "palisaded"};
  app.add_option("--state-dir", options.state_dir,
                 "where policy files sent with Apply are stored")
      ->capture_default_str();
  app.add_option("--config-dir", options.config_dir,
                 "the admin's policy files (NAME.rules), read at start and "
                 "on reload")
      ->capture_default_str();
  app.add_option("--audit-log", options.session.audit_log,
                 "JSON lines audit trail")
      ->capture_default_str();
  std::string on_stop = "remove";
  app.add_option("--on-stop", on_stop,
                 "remove: a clean stop (SIGTERM) removes enforcement; keep: "
                 "it stays in force and the next start adopts it (a crash "
                 "always keeps it)")
      ->check(CLI::IsMember({"remove", "keep"}))
      ->capture_default_str();
  app.add_option("--mechanism", options.session.mechanism,
                 "auto: what the probe proves runs; tracepoint: the fallbacks")
      ->check(CLI::IsMember({"auto", "tracepoint"}))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    if (e.get_exit_code() == 0)
      return app.exit(e);
    std::fprintf(stderr, "palisaded: %s\nRun `palisaded --help` for usage.\n",
                 e.what());
    return 2;
  }
  if (geteuid() != 0) {
    std::fputs("palisaded: needs root (it loads BPF programs)\n", stderr);
    return 1;
  }

  Daemon d;
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP})
    sigaddset(&signals, s);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  if (int r = sd_event_default(&d.event); r < 0) {
    std::fprintf(stderr, "palisaded: event loop: %s\n", std::strerror(-r));
    return 1;
  }
  for (int s : {SIGTERM, SIGINT}) // no handler: the loop exits
    if (int r = sd_event_add_signal(d.event, nullptr, s, nullptr, nullptr);
        r < 0) {
      std::fprintf(stderr, "palisaded: signal %d: %s\n", s, std::strerror(-r));
      return 1;
    }

  PolicyService service(options, nullptr); // events go to the trail
  d.service = &service;
  for (const auto &w : service.session().warnings())
    std::fprintf(stderr, "palisaded: warning: %s\n", w.c_str());
  // The claim first: a second daemon (or `run`) must not load a second
  // set of programs. Then the enforcement a killed daemon left, if any.
  std::string error;
  const auto took = service.session().take_over(error);
  if (!took) {
    std::fprintf(stderr, "palisaded: %s\n", error.c_str());
    return 1;
  }
  if (took->adopted)
    std::fprintf(stderr,
                 "palisaded: adopted the enforcement of pid %d: its "
                 "programs stay attached, nothing reloaded\n",
                 took->previous_pid);
  else if (took->previous_pid)
    std::fprintf(stderr,
                 "palisaded: the enforcement of pid %d stays in force until "
                 "this one replaces it: %s\n",
                 took->previous_pid, took->why_not.c_str());
  log_notes(service.start());
  d.watch_ring();

  sd_bus *bus = nullptr;
  if (int r = sd_bus_open_system(&bus); r < 0) {
    std::fprintf(stderr, "palisaded: system bus: %s\n", std::strerror(-r));
    return 1;
  }
  auto api = BusApi::create(
      bus, service,
      [&d] {
        d.watch_ring();
        d.notify_status();
      },
      error);
  if (!api) {
    std::fprintf(stderr, "palisaded: %s\n", error.c_str());
    return 1;
  }
  sd_event_add_signal(
      d.event, nullptr, SIGHUP,
      [](sd_event_source *, const struct signalfd_siginfo *, void *a) {
        static_cast<BusApi *>(a)->reload();
        return 0;
      },
      api.get());
  // The name last: a client that finds it finds the policies in force.
  if (int r = sd_bus_request_name(bus, palisade::enforce::daemon::kBusName, 0);
      r < 0) {
    std::fprintf(stderr, "palisaded: own %s: %s\n",
                 palisade::enforce::daemon::kBusName, std::strerror(-r));
    return 1;
  }
  // A lost bus ends the loop: systemd restarts the service on failure.
  sd_bus_set_exit_on_disconnect(bus, 1);
  if (int r = sd_bus_attach_event(bus, d.event, SD_EVENT_PRIORITY_NORMAL);
      r < 0) {
    std::fprintf(stderr, "palisaded: bus on the event loop: %s\n",
                 std::strerror(-r));
    return 1;
  }
  d.notify_status();
  sd_notify(0, "READY=1");
  std::fprintf(stderr, "palisaded: ready\n");

  int r = sd_event_loop(d.event);
  sd_notify(0, "STOPPING=1");
  // A lost bus is a failure systemd restarts the service for: the next
  // one adopts what stays, so there is no moment without enforcement.
  const bool keep = on_stop == "keep" || r != 0;
  if (keep)
    service.session().keep_on_exit();
  api.reset();
  sd_bus_flush_close_unref(bus);
  sd_event_source_unref(d.ring);
  sd_event_unref(d.event);
  std::fprintf(stderr, "palisaded: stopped; enforcement %s\n",
               keep ? "kept in force" : "removed");
  return r != 0 ? 1 : 0; // 0: a signal stopped it; else the bus was lost
}
