/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one ABI between Palisade's BPF programs and its C++ userspace.
 *
 * Compiled by clang -target bpf (where vmlinux.h already provides __u8..__u64)
 * and by g++ (where <linux/types.h> provides them). Only fixed-width fields,
 * explicit padding, no enums as field types. Every layout is asserted at the
 * bottom of this file for both compilers. docs/abi.md explains the maps with
 * worked examples; keep the two in step.
 */
#ifndef PALISADE_ABI_H
#define PALISADE_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Bumped whenever a struct below or a map's meaning changes. The loader
 * refuses a BPF object whose pal_abi_version rodata differs.
 * 2: indexed matching (entries, candidates, terms, literals, held atoms).
 * 3: file events (open, unlink, rename, chmod, chown), network events
 *    (connect, bind, listen), the target, access, port, address, protocol
 *    and family fields, a candidate list per field, file and net records,
 *    per-hook mechanism.
 * 4: the identity fields uid, gid, euid, pid (on every event); the
 *    matcher test program's input carries them.
 * 5: canonical paths by inode (maps "inodes" and "inode_slots", path
 *    flag PAL_PATH_BY_INODE); the path field parent.binary
 *    (PAL_FIELD_PARENT_BINARY 5, the value fields shift to 6..14); exec,
 *    file and net records and the matcher test program's input carry the
 *    parent's executable; path prefixes (startswith: "atoms" keys without
 *    the directory '/'), suffixes and globs (endswith, matches: map
 *    "globs", literals flagged PAL_LIT_GLOB, checked at run time by a
 *    bit-parallel NFA); whole values of the value fields (one port,
 *    address, uid, ...; every access mask) are entries of the "values"
 *    hash, no longer of the "atoms" trie, which keeps paths and true
 *    prefixes only. */
#define PAL_ABI_VERSION 5

/* ---- limits ------------------------------------------------------------ */
#define PAL_PATH_MAX 4096 /* longest path reported in an event */
#define PAL_PATH_BUF                                                                               \
	(PAL_PATH_MAX + 256) /* slack so a masked write of one                                     \
			      * component never leaves the buffer */
#define PAL_MAX_DEPTH 64     /* path components walked before giving up */
#define PAL_LPM_DATA 256     /* bytes of an LPM key after prefixlen */
#define PAL_LPM_HDR 2        /* slot byte + field byte before the path */
#define PAL_MATCH_PATH_MAX                                                                         \
	(PAL_LPM_DATA - PAL_LPM_HDR - 1) /* 253: longest                                           \
					  * path or directory a rule may name */
#define PAL_SLOTS 2                      /* double buffering for atomic apply */
#define PAL_MAX_POLICIES 64              /* per slot; a decision keeps one bit each */
#define PAL_MAX_RULES 16384              /* rules in one slot, over all policies */
#define PAL_MAX_TERMS 8                  /* OR-terms of one rule after DNF */
#define PAL_MAX_TERM_LITS 8              /* atoms one term needs; as many negated */
#define PAL_MAX_ATOMS (1u << 17)         /* distinct (field, kind, values) per slot */
#define PAL_MAX_LIST 64                  /* candidates of one entry; "always" terms */
/* Per-slot capacities of the index maps (each map holds PAL_SLOTS times
 * this many elements; the engine refuses a policy that needs more). */
#define PAL_SLOT_ENTRIES                                                                           \
	(1u << 17)                /* entries: "atoms" (under, prefixes)                            \
				   * + "exact" (paths) + "values" */
#define PAL_SLOT_HELD (1u << 18)  /* "held" pairs (entry, atom) */
#define PAL_SLOT_CANDS (1u << 18) /* candidate records of all lists */
#define PAL_SLOT_TERMS (1u << 16) /* DNF terms of all rules */
#define PAL_SLOT_LITS (1u << 17)  /* atoms named by all terms */
#define PAL_LPM_MAX_ENTRIES (PAL_SLOTS * PAL_SLOT_ENTRIES)
#define PAL_FIELDS 14      /* PAL_FIELD_PATH .. PAL_FIELD_PID */
#define PAL_PATH_FIELDS 5  /* PAL_FIELD_PATH .. PAL_FIELD_PARENT_BINARY */
#define PAL_EXACT_WORDS 32 /* 8-byte words of an "exact" path (256 bytes) */
/* pal_path_hash() of an exact path (docs/abi.md "Exact paths"): for each
 * 8-byte little-endian word w of the path (zero past its length),
 * h = (h ^ w) * PAL_HASH_MUL; h ^= h >> 31; from h = seed ^ len * PAL_HASH_LEN. */
