/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Resolve a struct path to the absolute path string the kernel sees, by
 * walking dentries and mounts up to the root of the mount tree. This is why
 * a rule on /usr/bin/nc also matches ./nc, /usr/bin/../bin/nc and a symlink:
 * all of them reach the same dentry.
 *
 * Why not bpf_d_path(): it is only allowed in a few hooks (not in
 * tracepoints), and every mechanism must resolve paths the same way.
 *
 * Walk: leaf to root, remembering the names of the last PAL_WALK_RING
 * components seen (the ones nearest the root). Build: root to leaf into
 * pal_path.str. A path deeper than PAL_WALK_RING keeps its root-side head
 * and gets PAL_PATH_TRUNCATED: prefix ("under") rules still match the head
 * exactly, exact rules cannot match (they are shorter). A path whose root
 * is not reached within PAL_WALK_MAX steps is PAL_PATH_UNRESOLVED.
 *
 * Canonical names by inode: before stepping past a dentry, the walk looks
 * up its (sb->s_dev, i_ino) in map "inodes" of the active slot, where the
 * loader put every file and directory a rule names. On a hit the walk
 * stops and the path is that name + the components below it
 * (PAL_PATH_BY_INODE): a bind mount of /etc/secret at /mnt/x, or a hard
 * link /tmp/k of /etc/secret/key, is reported and matched as the rule's
 * own path. A slot without such entries (count 0) skips the lookups; a
 * bitmap of inode numbers keeps the hash lookup off most other dentries.
 */
#ifndef PAL_BPF_PATH_H
#define PAL_BPF_PATH_H

#include "common.h"
#include "maps.h"

#define PAL_WALK_RING 64  /* power of two */
#define PAL_WALK_MAX 4096 /* dentry + mount steps before giving up */
#define PAL_NAME_READ 256 /* NAME_MAX + NUL */

struct pal_walk_scratch {
	const unsigned char *name[PAL_WALK_RING];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_walk_scratch);
} walk_scratch SEC(".maps");

struct pal_walk_ctx {
	struct dentry *dentry;
	struct mount *mnt;
	__u32 depth; /* components recorded */
	__u32 done;
	__u32 inode_slot; /* 1 + the slot whose "inodes" to look in; 0: none */
	__u32 hit;        /* the walk stopped at a named inode: */
	__u32 hit_dev;    /*   this one */
	__u64 hit_ino;
};

/* Is dentry `d` a file or directory some rule of the slot names? */
static __always_inline int pal_inode_hit(struct pal_walk_ctx *c, struct dentry *d)
{
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	struct pal_inode_key key = {};
	struct pal_inode_slot *is;
	struct pal_inode *v;
	__u32 slot = (c->inode_slot - 1) & 1;
	__u64 ino, bit;

	if (!inode)
		return 0;
	ino = BPF_CORE_READ(inode, i_ino);
	is = bpf_map_lookup_elem(&pal_inode_slots, &slot);
	bit = ino % PAL_INODE_BLOOM_BITS;
	if (!is || !((is->bloom[bit / 64] >> (bit % 64)) & 1))
		return 0;
	key.slot = slot;
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.ino = ino;
	v = bpf_map_lookup_elem(&pal_inodes, &key);
	if (!v)
		return 0;
	if ((v->flags & PAL_INODE_GEN) && v->generation != BPF_CORE_READ(inode, i_generation))
		return 0; /* the number was reused by another file */
	c->hit = 1;
	c->hit_dev = key.dev;
	c->hit_ino = ino;
	return 1;
}

static long pal_walk_step(__u32 i, void *arg)
{
	struct pal_walk_ctx *c = arg;
	struct dentry *d = c->dentry;
	struct mount *mnt = c->mnt; /* a local: CO-RE must see only kernel types */
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	struct dentry *parent;
	struct pal_walk_scratch *w;
	__u32 zero = 0;

	/* Before the mount-root test: the root of a bind mount is the bound
	 * directory's own dentry. */
	if (c->inode_slot && pal_inode_hit(c, d)) {
		c->done = 1;
		return 1;
	}
	if (d == mnt_root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (up == mnt) { /* root of the mount tree */
			c->done = 1;
			return 1;
		}
		c->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		c->mnt = up;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (parent == d) { /* root of a detached or internal filesystem */
		c->done = 1;
		return 1;
	}
	w = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!w)
		return 1;
	w->name[c->depth & (PAL_WALK_RING - 1)] = BPF_CORE_READ(d, d_name.name);
	c->depth++;
	c->dentry = parent;
	return 0;
}

struct pal_build_ctx {
	struct pal_path *out;
	__u32 depth;
	__u32 off;
};

static long pal_build_step(__u32 k, void *arg)
{
	struct pal_build_ctx *c = arg;
	struct pal_walk_scratch *w;
	__u32 zero = 0, o;
	long n;

	if (k >= c->depth || k >= PAL_WALK_RING || c->off >= PAL_PATH_MAX)
		return 1;
	w = bpf_map_lookup_elem(&walk_scratch, &zero);
	if (!w)
		return 1;
	o = c->off & (PAL_PATH_MAX - 1);
	c->out->str[o] = '/';
	n = bpf_probe_read_kernel_str(&c->out->str[o + 1], PAL_NAME_READ,
				      w->name[(c->depth - 1 - k) & (PAL_WALK_RING - 1)]);
	if (n < 1)
		n = 1;
	c->off = o + n; /* '/' + name, the NUL is overwritten next round */
	return 0;
}

