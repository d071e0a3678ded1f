// evaluate(): bpf/lib/match.h and the kernel's maps, step by step, on the
// image's bytes. Deliberately literal (same u32 arithmetic, same bounds,
// same merge order): it is the oracle the kernel is tested against, so it
// must not be smarter than the kernel.
#include "palisade/engine/evaluate.h"

#include <algorithm>
#include <cstring>

#include <arpa/inet.h>

#include <palisade/abi.h>

#include "image/image_decode.h"
#include "resolve/glob.h"

namespace palisade::engine {
namespace {

constexpr uint32_t kListEnd = 0xffffffffu; // PAL_LIST_END of match.h

struct List {
  uint32_t pos = 0, end = 0;
  uint32_t rule = 0, term = 0;
};

const std::string *glob_path(const Event &ev, uint32_t field, bool cgroup_used);
bool glob_text_holds(const pal_glob &g, const std::string &path);

struct Eval {
  const ImageView &img;
  uint32_t slot = 0;
  uint32_t event = PAL_EVENT_EXEC;
  uint64_t decided = 0;
  uint32_t entry[PAL_FIELDS + 1] = {}; // found per PAL_FIELD_*; 0: none
  // lists[0]: the "always" list (the fail-closed one if unresolved);
  // lists[f]: the candidates of field f's entry. Merged by rule index,
  // the lower list first on a tie.
  List lists[PAL_MATCH_LISTS];
  // The path of each path field (index PAL_FIELD_* - 1) a suffix or glob
  // literal is checked against; nullptr: none known (unknown, truncated,
  // or not looked up), where no suffix or glob holds.
  const std::string *paths[PAL_PATH_FIELDS] = {};
  Verdict v;

  explicit Eval(const ImageView &i) : img(i) {}

  // pal_list_load()
  void load(List &l) const {
    l.rule = kListEnd;
    if (l.pos >= l.end || l.pos >= PAL_SLOT_CANDS)
      return;
    auto cand = img.array<pal_cand>("cands", slot * PAL_SLOT_CANDS + l.pos);
    if (!cand)
      return;
    l.rule = cand->rule;
    l.term = cand->term;
  }

  static void take(const pal_entry &e, uint32_t &found, List &l) {
    found = e.id;
    l.pos = e.cand_first;
    l.end = e.cand_first + e.cand_count;
  }

  // pal_lookup_field()
  void lookup(const std::string &path, bool truncated, uint8_t field,
              const pal_slot &hdr, uint32_t &found, List &l) const {
    const uint32_t len = static_cast<uint32_t>(path.size());
    if (!truncated && len <= PAL_MATCH_PATH_MAX &&
        ((hdr.exact_lens[field - 1][len / 64] >> (len % 64)) & 1)) {
      auto x = img.exact_lookup(slot, field, path_hash(hdr.hash_seed, path));
      // pal_exact_same(): whole words, the event's zero past its end.
      uint64_t words[PAL_EXACT_WORDS] = {};
      std::memcpy(words, path.data(), path.size());
      if (x && x->len == len &&
          std::memcmp(x->path, words, (len + 7) / 8 * 8) == 0) {
        take(x->entry, found, l);
        return;
      }
    }
    pal_lpm_key key;
    std::memset(&key, 0, sizeof key);
    size_t bytes = PAL_LPM_HDR + path.size() + (truncated ? 0 : 1);
    bytes = std::min<size_t>(bytes, PAL_LPM_DATA);
    key.prefixlen = static_cast<uint32_t>(bytes * 8);
    key.data[0] = static_cast<uint8_t>(slot);
    key.data[1] = field;
    // The NUL (if it fits) is already there: the key was zeroed.
    std::memcpy(key.data + PAL_LPM_HDR, path.data(),
                std::min<size_t>(path.size(), PAL_LPM_DATA - PAL_LPM_HDR));
    if (auto e = img.lpm_lookup(key))
      take(*e, found, l);
  }

  // pal_lookup_value(): slot, field, the value's bytes; the "values" hash
  // first (a rule naming this one value, an open's access mask), else one
  // LPM lookup (the narrowest range or CIDR holding it).
  // A map the header says has nothing of the field is not asked.
  void lookup_value(uint8_t field, const uint8_t *val, uint32_t len,
                    const pal_slot &hdr, uint32_t &found, List &l) const {
    len = std::min<uint32_t>(len, PAL_VALUE_MAX);
    if (hdr.value_fields & (1u << field)) {
      if (auto e = img.value_lookup(slot, field, val, len)) {
        take(*e, found, l);
        return;
      }
    }
    if (!(hdr.prefix_fields & (1u << field)))
      return;
    pal_lpm_key key;
    std::memset(&key, 0, sizeof key);
    key.prefixlen = (PAL_LPM_HDR + len) * 8;
    key.data[0] = static_cast<uint8_t>(slot);
    key.data[1] = field;
    std::memcpy(key.data + PAL_LPM_HDR, val, len);
    if (auto e = img.lpm_lookup(key))
      take(*e, found, l);
  }

