// Events for evaluator and explain tests, one constructor per kind.
#pragma once

#include <arpa/inet.h>

#include <string>

#include <palisade/abi.h>

#include <gtest/gtest.h>

#include "palisade/engine/evaluate.h"
#include "palisade/engine/explain.h"

namespace palisade::engine::test {

inline Event event_of(uint32_t kind, std::string path,
                      std::string binary = "/usr/bin/bash") {
  Event ev;
  ev.kind = kind;
  ev.path = std::move(path);
  ev.binary = std::move(binary);
  return ev;
}

// An open by cat with the PAL_ACCESS_* intents `access`.
inline Event open_of(std::string path, uint32_t access) {
  Event ev = event_of(PAL_EVENT_OPEN, std::move(path), "/usr/bin/cat");
  ev.access = access;
  return ev;
}

// A rename by mv of `from` to `to`.
inline Event rename_of(std::string from, std::string to) {
  Event ev = event_of(PAL_EVENT_RENAME, std::move(from), "/usr/bin/mv");
  ev.target = std::move(to);
  return ev;
}

// A network event of `kind` (PAL_EVENT_CONNECT, _BIND, _LISTEN) by curl:
// a dotted address is an ipv4 one (kept as ::ffff:a.b.c.d, as the kernel
// reports it), any other an ipv6 one; protocol 6 (tcp) or 17 (udp).
inline Event net_of(uint32_t kind, const std::string &address, uint16_t port,
                    uint8_t protocol = 6,
                    std::string binary = "/usr/bin/curl") {
  Event ev;
  ev.kind = kind;
  ev.binary = std::move(binary);
  ev.port = port;
  ev.protocol = protocol;
  if (inet_pton(AF_INET, address.c_str(), ev.address.data() + 12) == 1) {
    ev.address[10] = ev.address[11] = 0xff;
    ev.family = 4;
  } else {
    inet_pton(AF_INET6, address.c_str(), ev.address.data());
    ev.family = 6;
  }
  return ev;
}

inline Event connect_to(const std::string &address, uint16_t port,
                        uint8_t protocol = 6) {
  return net_of(PAL_EVENT_CONNECT, address, port, protocol);
}

// `ev` in the cgroup `path`.
inline Event in_cgroup(Event ev, std::string path) {
  ev.cgroup = std::move(path);
  ev.cgroup_known = true;
  return ev;
}

// An event from explain's JSON; fails the test when it is refused.
inline Event parse(const std::string &text) {
  std::string error;
  auto ev = event_from_json(text, error);
  EXPECT_TRUE(ev) << text << ": " << error;
  return ev.value_or(Event{});
}

// Why explain's JSON refuses `text`; fails the test when it is accepted.
inline std::string error_of(const std::string &text) {
  std::string error;
  EXPECT_FALSE(event_from_json(text, error)) << text;
  return error;
}

} // namespace palisade::engine::test