#define PAL_HASH_LEN 0x9E3779B97F4A7C15ULL
#define PAL_HASH_MUL 0xBF58476D1CE4E5B9ULL
/* Candidates one decision takes from its lists, at most PAL_MAX_LIST
 * each: list 0 is the slot's "always" list (or the fail-closed one), list
 * f (1 .. PAL_FIELDS) the candidates of the entry found for field f. */
#define PAL_MATCH_LISTS (PAL_FIELDS + 1)
#define PAL_MATCH_STEPS (PAL_MATCH_LISTS * PAL_MAX_LIST)
#define PAL_NO_TERM 0xffffffffu /* pal_cand.term: holds without a check */
/* Suffixes and globs (docs/abi.md "Globs"): per slot at most
 * PAL_SLOT_GLOBS of them, each an NFA of at most PAL_GLOB_STATES states. */
#define PAL_SLOT_GLOBS 256
#define PAL_GLOB_STATES 64
#define PAL_LIT_GLOB                                                                               \
	0x100                   /* pal_lit.field flag: a suffix or glob atom,                      \
				 * checked against the path ("globs") */
#define PAL_NO_ATOM 0xffffffffu /* pal_glob.prefix_atom: none */
#define PAL_GLOB_SUFFIX 1       /* pal_glob.kind: endswith */
#define PAL_GLOB_PATTERN 2      /* pal_glob.kind: matches */
#define PAL_ARGS_MAX 512        /* bytes of argv kept for an event */
#define PAL_RINGBUF_BYTES (16u << 20)

/* ---- field ids (byte 1 of an LPM key) --------------------------------- */
#define PAL_FIELD_PATH                                                                             \
	1                  /* the event's file (executed, opened, removed,                         \
			    * renamed, changed), kernel-resolved */
#define PAL_FIELD_BINARY 2 /* the executable of the acting process */
#define PAL_FIELD_TARGET 3 /* rename: the new path, kernel-resolved */
#define PAL_FIELD_CGROUP                                                                           \
	4 /* the acting process's cgroup v2 path, e.g.                                             \
	   * /system.slice/docker-<id>.scope (containers) */
#define PAL_FIELD_PARENT_BINARY                                                                    \
	5 /* the executable of the acting process's                                                \
	   * parent (task->real_parent) */
#define PAL_FIELD_ACCESS                                                                           \
	6 /* open: PAL_ACCESS_* mask, one byte; always a                                           \
	   * whole value ("values") */
/* Fields compared as numbers or addresses. A value is its bytes, most
 * significant first; a rule's set of values (a range, a CIDR) is a set of
 * bit prefixes of them. A prefix as long as the field is one whole value,
 * an entry of the "values" hash; a shorter one an LPM key of "atoms":
 * slot, field, the prefix. docs/abi.md "Value keys". */
#define PAL_FIELD_PORT 7     /* 2 bytes: connect: remote, bind/listen: local */
#define PAL_FIELD_ADDRESS 8  /* 16 bytes, IPv6; IPv4 as ::ffff:a.b.c.d */
#define PAL_FIELD_PROTOCOL 9 /* 1 byte: IPPROTO_TCP (6), IPPROTO_UDP (17) */
#define PAL_FIELD_FAMILY 10  /* 1 byte: 4 (AF_INET) or 6 (AF_INET6) */
/* The acting task's identity, on every event: 4 bytes each. */
#define PAL_FIELD_UID 11  /* real user id */
#define PAL_FIELD_GID 12  /* real group id */
#define PAL_FIELD_EUID 13 /* effective user id */
#define PAL_FIELD_PID 14  /* process id (thread group id) */
#define PAL_VALUE_MAX 16  /* bytes of the longest value key */

