// The reference evaluator: the userspace oracle of the in-kernel matcher.
// It decides an event from a compiled MapImage's bytes with exactly the
// algorithm of bpf/lib/match.h (one lookup per field, then the candidate
// lists of the entries found merged in rule order, the first rule per
// policy that holds decides), so the kernel can be tested against it, and
// it powers `enforcectl explain`.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <palisade/abi.h>

#include "palisade/engine/compile.h"

namespace palisade::engine {

// An event as the kernel sees it after path resolution (struct
// pal_match_input of abi.h, in words).
struct Event {
  uint32_t kind = PAL_EVENT_EXEC; // PAL_EVENT_*
  std::string path;               // kernel-resolved file of the event
  std::string binary; // caller's executable; "" with binary_known = false
  bool binary_known = true;
  bool path_truncated = false;    // path holds only the root-side head
  bool path_unresolved = false;   // nothing is known about the path
  std::string target;             // rename: the new name
  bool target_truncated = false;  // rename: target is only its head
  bool target_unresolved = false; // rename: nothing known about target
  uint32_t access = 0;            // open: PAL_ACCESS_* bits
  // The acting process's cgroup v2 path ("/system.slice/x.service"); the
  // kernel looks it up only when a rule of the slot names `cgroup`.
  std::string cgroup;
  bool cgroup_known = false;     // false: no lookup (PAL_PATH_UNKNOWN)
  bool cgroup_truncated = false; // only the root-side head
  // The executable of the acting process's parent (task->real_parent);
  // the kernel resolves it only when a rule of the slot names
  // `parent.binary`. Unknown (a kernel thread's child): no lookup.
  std::string parent_binary;
  bool parent_binary_known = false;
  // Network events (connect, bind, listen); no `path` there.
  uint16_t port = 0;                 // host order
  std::array<uint8_t, 16> address{}; // IPv6; IPv4 as ::ffff:a.b.c.d
  uint8_t protocol = 6;              // IPPROTO_TCP (6) or _UDP (17)
  uint8_t family = 4;                // 4 or 6
  // The acting task's identity (every event): real uid and gid,
  // effective uid, thread group id.
  uint32_t uid = 0, gid = 0, euid = 0, pid = 0;

  bool operator==(const Event &) const = default;
};

// Mirrors the kernel's struct pal_decision, and what the matcher test
// program reports besides (struct pal_match_output). Actions are PAL_ACT_*.
struct Verdict {
  uint32_t action = 0, policy = 0, rule_id = 0;
  uint32_t would = 0, would_policy = 0, would_rule_id = 0;
  bool fail_closed = false;
  uint32_t path_entry = 0, binary_entry = 0; // entry ids found; 0: none
  uint32_t target_entry = 0, access_entry = 0;
  uint32_t port_entry = 0, address_entry = 0;
  uint32_t protocol_entry = 0, family_entry = 0;
  uint32_t cgroup_entry = 0, parent_binary_entry = 0;
  uint32_t uid_entry = 0, gid_entry = 0, euid_entry = 0, pid_entry = 0;
  uint32_t considered = 0; // candidates whose term was evaluated

  bool operator==(const Verdict &) const = default;
};

// Whether the kernel fails closed for the event: a path it needs could not
// be resolved (the event's file; for a rename also the new name). Never
// for a network event: it has no file.
bool unresolved(const Event &ev);

// The event's address as text: dotted for an ipv4 event, else IPv6 text
// ("::ffff:10.1.2.3" for an IPv4-mapped one).
std::string address_text(const Event &ev);

// Decides `ev` against the image's slot, exactly as the kernel would.
Verdict evaluate(const MapImage &image, const Event &ev);

// The key hash of an exact path under `seed` (map "exact"; docs/abi.md),
// as bpf/lib/match.h computes it.
uint64_t exact_path_hash(uint64_t seed, std::string_view path);

class ImageView;

// The same for many events on one image, which is read once.
class Evaluator {
public:
  explicit Evaluator(const MapImage &image);
  ~Evaluator();
  Verdict operator()(const Event &ev) const;

private:
  std::unique_ptr<ImageView> view_;
};

// Whether suffix or glob atom `atom` (a literal of path field `field`
// flagged PAL_LIT_GLOB) holds for the event, as the evaluator checks it:
// never on an unknown or truncated path.
bool glob_atom_holds(const MapImage &image, const Event &ev, uint32_t field,
                     uint32_t atom);

// The atoms that hold for an event whose lookups found the verdict's
// entries (the "held" pairs of all of them), ascending. The kernel never
// lists them: it only tests the ones a candidate names.
std::vector<uint32_t> held_atoms(const MapImage &image, const Verdict &v);

} // namespace palisade::engine
