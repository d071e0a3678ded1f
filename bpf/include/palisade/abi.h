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
 * refuses a BPF object whose pal_abi_version rodata differs. */
#define PAL_ABI_VERSION 1

/* ---- limits ------------------------------------------------------------ */
#define PAL_PATH_MAX 4096       /* longest path reported in an event */
#define PAL_PATH_BUF (PAL_PATH_MAX + 256) /* slack so a masked write of one
                                           * component never leaves the buffer */
#define PAL_MAX_DEPTH 64        /* path components walked before giving up */
#define PAL_LPM_DATA 256        /* bytes of an LPM key after prefixlen */
#define PAL_LPM_HDR 2           /* slot byte + field byte before the path */
#define PAL_MATCH_PATH_MAX (PAL_LPM_DATA - PAL_LPM_HDR - 1) /* 253: longest
                                 * path or directory a rule may name */
#define PAL_MAX_ATOMS 256       /* distinct (field, value-set) predicates */
#define PAL_ATOM_WORDS (PAL_MAX_ATOMS / 64)
#define PAL_MAX_RULES 256       /* rules in one slot, over all policies */
#define PAL_MAX_TERMS 8         /* OR-terms of one rule after DNF */
#define PAL_MAX_POLICIES 64
#define PAL_ARGS_MAX 512        /* bytes of argv kept for an event */
#define PAL_SLOTS 2             /* double buffering for atomic apply */
#define PAL_LPM_MAX_ENTRIES 16384
#define PAL_RINGBUF_BYTES (16u << 20)

/* ---- field ids (byte 1 of an LPM key) --------------------------------- */
#define PAL_FIELD_PATH 1   /* the file being executed, kernel-resolved */
#define PAL_FIELD_BINARY 2 /* the executable of the acting process */

/* ---- event kinds of the language (rule.event) ------------------------- */
#define PAL_EVENT_EXEC 1

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
#define PAL_MECH_LSM 1        /* BPF LSM hook returns -EPERM */
#define PAL_MECH_FMOD_RET 2   /* fmod_ret on security_* returns -EPERM */
#define PAL_MECH_KPROBE_OVERRIDE 3
#define PAL_MECH_TP_SIGKILL 4 /* tracepoint + bpf_send_signal(SIGKILL) */

/* ---- ring buffer record kinds ----------------------------------------- */
#define PAL_REC_EXEC 1 /* an exec decision or a process start */
#define PAL_REC_EXIT 2 /* a process (thread group) exit */

/* pal_path.flags */
#define PAL_PATH_TRUNCATED 1 /* deeper than the walk keeps or longer than
                              * PAL_PATH_MAX: str holds the root-side head,
                              * so prefix rules still match, exact ones not */
#define PAL_PATH_UNKNOWN 2   /* no file (kernel thread, no mm) */
#define PAL_PATH_UNRESOLVED 4 /* the mount root was not reached within the
                               * walk limit: nothing about it is known */

/* pal_exec_record.flags */
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

/* A set of atom ids; the value of every "atoms" entry. An entry's set
 * already includes the sets of all shorter entries that are its prefixes,
 * so the single longest-prefix lookup returns every atom that holds. */
struct pal_atom_set {
	__u64 bits[PAL_ATOM_WORDS];
};

/* One conjunction: all of must, none of must_not. */
struct pal_term {
	__u64 must[PAL_ATOM_WORDS];
	__u64 must_not[PAL_ATOM_WORDS];
};

/* Map "rules": array of PAL_SLOTS * PAL_MAX_RULES, index slot*MAX + i.
 * Within a slot, rules are ordered by policy, then by action precedence
 * (allow, kill, deny, audit), then by source order: the first rule of a
 * policy that matches decides that policy's verdict. */
struct pal_rule {
	__u32 policy;  /* index into "policies" within the slot */
	__u32 rule_id; /* stable id, resolved to a source location in userspace */
	__u32 event;   /* PAL_EVENT_* */
	__u32 action;  /* PAL_ACT_* */
	__u32 n_terms; /* 0: never matches; a term with no bits: always */
	__u32 pad;
	struct pal_term terms[PAL_MAX_TERMS];
};

/* Map "policies": array of PAL_SLOTS * PAL_MAX_POLICIES. Switching a
 * policy between enforce and audit is one write of this value. */
struct pal_policy {
	__u32 mode; /* PAL_MODE_* */
	__u32 pad;
};

/* Map "config": array with one entry. Flipping active_slot switches every
 * rule, atom and policy at once. */
struct pal_config {
	__u32 abi_version;
	__u32 active_slot;
	__u32 n_rules[PAL_SLOTS];
	__u32 exec_mechanism; /* PAL_MECH_* in use for exec (set by loader) */
	__u32 pad;
};

/* Common header of every ring buffer record. */
struct pal_record_hdr {
	__u32 kind;     /* PAL_REC_* */
	__u32 pad0;
	__u64 boot_ns;  /* bpf_ktime_get_boot_ns() */
	__u32 pid;      /* thread group id */
	__u32 tid;
	__u32 ppid;     /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 pad1;
	__u64 cgroup_id;
	char comm[16];
};

struct pal_exec_record {
	struct pal_record_hdr hdr;
	__u32 action;    /* what the kernel did: PAL_ACT_* */
	__u32 would;     /* strongest action an audit-mode policy would take */
	__u32 policy;    /* policy index of the deciding rule */
	__u32 rule_id;   /* deciding rule, valid with PAL_EXEC_DECIDED */
	__u32 would_policy;
	__u32 would_rule_id;
	__u32 mechanism; /* PAL_MECH_* that enforced (or would have) */
	__u32 flags;     /* PAL_EXEC_* */
	__u32 slot;      /* rule slot the decision was made with */
	__u32 args_len;  /* bytes used in args: NUL-separated argv */
	struct pal_path path;   /* executed file */
	struct pal_path binary; /* acting process's executable before exec */
	char args[PAL_ARGS_MAX];
};

struct pal_exit_record {
	struct pal_record_hdr hdr;
	__u32 exit_code; /* (status >> 8) & 0xff when exited normally */
	__u32 signal;    /* terminating signal, 0 when exited normally */
	char binary[256];
};

#ifdef __cplusplus
#include <cstddef>
#define PAL_ASSERT_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size")
#define PAL_ASSERT_OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f)
#else
#define PAL_ASSERT_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size")
#define PAL_ASSERT_OFF(t, f, n) _Static_assert(__builtin_offsetof(t, f) == (n), #t "." #f)
#endif

PAL_ASSERT_OFF(struct pal_path, lpm_slot, 4);
PAL_ASSERT_OFF(struct pal_path, str, 6);
PAL_ASSERT_OFF(struct pal_path, flags, 6 + PAL_PATH_BUF);
PAL_ASSERT_SIZE(struct pal_path, 6 + PAL_PATH_BUF + 2 + 4);
PAL_ASSERT_SIZE(struct pal_lpm_key, 4 + PAL_LPM_DATA);
PAL_ASSERT_SIZE(struct pal_term, 2 * 8 * PAL_ATOM_WORDS);
PAL_ASSERT_SIZE(struct pal_rule, 24 + PAL_MAX_TERMS * 64);
PAL_ASSERT_SIZE(struct pal_config, 24);
PAL_ASSERT_SIZE(struct pal_record_hdr, 64);
PAL_ASSERT_OFF(struct pal_exec_record, path, 104);
PAL_ASSERT_SIZE(struct pal_exit_record, 64 + 8 + 256);

#endif /* PALISADE_ABI_H */