/* ---- open intents (bits of the access field) --------------------------- */
#define PAL_ACCESS_READ 1     /* FMODE_READ */
#define PAL_ACCESS_WRITE 2    /* FMODE_WRITE (includes append) */
#define PAL_ACCESS_CREATE 4   /* FMODE_CREATED: this open created the file */
#define PAL_ACCESS_TRUNCATE 8 /* O_TRUNC */
#define PAL_ACCESS_ALL 15
#define PAL_ACCESS_KEY_BITS 24 /* prefixlen of an access entry's key */

/* ---- event kinds of the language (rule.event) ------------------------- */
#define PAL_EVENT_EXEC 1
#define PAL_EVENT_OPEN 2
#define PAL_EVENT_UNLINK 3 /* unlink(2), unlinkat(2) of a name (not rmdir) */
#define PAL_EVENT_RENAME 4 /* path: the old name, target: the new one */
#define PAL_EVENT_CHMOD 5
#define PAL_EVENT_CHOWN 6
#define PAL_EVENT_CONNECT                                                                          \
	7 /* connect(2), and sendto/sendmsg with an                                                \
	   * address on an unconnected UDP socket */
#define PAL_EVENT_BIND 8
#define PAL_EVENT_LISTEN 9
#define PAL_EVENT_MAX 9

/* ---- hooks (a mechanism is chosen per hook) --------------------------- */
#define PAL_HOOK_EXEC 0
#define PAL_HOOK_FILE 1 /* open, unlink, rename, chmod, chown */
#define PAL_HOOK_NET 2  /* connect, bind (cgroup socket hooks) */
#define PAL_HOOK_LISTEN 3
#define PAL_HOOKS 4

/* ---- actions, ordered by strength for "strongest wins" ---------------- */
#define PAL_ACT_NONE 0
#define PAL_ACT_ALLOW 1
#define PAL_ACT_AUDIT 2
#define PAL_ACT_DENY 3
#define PAL_ACT_KILL 4

/* ---- policy modes ------------------------------------------------------ */
#define PAL_MODE_OFF 0 /* slot entry unused */
#define PAL_MODE_ENFORCE 1
#define PAL_MODE_AUDIT 2

/* ---- enforcement mechanisms (carried in every event) ------------------ */
#define PAL_MECH_NONE 0
#define PAL_MECH_LSM 1      /* BPF LSM hook returns -EPERM */
#define PAL_MECH_FMOD_RET 2 /* fmod_ret on security_* returns -EPERM */
#define PAL_MECH_KPROBE_OVERRIDE 3
#define PAL_MECH_TP_SIGKILL 4 /* tracepoint + bpf_send_signal(SIGKILL) */
#define PAL_MECH_CGROUP 5     /* cgroup socket hook returns "reject": EPERM */

/* ---- ring buffer record kinds ----------------------------------------- */
#define PAL_REC_EXEC 1 /* an exec decision or a process start */
#define PAL_REC_EXIT 2 /* a process (thread group) exit */
#define PAL_REC_FILE                                                                               \
	3             /* a file event a rule decided (never an allowed,                            \
		       * undecided one: opens are too many to report) */
#define PAL_REC_NET 4 /* a network event a rule decided */

/* pal_path.flags */
#define PAL_PATH_TRUNCATED                                                                         \
	1                  /* deeper than the walk keeps or longer than                            \
			    * PAL_PATH_MAX: str holds the root-side head,                          \
			    * so prefix rules still match, exact ones not */
#define PAL_PATH_UNKNOWN 2 /* no file (kernel thread, no mm) */
#define PAL_PATH_UNRESOLVED                                                                        \
	4 /* the mount root was not reached within the                                             \
	   * walk limit: nothing about it is known */
#define PAL_PATH_BY_INODE                                                                          \
	8 /* the walk met a file or directory a rule                                               \
	   * names (map "inodes"): str is the rule's                                               \
	   * name for it + the components below, not                                               \
	   * the name it was reached by */

/* pal_exec_record.flags and pal_file_record.flags */
#define PAL_EXEC_DECIDED 1     /* action from a rule (policy/rule_id valid) */
#define PAL_EXEC_WOULD 2       /* would from a rule (would_* valid) */
#define PAL_EXEC_FAIL_CLOSED 4 /* denied because the path was unresolvable */
#define PAL_EXEC_ARGS_TRUNC 8  /* argv did not fit in args */
#define PAL_EXEC_NO_STASH 16   /* syscall-entry data was missing */