  // The entry a literal of `field` is checked against (match.h indexes
  // its entries by field & (PAL_ENTRY_SLOTS - 1); no field reaches 16).
  uint32_t entry_of(uint32_t field) const {
    return field <= PAL_FIELDS ? entry[field] : 0;
  }

  // A suffix or glob literal (pal_glob_holds()): checked here on the
  // pattern's text with glob_match(), not with the kernel's NFA, so the
  // differential test compares two algorithms.
  bool glob_holds(uint32_t field, uint32_t atom) const {
    auto g = img.glob(slot, atom);
    if (!g || field < 1 || field > PAL_PATH_FIELDS || !paths[field - 1])
      return false;
    return glob_text_holds(*g, *paths[field - 1]);
  }

  // pal_term_holds() with pal_lit_step()
  bool term_holds(uint32_t ti) const {
    if (ti == PAL_NO_TERM)
      return true;
    if (ti >= PAL_SLOT_TERMS)
      return false;
    auto t = img.array<pal_term>("terms", slot * PAL_SLOT_TERMS + ti);
    if (!t)
      return false;
    if (!t->n_checks)
      return true;
    const uint32_t n_must = t->n_must;
    const uint32_t n = n_must + t->n_must_not;
    for (uint32_t k = 0; k < 2 * PAL_MAX_TERM_LITS; ++k) {
      if (k >= n)
        break;
      uint32_t idx = t->lit + k;
      if (idx >= PAL_SLOT_LITS)
        return false;
      auto lit = img.array<pal_lit>("lits", slot * PAL_SLOT_LITS + idx);
      if (!lit)
        return false;
      bool held;
      if (lit->field & PAL_LIT_GLOB) {
        held = glob_holds(lit->field & 0xff, lit->atom);
      } else {
        if (lit->field == t->anchor_field)
          continue;
        uint32_t found = entry_of(lit->field);
        held = found != 0 && img.held(slot, found, lit->atom);
      }
      if (held != (k < n_must))
        return false;
    }
    return true;
  }

  // pal_consider()
  void consider(uint32_t ri, uint32_t ti) {
    if (ri >= PAL_MAX_RULES)
      return;
    auto r = img.array<pal_rule>("rules", slot * PAL_MAX_RULES + ri);
    if (!r || r->event != event)
      return;
    uint32_t p = r->policy & (PAL_MAX_POLICIES - 1);
    if (decided & (uint64_t{1} << p))
      return;
    v.considered++;
    if (!term_holds(ti))
      return;
    decided |= uint64_t{1} << p; // the first rule that holds decides
    if (r->action == PAL_ACT_ALLOW)
      return;
    auto pol = img.array<pal_policy>("policies", slot * PAL_MAX_POLICIES + p);
    if (!pol)
      return;
    if (pol->mode == PAL_MODE_ENFORCE && r->action > v.action) {
      v.action = r->action;
      v.policy = p;
      v.rule_id = r->rule_id;
    } else if (pol->mode == PAL_MODE_AUDIT && r->action > v.would) {
      v.would = r->action;
      v.would_policy = p;
      v.would_rule_id = r->rule_id;
    }
  }

