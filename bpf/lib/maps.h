/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps shared by the policy matcher and every hook program. Their keys and
 * values are the structs of palisade/abi.h; docs/abi.md describes them.
 * Names stay under 15 characters (the kernel truncates longer ones).
 */
#ifndef PAL_BPF_MAPS_H
#define PAL_BPF_MAPS_H

#include "common.h"

/* Rodata the loader checks before it writes any map. */
const volatile __u32 pal_abi_version = PAL_ABI_VERSION;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_config);
} pal_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS);
	__type(key, __u32);
	__type(value, struct pal_slot);
} pal_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, PAL_LPM_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pal_lpm_key);
	__type(value, struct pal_entry);
} pal_atoms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pal_exact_key);
	__type(value, struct pal_exact);
} pal_exact SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pal_value_key);
	__type(value, struct pal_entry);
} pal_values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_HELD);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pal_held_key);
	__type(value, __u32);
} pal_held SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_CANDS);
	__type(key, __u32);
	__type(value, struct pal_cand);
} pal_cands SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_MAX_RULES);
	__type(key, __u32);
	__type(value, struct pal_rule);
} pal_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_TERMS);
	__type(key, __u32);
	__type(value, struct pal_term);
} pal_terms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_LITS);
	__type(key, __u32);
	__type(value, struct pal_lit);
} pal_lits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_MAX_RULES);
	__type(key, __u32);
	__type(value, struct pal_rule_hits);
} pal_hits SEC(".maps");
/* Suffix and glob atoms: how to check them against a path. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_GLOBS);
	__type(key, struct pal_glob_key);
	__type(value, struct pal_glob);
} pal_globs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS *PAL_MAX_POLICIES);
	__type(key, __u32);
	__type(value, struct pal_policy);
} pal_policies SEC(".maps");

/* Canonical names by inode, per slot (abi.h "canonical paths by inode").
 * Written by the loader, not by the image: it needs stat(). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PAL_SLOTS *PAL_SLOT_INODES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pal_inode_key);
	__type(value, struct pal_inode);
} pal_inodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PAL_SLOTS);
	__type(key, __u32);
	__type(value, struct pal_inode_slot);
} pal_inode_slots SEC(".maps");

/* Per-CPU room for one full-size LPM key (a value's trie lookup). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_lpm_key);
} pal_keybuf SEC(".maps");

/* Per-CPU room for one "values" key: off the stack, which a glob check's
 * nested bpf_loop callbacks need (6.1 allows 512 bytes over all frames). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_value_key);
} pal_vkeybuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PAL_RINGBUF_BYTES);
} pal_events SEC(".maps");

/* Records that did not fit in the ring buffer, per CPU; userspace sums
 * and reports them so no loss is silent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pal_drops SEC(".maps");

#endif