/*
 * A kernel-resolved path, laid out so that its first 4 + PAL_LPM_DATA bytes
 * are an LPM trie key: prefixlen, then slot, field, path bytes, NUL.
 * See docs/abi.md "Path matching".
 */
struct pal_path {
	__u32 lpm_prefixlen; /* in bits, over slot + field + path (+ NUL) */
	__u8 lpm_slot;
	__u8 lpm_field;
	char str[PAL_PATH_BUF]; /* NUL-terminated absolute path */
	__u16 flags;            /* PAL_PATH_* */
	__u32 len;              /* strlen(str) */
};

/* Key of the atoms LPM trie (map "atoms"). */
struct pal_lpm_key {
	__u32 prefixlen;
	__u8 data[PAL_LPM_DATA]; /* slot, field, path bytes */
};

/* Value of an "atoms" entry (a directory, or a value prefix shorter than
 * its field) and of a "values" one (a whole value), and part of an
 * "exact" one (an exact path): one field value of the slot. */
struct pal_entry {
	__u32 id;         /* 1..n_entries, dense per slot, in key-byte order */
	__u32 cand_first; /* "cands" (within the slot): the terms this entry */
	__u32 cand_count; /*   may make hold, <= PAL_MAX_LIST, by (rule, term) */
	__u32 pad;
};

/* Key of map "exact" (hash): an exact path by a hash of its bytes. */
struct pal_exact_key {
	__u32 slot;
	__u32 field; /* PAL_FIELD_* */
	__u64 hash;  /* pal_path_hash(the slot's hash_seed, the path) */
};

/* Value of map "exact". The path is stored and compared, so a hash
 * collision with an event's path can never make it match. */
struct pal_exact {
	struct pal_entry entry;
	__u32 len; /* path bytes, <= PAL_MATCH_PATH_MAX */
	__u32 pad;
	__u64 path[PAL_EXACT_WORDS]; /* the bytes, zero past len */
};

/* Key of map "values" (hash): one whole value of a value field (a port,
 * a /128 or IPv4 /32 address, a protocol, a family, an id, an access
 * mask), by its bytes. The kernel looks the event's value up here first
 * and in "atoms" (the longest true prefix) only when it is not here. */
struct pal_value_key {
	__u32 slot;
	__u32 field;               /* PAL_FIELD_ACCESS .. PAL_FIELD_PID */
	__u8 value[PAL_VALUE_MAX]; /* the value's bytes, most significant
				    * first, zero past the field's width */
};

/* Key of map "held" (hash): present when `atom` holds for every value whose
 * longest match is entry `entry` of slot `slot`, i.e. `atom` is an atom of
 * the entry or of an entry of the same field that is its prefix (the
 * prefix closure). The value is 1. */
struct pal_held_key {
	__u32 slot;
	__u32 entry;
	__u32 atom;
};

/* Map "cands": array of PAL_SLOTS * PAL_SLOT_CANDS. One candidate: a term
 * of a rule that can only hold if the list it is in was reached. */
struct pal_cand {
	__u32 rule; /* index in the slot's rule order ("rules") */
	__u32 term; /* index in the slot's "terms", or PAL_NO_TERM */
};

/* Map "rules": array of PAL_SLOTS * PAL_MAX_RULES, index slot*MAX + i.
 * Within a slot, rules are ordered by policy, then by action precedence
 * (allow, kill, deny, audit), then by source order: the first rule of a
 * policy that holds decides that policy's verdict. */
struct pal_rule {
	__u32 policy;     /* index into "policies" within the slot */
	__u32 rule_id;    /* stable id, resolved to a source location in userspace */
	__u32 event;      /* PAL_EVENT_* */
	__u32 action;     /* PAL_ACT_* */
	__u32 n_terms;    /* 0: never holds; its terms follow term_first */
	__u32 term_first; /* (the kernel reaches terms through candidates) */
};

/* Map "hits": array of PAL_SLOTS * PAL_MAX_RULES, index slot * PAL_MAX_RULES
 * + rule_id: how often each rule decided its policy's verdict, counted by
 * the matcher whether or not the event's record reached the ring. Written
 * by the kernel only; the loader zeroes a slot's counters before reusing
 * it and carries a rule's counts into the next slot when the rule stays.
 * One shared array with atomic adds, not per CPU: a counted decision also
 * reserves ring space, which serialises on the ring's lock anyway, and a
 * per-CPU copy would cost 768 KiB per CPU. */
