#include "palisade/enforce/inode_table.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace palisade::enforce {
namespace {

bool is_path_field(uint8_t field) {
  return field == PAL_FIELD_PATH || field == PAL_FIELD_BINARY ||
         field == PAL_FIELD_TARGET || field == PAL_FIELD_PARENT_BINARY;
}

// i_generation from the file handle the kernel would give an NFS client
// (name_to_handle_at), whose layout carries it for the file systems
// below: a new file that reuses the inode number gets another one. The
// file is never opened: an open rule of the policy in force could deny
// the loader (EPERM) or, with the tracepoint mechanism, kill it. Each
// layout is accepted only when the inode number in it is the one stat()
// saw; other file systems get no generation (matched by inode alone).
bool read_generation(const std::string &path, const struct stat &st,
                     uint32_t &generation) {
  struct {
    file_handle head;
    unsigned char bytes[MAX_HANDLE_SZ];
  } fh{};
  fh.head.handle_bytes = MAX_HANDLE_SZ;
  int mount_id = 0;
  if (name_to_handle_at(AT_FDCWD, path.c_str(), &fh.head, &mount_id,
                        0 /* no AT_SYMLINK_FOLLOW: as lstat */) != 0)
    return false;
  const unsigned char *b = fh.head.f_handle;
  const size_t n = fh.head.handle_bytes;
  auto u32_at = [&](size_t off) {
    uint32_t v;
    std::memcpy(&v, b + off, sizeof v);
    return v;
  };
  auto u64_at = [&](size_t off) {
    uint64_t v;
    std::memcpy(&v, b + off, sizeof v);
    return v;
  };
  const auto ino32 = static_cast<uint32_t>(st.st_ino);
  switch (fh.head.handle_type) {
  case 1: // FILEID_INO32_GEN
  case 2: // FILEID_INO32_GEN_PARENT: ext2/3/4, xfs (32-bit inodes), ...
    if (n >= 8 && n != 12 && u32_at(0) == ino32 && ino32 == st.st_ino) {
      generation = u32_at(4);
      return true;
    }
    // tmpfs: generation, then the 64-bit inode number in two halves.
    if (n == 12 && (u32_at(4) | uint64_t{u32_at(8)} << 32) == st.st_ino) {
      generation = u32_at(0);
      return true;
    }
    return false;
  case 0x81: // xfs, 64-bit inode numbers: u64 ino, u32 gen (packed)
  case 0x82:
    if (n >= 12 && u64_at(0) == st.st_ino) {
      generation = u32_at(8);
      return true;
    }
    return false;
  case 0x4d: // btrfs: u64 objectid, u64 root, u32 gen (packed)
  case 0x4e:
  case 0x4f:
    if (n >= 20 && u64_at(0) == st.st_ino) {
      generation = u32_at(16);
      return true;
    }
    return false;
  default:
    return false;
  }
}

} // namespace

uint32_t kernel_dev(dev_t userspace_dev) {
  return (static_cast<uint32_t>(major(userspace_dev)) << 20) |
         (static_cast<uint32_t>(minor(userspace_dev)) & 0xfffffu);
}

std::vector<std::string> named_paths(const engine::MapImage &image) {
  std::set<std::string> out;
  if (auto it = image.maps.find("exact"); it != image.maps.end()) {
    for (const auto &e : it->second) {
      pal_exact_key k{};
      pal_exact v{};
      if (e.key.size() != sizeof k || e.value.size() != sizeof v)
        continue;
      std::memcpy(&k, e.key.data(), sizeof k);
      std::memcpy(&v, e.value.data(), sizeof v);
      if (is_path_field(static_cast<uint8_t>(k.field)) &&
          v.len <= sizeof v.path)
        out.insert(std::string(reinterpret_cast<const char *>(v.path), v.len));
    }
  }
  if (auto it = image.maps.find("atoms"); it != image.maps.end()) {
    for (const auto &e : it->second) {
      pal_lpm_key k{};
      if (e.key.size() != sizeof k)
        continue;
      std::memcpy(&k, e.key.data(), sizeof k);
      const size_t bytes = k.prefixlen / 8;
      if (bytes < 3 || bytes > PAL_LPM_DATA || !is_path_field(k.data[1]))
        continue;
      // A directory's key ends in '/': "/etc/secret/" names /etc/secret.
      std::string dir(reinterpret_cast<const char *>(k.data + 2), bytes - 2);
      while (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
      out.insert(dir);
    }
  }
  out.erase("/");
  return {out.begin(), out.end()};
}

InodeTable build_inode_table(const std::vector<std::string> &paths,
                             uint32_t slot) {
  InodeTable table;
  std::map<std::pair<uint32_t, uint64_t>, InodeEntry> by_inode;
  std::set<std::pair<uint32_t, uint64_t>> ambiguous;
  for (const std::string &path : paths) {
    if (path.size() < 2 || path.size() > PAL_MATCH_PATH_MAX || path[0] != '/')
      continue;
    char resolved[PATH_MAX];
    struct stat st {};
    // A name through a symlink never matches (symlink_check warns); it
    // must not rename the file it points to either.
    if (!realpath(path.c_str(), resolved) || path != resolved ||
        stat(path.c_str(), &st) != 0)
      continue;
    InodeEntry e;
    e.key.slot = slot;
    e.key.dev = kernel_dev(st.st_dev);
    e.key.ino = st.st_ino;
    e.value.len = static_cast<__u16>(path.size());
    std::memcpy(e.value.path, path.data(), path.size());
    if (read_generation(path, st, e.value.generation))
      e.value.flags |= PAL_INODE_GEN;
    const auto id = std::make_pair(e.key.dev, uint64_t{e.key.ino});
    auto [it, fresh] = by_inode.emplace(id, e);
    if (!fresh) {
      ambiguous.insert(id);
      table.notes.push_back(
          "'" + path + "' and '" +
          std::string(it->second.value.path, it->second.value.len) +
          "' are one file (hard links): neither is matched by inode, so "
          "other links to it are only matched by their own path");
    }
  }
  for (const auto &[id, e] : by_inode) {
    if (ambiguous.count(id))
      continue;
    if (table.entries.size() >= PAL_SLOT_INODES) {
      table.notes.push_back("more than " + std::to_string(PAL_SLOT_INODES) +
                            " named files: the rest are matched by path only");
      break;
    }
    table.entries.push_back(e);
    const uint64_t bit = e.key.ino % PAL_INODE_BLOOM_BITS;
    table.header.bloom[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  table.header.count = static_cast<__u32>(table.entries.size());
  return table;
}

} // namespace palisade::enforce