  // pal_step(): false when every list is done.
  bool step() {
    List *l = &lists[0];
    for (List &other : lists)
      if (other.rule < l->rule) // strictly: the lower list wins a tie
        l = &other;
    uint32_t ri = l->rule, ti = l->term;
    if (ri == kListEnd)
      return false;
    l->pos++;
    load(*l);
    consider(ri, ti);
    return true;
  }
};

// The path a suffix or glob of `field` is checked against, or nullptr: a
// network event has no path, an unknown or truncated one has none to
// check, and the cgroup is only known when a rule of the slot names it.
const std::string *glob_path(const Event &ev, uint32_t field,
                             bool cgroup_used) {
  const bool net = ev.kind >= PAL_EVENT_CONNECT;
  switch (field) {
  case PAL_FIELD_PATH:
    return !net && !ev.path_truncated ? &ev.path : nullptr;
  case PAL_FIELD_BINARY:
    return ev.binary_known ? &ev.binary : nullptr;
  case PAL_FIELD_TARGET:
    return ev.kind == PAL_EVENT_RENAME && !ev.target_truncated ? &ev.target
                                                               : nullptr;
  case PAL_FIELD_CGROUP:
    return cgroup_used && ev.cgroup_known && !ev.cgroup_truncated ? &ev.cgroup
                                                                  : nullptr;
  case PAL_FIELD_PARENT_BINARY:
    return ev.parent_binary_known ? &ev.parent_binary : nullptr;
  }
  return nullptr;
}

// A suffix or pattern on its text (glob_match(), not the kernel's NFA).
bool glob_text_holds(const pal_glob &g, const std::string &path) {
  std::string_view text(g.text, std::min<uint32_t>(g.len, sizeof g.text));
  if (g.kind == PAL_GLOB_SUFFIX)
    return path.ends_with(text);
  return g.kind == PAL_GLOB_PATTERN && glob_match(text, path);
}

} // namespace

bool glob_atom_holds(const MapImage &image, const Event &ev, uint32_t field,
                     uint32_t atom) {
  ImageView img(image);
  auto hdr = img.array<pal_slot>("slots", img.slot() & 1);
  auto g = img.glob(img.slot() & 1, atom);
  const std::string *path =
      glob_path(ev, field, hdr && (hdr->fields & (1u << PAL_FIELD_CGROUP)));
  return g && path && !unresolved(ev) && glob_text_holds(*g, *path);
}

bool unresolved(const Event &ev) {
  if (ev.kind >= PAL_EVENT_CONNECT && ev.kind <= PAL_EVENT_LISTEN)
    return false; // match.h: the path pointer is 0
  return ev.path_unresolved ||
         (ev.kind == PAL_EVENT_RENAME && ev.target_unresolved);
}

std::string address_text(const Event &ev) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (ev.family == 4)
    inet_ntop(AF_INET, ev.address.data() + 12, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, ev.address.data(), buf, sizeof buf);
  return buf;
}

uint64_t exact_path_hash(uint64_t seed, std::string_view path) {
  return path_hash(seed, path);
}

Evaluator::Evaluator(const MapImage &image)
    : view_(std::make_unique<ImageView>(image)) {}

Evaluator::~Evaluator() = default;

Verdict evaluate(const MapImage &image, const Event &ev) {
  return Evaluator(image)(ev);
}