struct pal_rule_hits {
	__u64 blocked; /* deny or kill, the policy in enforce mode */
	__u64 would;   /* deny or kill, the policy in audit mode */
	__u64 allowed; /* an allow rule let the action through its policy */
	__u64 logged;  /* an audit rule */
};

/* Map "terms": array of PAL_SLOTS * PAL_SLOT_TERMS. One conjunction: all
 * n_must atoms hold, none of the n_must_not. Its literals are "lits"
 * lit .. lit + n_must + n_must_not - 1, the must ones first. A term with a
 * must atom is a candidate only of entries of its anchor's field whose
 * closure satisfies every literal of that field, so the kernel checks only
 * the other n_checks literals. */
struct pal_term {
	__u32 lit;
	__u8 n_must;       /* <= PAL_MAX_TERM_LITS */
	__u8 n_must_not;   /* <= PAL_MAX_TERM_LITS */
	__u8 anchor_field; /* PAL_FIELD_* of the anchor; 0: an "always" term */
	__u8 n_checks;     /* literals whose field is not anchor_field */
};

/* Map "lits": array of PAL_SLOTS * PAL_SLOT_LITS. */
struct pal_lit {
	__u32 field; /* PAL_FIELD_*, | PAL_LIT_GLOB for a suffix or glob atom:
		      * then "globs" {slot, atom} says how to check it, and it
		      * is checked even on the anchor's field */
	__u32 atom;  /* atom id (< PAL_MAX_ATOMS) */
};

/* Key of map "globs" (hash): a suffix or glob atom of a slot. */
struct pal_glob_key {
	__u32 slot;
	__u32 atom;
};

/* Value of map "globs": a suffix or glob as an NFA over at most
 * PAL_GLOB_STATES states, bit i = "the first i tokens matched". The atom
 * holds for a path (of its literal's field) that is known and not
 * truncated, when prefix_atom (a startswith atom: the pattern's fixed
 * leading bytes) is PAL_NO_ATOM or held by the field's entry, and when,
 * from d = start, every byte c of the path from offset `skip` on gives
 *   m = (d & adv[c]) << 1
 *   d = m | (d & (dstar | (c != '/' ? star : 0))) | ((m & eps2) << 2)
 *   d |= (d & eps) << 1
 * and at the end d & accept != 0. docs/abi.md "Globs". */
struct pal_glob {
	__u16 kind; /* PAL_GLOB_SUFFIX or PAL_GLOB_PATTERN */
	__u8 field; /* PAL_FIELD_* of its literals (a path field) */
	__u8 pad;
	__u32 prefix_atom;       /* must hold too, or PAL_NO_ATOM */
	__u32 skip;              /* path bytes before the NFA starts */
	__u32 len;               /* bytes of text */
	__u64 start;             /* states before the first byte */
	__u64 accept;            /* the state after the last token */
	__u64 star;              /* '*' states: loop on any byte but '/' */
	__u64 dstar;             /* '**' states: loop on any byte */
	__u64 eps;               /* '*' and '**' states: may match nothing */
	__u64 eps2;              /* '**' of a '/ ** /': just entered, may skip
				  * past the second '/' (the two '/' being one) */
	__u64 adv[256];          /* states whose token is byte c (or '?', c != '/') */
	char text[PAL_LPM_DATA]; /* the suffix or pattern as written (for
				  * userspace: explain, the evaluator) */
};

/* Map "slots": array of PAL_SLOTS, index = slot. Written with the slot's
 * other maps, before the flip. */
