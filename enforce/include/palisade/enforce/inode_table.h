// Canonical names by inode (bpf/include/palisade/abi.h "canonical paths by
// inode", docs/abi.md "Canonical paths"): the files and directories the
// path, binary and target rules of a compiled policy name, stat()ed, so
// that the kernel's path walk recognises them when it reaches them by
// another name (a bind mount, a hard link). Lives in enforce/ because it
// reads the filesystem; the engine stays pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

#include "palisade/abi.h"
#include "palisade/engine/compile.h"

namespace palisade::enforce {

// st_dev as the kernel's sb->s_dev holds it: MKDEV(major, minor) is
// major << 20 | minor, while glibc's dev_t packs the numbers differently.
uint32_t kernel_dev(dev_t userspace_dev);

// The exact paths and "under" directories of the path, binary and target
// fields in an image, sorted and without duplicates ("/" left out: every
// walk ends there anyway).
std::vector<std::string> named_paths(const engine::MapImage &image);

struct InodeEntry {
  pal_inode_key key{};
  pal_inode value{};
};

struct InodeTable {
  std::vector<InodeEntry> entries; // by key
  pal_inode_slot header{};         // count and the ino bitmap
  // Names left out, one line each, for the operator: a path that does not
  // exist or is reached through a symlink needs none; two names of one
  // inode would make either rule miss, so that inode gets no entry.
  std::vector<std::string> notes;
};

// Stats `paths` (absolute, canonical) for `slot`. A path that is missing
// or not its own resolved name gets no entry: path matching still holds
// for it.
InodeTable build_inode_table(const std::vector<std::string> &paths,
                             uint32_t slot);

} // namespace palisade::enforce
