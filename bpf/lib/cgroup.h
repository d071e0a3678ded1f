/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The current task's cgroup v2 path ("/system.slice/docker-<id>.scope"),
 * for the `cgroup` field: the names of the kernfs nodes from the task's
 * default-hierarchy cgroup up to the root, built into a pal_path with the
 * same builder as file paths (lib/path.h). The root cgroup is "/". A
 * container runtime's scope or a Kubernetes pod's slice is a prefix, so
 * `cgroup under "/kubepods.slice"` holds for every process in it.
 */
#ifndef PAL_BPF_CGROUP_H
#define PAL_BPF_CGROUP_H

#include "common.h"
#include "path.h"

/* The parent link was renamed to __parent in Linux 6.15. */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *pal_kn_parent(struct kernfs_node *kn)
{
	struct kernfs_node___old *old = (void *)kn;

	if (bpf_core_field_exists(old->parent))
		return BPF_CORE_READ(old, parent);
	return BPF_CORE_READ(kn, __parent);
}

struct pal_kn_walk {
	struct kernfs_node *kn;
	__u32 depth;
	__u32 done;
};

static long pal_kn_step(__u32 i, void *arg)
{
	struct pal_kn_walk *c = arg;
	struct kernfs_node *kn = c->kn; /* a local: CO-RE must see only kernel types */
	struct kernfs_node *parent = pal_kn_parent(kn);
	struct pal_walk_scratch *w;
	__u32 zero = 0;

	if (!parent) { /* the root's own name is not part of the path */
		c->done = 1;
		return 1;
	}
	w = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!w)
		return 1;
	w->name[c->depth & (PAL_WALK_RING - 1)] = (const unsigned char *)BPF_CORE_READ(kn, name);
	c->depth++;
	c->kn = parent;
	return 0;
}

static __always_inline void pal_resolve_cgroup(struct pal_path *out)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pal_kn_walk wc = {};

	out->flags = 0;
	out->len = 0;
	out->str[0] = 0;
	wc.kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	if (!wc.kn) {
		out->flags = PAL_PATH_UNKNOWN;
		return;
	}
	bpf_loop(PAL_WALK_RING + 1, pal_kn_step, &wc, 0);
	if (!wc.done) {
		out->flags = PAL_PATH_UNKNOWN; /* deeper than 64 levels */
		return;
	}
	pal_build_path(out, wc.depth); /* cgroup paths are short: no head flag */
}

#endif