struct pal_slot {
	__u32 n_rules;
	__u32 n_entries;
	__u32 always_first; /* "cands": terms with no must atom (checked for */
	__u32 always_count; /*   every event), <= PAL_MAX_LIST */
	__u32 closed_first; /* "cands": per policy and event its first deny/kill */
	__u32 closed_count; /*   rule: the decision when a path is unresolved */
	__u64 hash_seed;    /* of the "exact" keys */
	/* Per path field (index PAL_FIELD_* - 1): bit L is set when an exact
	 * path of L bytes exists, so other lengths skip the "exact" lookup. */
	__u64 exact_lens[PAL_PATH_FIELDS][4];
	/* Bit (1 << PAL_EVENT_*) per event some rule of the slot is for: a
	 * hook whose event has none returns before resolving any path. */
	__u32 events;
	/* Bit (1 << PAL_FIELD_*) per field some rule of the slot names: the
	 * kernel skips the lookups (and the cgroup walk) of the others, which
	 * have no entries to find. */
	__u32 fields;
	/* Bit (1 << PAL_FIELD_*) per value field (access included) with an
	 * entry in "values", and per value field with an entry in "atoms" (a
	 * range's block, a CIDR): a value lookup skips the map that holds
	 * nothing of its field, so a miss costs one lookup, not two. */
	__u32 value_fields;
	__u32 prefix_fields;
};

/* ---- canonical paths by inode (docs/abi.md "Canonical paths") ---------
 * The loader stats every exact path and directory a path, binary or
 * target rule names and maps its inode to that name, per slot. The path
 * walk looks up each dentry it passes; on a hit it stops and builds the
 * path from the stored name, so a bind mount or a hard link reaches the
 * rule's own path. */
#define PAL_SLOT_INODES 4096      /* "inodes" entries per slot */
#define PAL_INODE_BLOOM_BITS 4096 /* bits of pal_inode_slot.bloom */

/* Key of map "inodes" (hash). */
struct pal_inode_key {
	__u32 slot;
	__u32 dev; /* the kernel's sb->s_dev: major << 20 | minor */
	__u64 ino; /* inode->i_ino */
};

/* Value of map "inodes". */
struct pal_inode {
	__u32 generation;        /* inode->i_generation when flags has PAL_INODE_GEN */
	__u16 flags;             /* PAL_INODE_* */
	__u16 len;               /* bytes of path, 2 .. PAL_MATCH_PATH_MAX */
	char path[PAL_LPM_DATA]; /* the rule's name for the file, NUL-ended */
};
#define PAL_INODE_GEN                                                                              \
	1 /* generation was read (from the file handle): a                                         \
	   * reused inode number with another one is no hit */

/* Map "inode_slots": array of PAL_SLOTS. Checked before any "inodes"
 * lookup: a slot with count 0 costs one array read per walk step. */
struct pal_inode_slot {
	__u32 count; /* entries of the slot in "inodes" */
	__u32 pad;
	/* bit (ino % PAL_INODE_BLOOM_BITS) is set for every entry's ino */
	__u64 bloom[PAL_INODE_BLOOM_BITS / 64];
};

/* Map "policies": array of PAL_SLOTS * PAL_MAX_POLICIES. Switching a
 * policy between enforce and audit is one write of this value. */
struct pal_policy {
	__u32 mode; /* PAL_MODE_* */
	__u32 pad;
};

/* Map "config": array with one entry. Flipping active_slot switches every
 * map of the slot at once. */
struct pal_config {
	__u32 abi_version;
	__u32 active_slot;
	/* PAL_MECH_* in use per PAL_HOOK_* (set by the loader), 0: that hook
	 * is not enforced. exec: LSM, FMOD_RET or TP_SIGKILL; file: LSM,
	 * FMOD_RET or TP_SIGKILL (opens only); net: CGROUP; listen: LSM or
	 * FMOD_RET. */
	__u32 mechanism[PAL_HOOKS];
};

/* Common header of every ring buffer record. */
struct pal_record_hdr {
	__u32 kind; /* PAL_REC_* */
	__u32 pad0;
	__u64 boot_ns; /* bpf_ktime_get_boot_ns() */
	__u32 pid;     /* thread group id */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 pad1;
	__u64 cgroup_id;
	char comm[16];
};

/* The decision part of every decided record (exec, file, net): filled by
 * one BPF routine, pal_record_decision() in bpf/lib/match.h, and decoded
 * by one function (enforce/src/records.cpp). 36 bytes. */
struct pal_decision {
	__u32 action;  /* what the kernel did: PAL_ACT_* */
	__u32 would;   /* strongest action an audit-mode policy would take */
	__u32 policy;  /* policy index of the deciding rule */
	__u32 rule_id; /* deciding rule, valid with PAL_EXEC_DECIDED */
	__u32 would_policy;
	__u32 would_rule_id; /* valid with PAL_EXEC_WOULD */
	__u32 mechanism;     /* PAL_MECH_* that enforced (or would have) */
	__u32 flags;         /* PAL_EXEC_* (exec: also ARGS_TRUNC, NO_STASH) */
	__u32 slot;          /* rule slot the decision was made with */
};

