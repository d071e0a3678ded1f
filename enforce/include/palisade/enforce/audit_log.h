// The audit trail: one JSON object per line, appended with a single
// write(2) per line so a reader never sees a torn line, rotated by size.
#pragma once

#include <cstdint>
#include <string>

namespace palisade::enforce {

class AuditLog {
public:
  struct Options {
    std::string path;
    uint64_t max_bytes = 64ull << 20; // rotate beyond this size
    unsigned keep = 5;                // path.1 .. path.N
  };

  AuditLog() = default;
  ~AuditLog();
  AuditLog(const AuditLog &) = delete;
  AuditLog &operator=(const AuditLog &) = delete;

  // Creates parent directories; returns "" or an error message.
  std::string open(Options options);

  // Appends `line` plus '\n'. Returns false if it could not be written
  // whole (counted in failed_writes()).
  bool append(const std::string &line);

  uint64_t failed_writes() const { return failed_; }
  bool is_open() const { return fd_ >= 0; }

private:
  void rotate();

  Options options_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t failed_ = 0;
};

} // namespace palisade::enforce
