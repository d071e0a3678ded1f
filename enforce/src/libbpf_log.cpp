#include "palisade/enforce/libbpf_log.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <bpf/libbpf.h>

namespace palisade::enforce {
namespace {

// One process-wide sink; libbpf's print callback has no user pointer.
bool g_capturing = false;
std::string g_captured;

int print(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (g_capturing) {
    char buf[1024];
    std::vsnprintf(buf, sizeof(buf), fmt, args);
    g_captured += buf;
    return 0;
  }
  if (level == LIBBPF_DEBUG) {
    const char *dbg = std::getenv("PALISADE_LIBBPF_DEBUG");
    if (!dbg || std::strcmp(dbg, "1") != 0)
      return 0;
  }
  return std::vfprintf(stderr, fmt, args);
}

} // namespace

void install_libbpf_logger() { libbpf_set_print(print); }

CapturedLibbpfLog::CapturedLibbpfLog() {
  install_libbpf_logger();
  g_captured.clear();
  g_capturing = true;
}

CapturedLibbpfLog::~CapturedLibbpfLog() { g_capturing = false; }

const std::string &CapturedLibbpfLog::text() const { return g_captured; }

} // namespace palisade::enforce