struct pal_exec_record {
	struct pal_record_hdr hdr;
	struct pal_decision decision;
	__u32 args_len;         /* bytes used in args: NUL-separated argv */
	struct pal_path path;   /* executed file */
	struct pal_path binary; /* acting process's executable before exec */
	/* The parent's executable: resolved when a rule of the slot names
	 * parent.binary or a rule decided the exec; else flags UNKNOWN. */
	struct pal_path parent_binary;
	char args[PAL_ARGS_MAX];
};

/* A file event a rule decided (PAL_REC_FILE). */
struct pal_file_record {
	struct pal_record_hdr hdr;
	__u32 event;                  /* PAL_EVENT_OPEN .. PAL_EVENT_CHOWN */
	__u32 access;                 /* open: PAL_ACCESS_* */
	struct pal_decision decision; /* flags: DECIDED, WOULD, FAIL_CLOSED */
	__u32 pad;
	struct pal_path path;          /* the file (rename: its old name) */
	struct pal_path binary;        /* the acting process's executable */
	struct pal_path target;        /* rename: the new name; else flags UNKNOWN */
	struct pal_path parent_binary; /* the acting process's parent's executable */
	/* (four paths of 4364 bytes end on an 8-byte boundary: no pad) */
};

/* A network event a rule decided (PAL_REC_NET). */
struct pal_net_record {
	struct pal_record_hdr hdr;
	__u32 event;                  /* PAL_EVENT_CONNECT .. PAL_EVENT_LISTEN */
	struct pal_decision decision; /* flags: DECIDED, WOULD */
	__u16 port;                   /* host order */
	__u8 protocol;                /* IPPROTO_* */
	__u8 family;                  /* 4 or 6 */
	__u8 address[16];             /* IPv6; IPv4 as ::ffff:a.b.c.d */
	__u32 pad;
	struct pal_path binary;        /* the acting process's executable */
	struct pal_path parent_binary; /* its parent's executable */
};

struct pal_exit_record {
	struct pal_record_hdr hdr;
	__u32 exit_code; /* (status >> 8) & 0xff when exited normally */
	__u32 signal;    /* terminating signal, 0 when exited normally */
	char binary[256];
};

/* ---- the matcher test program (bpf/match_test.bpf.c) ------------------
 * The differential test and bench/ write one event into map mt_input, run
 * pal_match_test with BPF_PROG_TEST_RUN and read mt_output. */
struct pal_match_input {
	__u32 event;  /* PAL_EVENT_* */
	__u32 access; /* PAL_ACCESS_* (open) */
	struct pal_path path;
	struct pal_path binary;
	struct pal_path target;        /* rename; flags PAL_PATH_UNKNOWN otherwise */
	struct pal_path cgroup;        /* the acting process's cgroup v2 path */
	struct pal_path parent_binary; /* flags PAL_PATH_UNKNOWN: no parent exe */
	__u16 port;                    /* network events */
	__u8 protocol, family;
	__u8 address[16];
	__u32 uid, gid, euid, pid; /* the acting task's (every event) */
};

struct pal_match_output {
	__u32 path_entry, binary_entry; /* pal_entry.id found, 0: none */
	__u32 target_entry, access_entry;
	__u32 port_entry, address_entry, protocol_entry, family_entry;
	__u32 cgroup_entry, parent_binary_entry;
	__u32 considered; /* candidates whose term was evaluated */
	__u32 action, policy, rule_id;
	__u32 would, would_policy, would_rule_id;
	__u32 fail_closed;
	__u32 slot;
	__u32 pad;
	__u32 uid_entry, gid_entry, euid_entry, pid_entry;
};

#ifdef __cplusplus
#include <cstddef>
#define PAL_ASSERT(c, m) static_assert(c, m)
#define PAL_ASSERT_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size")
#define PAL_ASSERT_OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f)
#else
#define PAL_ASSERT(c, m) _Static_assert(c, m)
#define PAL_ASSERT_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size")
#define PAL_ASSERT_OFF(t, f, n) _Static_assert(__builtin_offsetof(t, f) == (n), #t "." #f)
#endif

