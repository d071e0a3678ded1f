// The pseudo file systems BPF enforcement needs, mounted when missing
// (a fresh VM or container may have none of them).
#pragma once

#include <string>

namespace palisade::enforce {

// Mounts securityfs, bpffs and tracefs at their usual places if they are
// not mounted yet. Returns "" or a description of what failed.
std::string ensure_kernel_filesystems();

// Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or
// /sys/fs/cgroup/unified on a hybrid system), "" when it is not. Network
// programs attach at its root, which every process is under.
std::string cgroup2_root();

} // namespace palisade::enforce
