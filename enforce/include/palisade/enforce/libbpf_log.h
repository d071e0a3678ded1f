// Where libbpf's own messages go. By default warnings reach stderr (a
// verifier log on a failed load is what a user needs); while probing,
// refusals are expected, so they are captured instead of alarming anyone.
#pragma once

#include <string>

namespace palisade::enforce {

// Routes libbpf warnings to stderr; debug output only with
// PALISADE_LIBBPF_DEBUG=1 in the environment.
void install_libbpf_logger();

// While alive, libbpf messages are appended to a buffer instead.
class CapturedLibbpfLog {
public:
  CapturedLibbpfLog();
  ~CapturedLibbpfLog();
  CapturedLibbpfLog(const CapturedLibbpfLog &) = delete;
  CapturedLibbpfLog &operator=(const CapturedLibbpfLog &) = delete;
  const std::string &text() const;
};

} // namespace palisade::enforce