PAL_ASSERT_OFF(struct pal_path, lpm_slot, 4);
PAL_ASSERT_OFF(struct pal_path, str, 6);
PAL_ASSERT_OFF(struct pal_path, flags, 6 + PAL_PATH_BUF);
PAL_ASSERT_SIZE(struct pal_path, 6 + PAL_PATH_BUF + 2 + 4);
PAL_ASSERT_SIZE(struct pal_lpm_key, 4 + PAL_LPM_DATA);
PAL_ASSERT_SIZE(struct pal_entry, 16);
PAL_ASSERT_SIZE(struct pal_held_key, 12);
PAL_ASSERT_SIZE(struct pal_cand, 8);
PAL_ASSERT_SIZE(struct pal_rule, 24);
PAL_ASSERT_SIZE(struct pal_term, 8);
PAL_ASSERT_OFF(struct pal_term, n_checks, 7);
PAL_ASSERT_SIZE(struct pal_lit, 8);
PAL_ASSERT_SIZE(struct pal_glob_key, 8);
PAL_ASSERT_SIZE(struct pal_glob, 16 + 48 + 8 * 256 + PAL_LPM_DATA);
PAL_ASSERT(PAL_FIELDS < (PAL_LIT_GLOB & 0xff) + 256, "the glob flag is above any field");
PAL_ASSERT_SIZE(struct pal_exact_key, 16);
PAL_ASSERT_SIZE(struct pal_value_key, 8 + PAL_VALUE_MAX);
PAL_ASSERT_SIZE(struct pal_exact, 16 + 8 + 8 * PAL_EXACT_WORDS);
PAL_ASSERT_SIZE(struct pal_slot, 24 + 8 + 8 * 4 * PAL_PATH_FIELDS + 8 + 8);
PAL_ASSERT_OFF(struct pal_slot, hash_seed, 24);
PAL_ASSERT(PAL_EXACT_WORDS * 8 >= PAL_MATCH_PATH_MAX, "exact paths fit");
PAL_ASSERT(PAL_MATCH_PATH_MAX < 64 * 4, "exact_lens has a bit per length");
PAL_ASSERT(PAL_MAX_POLICIES <= 64, "a decision keeps a __u64 of policies");
PAL_ASSERT(PAL_FIELD_PID == PAL_FIELDS, "fields are 1..PAL_FIELDS");
PAL_ASSERT(PAL_FIELDS < 32, "pal_slot.fields has a bit per field");
PAL_ASSERT(PAL_FIELD_PARENT_BINARY == PAL_PATH_FIELDS, "path fields come first");
PAL_ASSERT(PAL_EVENT_MAX < 32, "a field's events fit a 32-bit mask");
PAL_ASSERT_SIZE(struct pal_config, 24);
PAL_ASSERT_SIZE(struct pal_inode_key, 16);
PAL_ASSERT_SIZE(struct pal_inode, 8 + PAL_LPM_DATA);
PAL_ASSERT_SIZE(struct pal_inode_slot, 8 + PAL_INODE_BLOOM_BITS / 8);
PAL_ASSERT(PAL_MATCH_PATH_MAX < PAL_LPM_DATA, "an inode's path fits with its NUL");
PAL_ASSERT_SIZE(struct pal_record_hdr, 64);
PAL_ASSERT_SIZE(struct pal_decision, 36);
PAL_ASSERT_OFF(struct pal_exec_record, path, 104);
PAL_ASSERT_SIZE(struct pal_exit_record, 64 + 8 + 256);
PAL_ASSERT_OFF(struct pal_file_record, path, 64 + 48);
PAL_ASSERT_SIZE(struct pal_match_output, 96);
PAL_ASSERT_OFF(struct pal_match_output, uid_entry, 80);
PAL_ASSERT_OFF(struct pal_net_record, address, 64 + 44);
PAL_ASSERT_OFF(struct pal_net_record, binary, 64 + 64);
PAL_ASSERT_OFF(struct pal_match_input, path, 8);
PAL_ASSERT_OFF(struct pal_match_input, uid, 8 + 5 * sizeof(struct pal_path) + 20);
PAL_ASSERT_SIZE(struct pal_file_record, 64 + 48 + 4 * sizeof(struct pal_path));

#endif /* PALISADE_ABI_H */
