// Warns about rule values that are not the path the kernel will report on
// this machine. Rules match the kernel-resolved file, so a rule naming a
// symlink (/usr/bin/nc -> /etc/alternatives/nc -> /usr/bin/nc.openbsd) or a
// path through one (/bin/sh, with /bin -> usr/bin on merged-/usr systems)
// never matches. Lives in enforce/ because it reads the filesystem; the
// engine stays pure.
#pragma once

#include <vector>

#include "palisade/dsl/ast.h"
#include "palisade/dsl/diagnostics.h"

namespace palisade::enforce {

// One warning per literal path value (in rules and in `let` sets) that
// exists here and resolves to a different path.
void warn_symlinked_values(const std::vector<dsl::PolicyFile> &files,
                           dsl::Diagnostics &diags);

} // namespace palisade::enforce
