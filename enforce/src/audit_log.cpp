#include "palisade/enforce/audit_log.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace palisade::enforce {

AuditLog::~AuditLog() {
  if (fd_ >= 0)
    close(fd_);
}

std::string AuditLog::open(Options options) {
  options_ = std::move(options);
  std::error_code ec;
  auto parent = std::filesystem::path(options_.path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
               0640);
  if (fd_ < 0)
    return "open audit log " + options_.path + ": " + std::strerror(errno);
  struct stat st {};
  size_ = fstat(fd_, &st) == 0 ? uint64_t(st.st_size) : 0;
  return "";
}

void AuditLog::rotate() {
  close(fd_);
  fd_ = -1;
  // path.(N-1) -> path.N, ..., path -> path.1
  for (unsigned i = options_.keep; i > 1; i--)
    std::rename((options_.path + "." + std::to_string(i - 1)).c_str(),
                (options_.path + "." + std::to_string(i)).c_str());
  if (options_.keep > 0)
    std::rename(options_.path.c_str(), (options_.path + ".1").c_str());
  else
    unlink(options_.path.c_str());
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
               0640);
  size_ = 0;
}

bool AuditLog::append(const std::string &line) {
  if (fd_ < 0) {
    failed_++;
    return false;
  }
  if (size_ > 0 && size_ + line.size() + 1 > options_.max_bytes)
    rotate();
  std::string whole = line;
  whole.push_back('\n');
  // O_APPEND: the kernel places the whole buffer at the end in one step.
  ssize_t n;
  do {
    n = write(fd_, whole.data(), whole.size());
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(whole.size())) {
    failed_++;
    return false;
  }
  size_ += whole.size();
  return true;
}

} // namespace palisade::enforce