Verdict Evaluator::operator()(const Event &ev) const {
  const ImageView &img = *view_;
  Eval e(img);
  e.slot = img.slot() & 1; // pal_config.active_slot & 1
  e.event = ev.kind;
  const bool fail = unresolved(ev);
  auto hdr = img.array<pal_slot>("slots", e.slot);
  if (hdr) {
    List *l = e.lists;
    if (fail) {
      // Fail closed: for each policy and event its first deny/kill rule
      // holds, and no allow exception does.
      l[0].pos = hdr->closed_first;
      l[0].end = hdr->closed_first + hdr->closed_count;
    } else {
      l[0].pos = hdr->always_first;
      l[0].end = hdr->always_first + hdr->always_count;
      // pal_lookup_fields(); a network event has no path (pointer 0).
      const bool net = ev.kind >= PAL_EVENT_CONNECT;
      if (!net)
        e.lookup(ev.path, ev.path_truncated, PAL_FIELD_PATH, *hdr,
                 e.entry[PAL_FIELD_PATH], l[PAL_FIELD_PATH]);
      // The paths suffixes and globs are checked against.
      for (uint32_t f = 1; f <= PAL_PATH_FIELDS; ++f)
        e.paths[f - 1] =
            glob_path(ev, f, hdr->fields & (1u << PAL_FIELD_CGROUP));
      // An unknown binary gets no lookup: no binary atom holds.
      if (ev.binary_known)
        e.lookup(ev.binary, false, PAL_FIELD_BINARY, *hdr,
                 e.entry[PAL_FIELD_BINARY], l[PAL_FIELD_BINARY]);
      if (ev.kind == PAL_EVENT_RENAME)
        e.lookup(ev.target, ev.target_truncated, PAL_FIELD_TARGET, *hdr,
                 e.entry[PAL_FIELD_TARGET], l[PAL_FIELD_TARGET]);
      // The cgroup only when a rule of the slot names it; an unknown one
      // gets no lookup.
      if ((hdr->fields & (1u << PAL_FIELD_CGROUP)) && ev.cgroup_known)
        e.lookup(ev.cgroup, ev.cgroup_truncated, PAL_FIELD_CGROUP, *hdr,
                 e.entry[PAL_FIELD_CGROUP], l[PAL_FIELD_CGROUP]);
      // The parent's executable likewise: looked up only when a rule of
      // the slot names it, and not when unknown.
      if ((hdr->fields & (1u << PAL_FIELD_PARENT_BINARY)) &&
          ev.parent_binary_known)
        e.lookup(ev.parent_binary, false, PAL_FIELD_PARENT_BINARY, *hdr,
                 e.entry[PAL_FIELD_PARENT_BINARY], l[PAL_FIELD_PARENT_BINARY]);
      // An open without intents has no entry: no access atom holds.
      if (ev.kind == PAL_EVENT_OPEN && ev.access != 0) {
        const uint8_t byte = static_cast<uint8_t>(ev.access & PAL_ACCESS_ALL);
        e.lookup_value(PAL_FIELD_ACCESS, &byte, 1, *hdr,
                       e.entry[PAL_FIELD_ACCESS], l[PAL_FIELD_ACCESS]);
      }
      if (ev.kind >= PAL_EVENT_CONNECT && ev.kind <= PAL_EVENT_LISTEN) {
        const uint8_t port[2] = {static_cast<uint8_t>(ev.port >> 8),
                                 static_cast<uint8_t>(ev.port & 0xff)};
        e.lookup_value(PAL_FIELD_PORT, port, 2, *hdr, e.entry[PAL_FIELD_PORT],
                       l[PAL_FIELD_PORT]);
        e.lookup_value(PAL_FIELD_ADDRESS, ev.address.data(), 16, *hdr,
                       e.entry[PAL_FIELD_ADDRESS], l[PAL_FIELD_ADDRESS]);
        e.lookup_value(PAL_FIELD_PROTOCOL, &ev.protocol, 1, *hdr,
                       e.entry[PAL_FIELD_PROTOCOL], l[PAL_FIELD_PROTOCOL]);
        e.lookup_value(PAL_FIELD_FAMILY, &ev.family, 1, *hdr,
                       e.entry[PAL_FIELD_FAMILY], l[PAL_FIELD_FAMILY]);
      }
      // pal_lookup_ids(): each identity field a rule of the slot names,
      // its 4 bytes, most significant first.
      const std::pair<uint8_t, uint32_t> ids[] = {{PAL_FIELD_UID, ev.uid},
                                                  {PAL_FIELD_GID, ev.gid},
                                                  {PAL_FIELD_EUID, ev.euid},
                                                  {PAL_FIELD_PID, ev.pid}};
      for (const auto &[field, id] : ids) {
        if (!(hdr->fields & (1u << field)))
          continue;
        const uint8_t b[4] = {static_cast<uint8_t>(id >> 24),
                              static_cast<uint8_t>((id >> 16) & 0xff),
                              static_cast<uint8_t>((id >> 8) & 0xff),
                              static_cast<uint8_t>(id & 0xff)};
        e.lookup_value(field, b, 4, *hdr, e.entry[field], l[field]);
      }
    }
    for (List &list : e.lists)
      e.load(list);
    for (uint32_t i = 0; i < PAL_MATCH_STEPS; ++i)
      if (!e.step())
        break;
  }
  e.v.fail_closed = fail && e.v.action >= PAL_ACT_DENY;
  e.v.path_entry = e.entry[PAL_FIELD_PATH];
  e.v.binary_entry = e.entry[PAL_FIELD_BINARY];
  e.v.target_entry = e.entry[PAL_FIELD_TARGET];
  e.v.access_entry = e.entry[PAL_FIELD_ACCESS];
  e.v.port_entry = e.entry[PAL_FIELD_PORT];
  e.v.address_entry = e.entry[PAL_FIELD_ADDRESS];
  e.v.protocol_entry = e.entry[PAL_FIELD_PROTOCOL];
  e.v.family_entry = e.entry[PAL_FIELD_FAMILY];
  e.v.cgroup_entry = e.entry[PAL_FIELD_CGROUP];
  e.v.parent_binary_entry = e.entry[PAL_FIELD_PARENT_BINARY];
  e.v.uid_entry = e.entry[PAL_FIELD_UID];
  e.v.gid_entry = e.entry[PAL_FIELD_GID];
  e.v.euid_entry = e.entry[PAL_FIELD_EUID];
  e.v.pid_entry = e.entry[PAL_FIELD_PID];
  return e.v;
}

std::vector<uint32_t> held_atoms(const MapImage &image, const Verdict &v) {
  ImageView img(image);
  std::vector<uint32_t> out;
  for (uint32_t entry :
       {v.path_entry, v.binary_entry, v.target_entry, v.cgroup_entry,
        v.parent_binary_entry, v.access_entry, v.port_entry, v.address_entry,
        v.protocol_entry, v.family_entry, v.uid_entry, v.gid_entry,
        v.euid_entry, v.pid_entry})
    if (entry) {
      auto atoms = img.held_atoms(entry);
      out.insert(out.end(), atoms.begin(), atoms.end());
    }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace palisade::engine