/* Builds out->str and out->len, root to leaf, from the `depth` names a
 * walk left in walk_scratch, after the `head` bytes already in out->str
 * ("/" for no head and depth 0). Returns 1 when the names did not fit in
 * PAL_PATH_MAX bytes (out->str holds the root-side head). */
static __always_inline int pal_build_path_after(struct pal_path *out, __u32 depth, __u32 head)
{
	struct pal_build_ctx bc = {};
	int too_long;

	bc.out = out;
	bc.depth = depth;
	bc.off = head;
	bpf_loop(PAL_WALK_RING, pal_build_step, &bc, 0);
	too_long = bc.off >= PAL_PATH_MAX;
	if (bc.off == 0) { /* the root itself */
		out->str[0] = '/';
		bc.off = 1;
	}
	if (bc.off > PAL_PATH_BUF - 1) /* never true; tells the verifier */
		bc.off = PAL_PATH_BUF - 1;
	out->str[bc.off] = 0;
	out->len = bc.off;
	return too_long;
}

static __always_inline int pal_build_path(struct pal_path *out, __u32 depth)
{
	return pal_build_path_after(out, depth, 0);
}

/* 1 + the active slot when it has canonical names by inode, else 0. */
static __always_inline __u32 pal_inode_slot(void)
{
	struct pal_inode_slot *is;
	struct pal_config *cfg;
	__u32 zero = 0, slot;

	cfg = bpf_map_lookup_elem(&pal_config, &zero);
	if (!cfg)
		return 0;
	slot = cfg->active_slot & 1;
	is = bpf_map_lookup_elem(&pal_inode_slots, &slot);
	return is && is->count ? slot + 1 : 0;
}

/* Writes the canonical name of the walk's hit into out->str; returns its
 * length, 0 when it is gone (a slot cleared under the walk). */
static __always_inline __u32 pal_inode_head(const struct pal_walk_ctx *wc, struct pal_path *out)
{
	struct pal_inode_key key = {};
	struct pal_inode *v;
	long n;

	key.slot = (wc->inode_slot - 1) & 1;
	key.dev = wc->hit_dev;
	key.ino = wc->hit_ino;
	v = bpf_map_lookup_elem(&pal_inodes, &key);
	if (!v)
		return 0;
	n = bpf_probe_read_kernel_str(out->str, PAL_LPM_DATA, v->path);
	if (n < 2)
		return 0;
	return (__u32)(n - 1) & (PAL_LPM_DATA - 1);
}

/* Fills out->str, len and flags (not the LPM header). */
static __always_inline void pal_resolve_path(const struct path *p, struct pal_path *out)
{
	struct pal_walk_ctx wc = {};
	struct vfsmount *vfs = BPF_CORE_READ(p, mnt);
	__u32 head = 0;

	out->flags = 0;
	out->len = 0;
	out->str[0] = 0;
	if (!vfs) {
		out->flags = PAL_PATH_UNKNOWN;
		return;
	}
	wc.dentry = BPF_CORE_READ(p, dentry);
	wc.mnt = container_of(vfs, struct mount, mnt);
	wc.inode_slot = pal_inode_slot();
	bpf_loop(PAL_WALK_MAX, pal_walk_step, &wc, 0);
	if (!wc.done) {
		out->flags = PAL_PATH_UNRESOLVED;
		return;
	}
	if (wc.depth > PAL_WALK_RING)
		out->flags |= PAL_PATH_TRUNCATED;
	if (wc.hit) {
		head = pal_inode_head(&wc, out);
		if (head)
			out->flags |= PAL_PATH_BY_INODE;
		else /* the entry went away: no name for the part above */
			out->flags |= PAL_PATH_UNRESOLVED;
	}
	if (out->flags & PAL_PATH_UNRESOLVED)
		return;
	if (pal_build_path_after(out, wc.depth, head))
		out->flags |= PAL_PATH_TRUNCATED;
}

/* Marks `out` as no path at all (PAL_PATH_UNKNOWN). */
static __always_inline void pal_path_unknown(struct pal_path *out)
{
	out->flags = PAL_PATH_UNKNOWN;
	out->len = 0;
	out->str[0] = 0;
}

/* The executable of `task`, or PAL_PATH_UNKNOWN (a kernel thread has no
 * mm, an exiting task may have lost its exe_file). */
static __always_inline void pal_resolve_task_exe(struct task_struct *task, struct pal_path *out)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe) {
		pal_path_unknown(out);
		return;
	}
	pal_resolve_path(&exe->f_path, out);
}

/*
 * The two executables every event may need are global functions: the
 * verifier checks each once, on its own, instead of once per call site and
 * per branch that leads to it (a decision resolves them before or after
 * deciding, depending on whether a rule names them). On 6.18 that cut
 * the open tracepoint programs from 463k to 386k processed instructions
 * and the network ones from 229k to 178k (docs/mechanisms.md, "Verifier
 * headroom"). Global functions return a scalar and must accept a NULL
 * pointer: the return value means nothing.
 */

/* The executable of the current task, or PAL_PATH_UNKNOWN. */
__noinline int pal_resolve_current_exe(struct pal_path *out)
{
	if (!out)
		return 0;
	pal_resolve_task_exe(bpf_get_current_task_btf(), out);
	return 0;
}

/* The executable of the current task's real parent (the parent.binary
 * field), or PAL_PATH_UNKNOWN: kthreadd's children have no mm. */
__noinline int pal_resolve_parent_exe(struct pal_path *out)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (!out)
		return 0;
	pal_resolve_task_exe(BPF_CORE_READ(task, real_parent), out);
	return 0;
}

#endif
