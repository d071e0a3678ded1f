#include "palisade/enforce/kernel_fs.h"

#include <cerrno>
#include <cstring>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

namespace palisade::enforce {
namespace {

// Magic numbers from linux/magic.h, spelled out to keep the include list
// short.
constexpr long kSecurityfsMagic = 0x73636673;
constexpr long kBpffsMagic = 0xcafe4a11;
constexpr long kTracefsMagic = 0x74726163;

bool mounted_as(const char *dir, long magic) {
  struct statfs st {};
  return statfs(dir, &st) == 0 && st.f_type == magic;
}

std::string ensure(const char *type, const char *dir, long magic) {
  if (mounted_as(dir, magic))
    return "";
  mkdir(dir, 0700);
  if (mount(type, dir, type, 0, nullptr) != 0 && !mounted_as(dir, magic))
    return std::string("mount ") + type + " on " + dir + ": " +
           std::strerror(errno) + "; ";
  return "";
}

} // namespace

std::string ensure_kernel_filesystems() {
  std::string err;
  err += ensure("securityfs", "/sys/kernel/security", kSecurityfsMagic);
  err += ensure("bpf", "/sys/fs/bpf", kBpffsMagic);
  err += ensure("tracefs", "/sys/kernel/tracing", kTracefsMagic);
  return err;
}

} // namespace palisade::enforce
