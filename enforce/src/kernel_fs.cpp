#include "palisade/enforce/kernel_fs.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
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

std::string cgroup2_root() {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device, dir, type;
    if (fields >> device >> dir >> type && type == "cgroup2")
      return dir;
  }
  return "";
}

} // namespace palisade::enforce
