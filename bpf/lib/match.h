/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy matcher every hook program (and the test program) shares.
 * Its cost depends on the candidates of the event, never on the number of
 * rules or policies (docs/abi.md "The decision the kernel makes"):
 *
 * 1. Entries: per path field, one hash lookup finds an exact path
 *    ("exact"), else one longest-prefix lookup in the "atoms" LPM trie
 *    finds the deepest directory entry; a value field (access, port,
 *    address, protocol, family, uid, gid, euid, pid) is one hash lookup
 *    of its whole value ("values"), else one longest-prefix lookup of its
 *    bytes in the same trie (ranges, CIDRs). The "held" hash says which
 *    atoms hold for the entry
 *    (its prefix closure); its candidate list names the only terms that
 *    can hold through it.
 * 2. Candidates: the lists of the entries found and the slot's "always"
 *    list (terms without a must atom) are merged in rule order; rules of
 *    other events are skipped. For each candidate whose policy has not
 *    decided yet, the term's
 *    literals of the other field(s) are checked against the held atoms;
 *    the literals of the anchor's field were checked when the policy was
 *    compiled. The first rule of a policy that holds decides the policy,
 *    as if the slot's rules were walked in order (allow, kill, deny, audit).
 * 3. An unresolved path (or rename target) replaces the lists by the
 *    slot's fail-closed list: each policy's first deny/kill rule of the
 *    event holds.
 */
#ifndef PAL_BPF_MATCH_H
#define PAL_BPF_MATCH_H

#include "common.h"
#include "maps.h"
#include "cgroup.h"

/* pal_list.rule of a list with nothing left. */
#define PAL_LIST_END 0xffffffffu

/* What the matcher found for one event (a record carries it as its
 * struct pal_decision, abi.h). */
struct pal_verdict {
	__u32 action, policy, rule_id;
	__u32 would, would_policy, would_rule_id;
	__u32 fail_closed; /* a path could not be resolved */
};

/* One candidate list being merged, and the candidate at its head. */
struct pal_list {
	__u32 pos, end;   /* within the slot's part of "cands" */
	__u32 rule, term; /* the candidate at pos; rule = PAL_LIST_END: done */
};

/* What a hook asks the matcher about (pointers into per-CPU scratch). */
struct pal_event_in {
	__u32 event;           /* PAL_EVENT_* */
	__u32 access;          /* open: PAL_ACCESS_* */
	struct pal_path *path; /* file events and exec; 0 for network ones */
	struct pal_path *binary;
	struct pal_path *target;        /* rename only; may be 0 otherwise */
	struct pal_path *cgroup;        /* 0: the current task's, resolved only when
					 * a rule of the slot names the field */
	struct pal_path *parent_binary; /* the parent's executable; 0: none
					 * (the hook resolves it only when a
					 * rule of the slot names the field) */
	__u16 port;                     /* network events, host order */
	__u8 protocol, family;
	__u8 address[16];
	/* The acting task's uid, gid, euid, pid: read from the current task
	 * unless ids_given (the test program, which has no such task). Hooks
	 * leave them 0. */
	__u32 uid, gid, euid, pid;
	__u8 ids_given;
};

/* Room for the entry found per field, index PAL_FIELD_*; 0: none. */
#define PAL_ENTRY_SLOTS 16

/* The state of one decision. It lives in per-CPU scratch (pal_eval_get):
 * the BPF stack is too small for it and the callbacks' frames together. */
struct pal_eval_ctx {
	struct pal_verdict d;
	__u32 slot, event;
	__u64 decided; /* bit per policy index */
	__u32 entry[PAL_ENTRY_SLOTS];
	/* l[0]: the "always" list (the fail-closed one if unresolved); l[f]:
	 * the candidates of field f's entry. Merged by rule index, the lower
	 * list first on a tie. */
	struct pal_list l[PAL_MATCH_LISTS];
	__u32 unresolved;
	__u32 considered; /* candidates whose term was evaluated */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_eval_ctx);
} pal_eval_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_path);
} pal_cgroup_scratch SEC(".maps");

static __always_inline struct pal_config *pal_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pal_config, &zero);
}

/* Loads the candidate at l->pos, or marks the list done. */
static __always_inline void pal_list_load(struct pal_list *l, __u32 slot)
{
	struct pal_cand *cand;
	__u32 key;

	l->rule = PAL_LIST_END;
	if (l->pos >= l->end || l->pos >= PAL_SLOT_CANDS)
		return;
	key = slot * PAL_SLOT_CANDS + l->pos;
	cand = bpf_map_lookup_elem(&pal_cands, &key);
	if (!cand)
		return;
	l->rule = cand->rule;
	l->term = cand->term;
}

/* Word i (bytes 8i .. 8i+7, little-endian) of a path of `len` bytes, with
 * the bytes at and past len as zero (the buffer may hold an older, longer
 * path there). Only for 8i < len. */
static __always_inline __u64 pal_path_word(const struct pal_path *p, int i, __u32 len)
{
	/* str is only 2-byte aligned (it follows the LPM key's header). */
	const __u16 *s = (const __u16 *)(p->str + i * 8);
	__u64 w = s[0] | (__u64)s[1] << 16 | (__u64)s[2] << 32 | (__u64)s[3] << 48;

	if (len - i * 8 < 8)
		w &= (1ULL << ((len - i * 8) * 8)) - 1;
	return w;
}

/* The key hash of an exact path (abi.h, docs/abi.md "Exact paths"). */
static __always_inline __u64 pal_path_hash(const struct pal_path *p, __u64 seed, __u32 len)
{
	__u64 h = seed ^ ((__u64)len * PAL_HASH_LEN);

	/* Unrolled; clang turns the conditions into a jump to the end. */
#pragma unroll
	for (int i = 0; i < PAL_EXACT_WORDS; i++) {
		if (i * 8 < len) {
			h = (h ^ pal_path_word(p, i, len)) * PAL_HASH_MUL;
			h ^= h >> 31;
		}
	}
	return h;
}

static __always_inline int pal_exact_same(const struct pal_path *p, const struct pal_exact *x,
					  __u32 len)
{
	int same = x->len == len;

#pragma unroll
	for (int i = 0; i < PAL_EXACT_WORDS; i++) {
		if (same && i * 8 < len && pal_path_word(p, i, len) != x->path[i])
			same = 0;
	}
	return same;
}

/* Finds the entry of path `p` as field `field`: its id into `*entry`,
 * its candidates into `l`. An exact path is one hash lookup (when the
 * slot has exact paths of its length); otherwise the longest directory
 * prefix is one LPM lookup. */
static __always_inline void pal_lookup_field(struct pal_path *p, __u32 slot, __u8 field,
					     const struct pal_slot *hdr, __u32 *entry,
					     struct pal_list *l)
{
	struct pal_exact_key xk;
	struct pal_exact *x;
	struct pal_entry *e;
	__u32 bytes, len = p->len;

	if (field > PAL_PATH_FIELDS)
		return;
	if (p->flags & (PAL_PATH_UNKNOWN | PAL_PATH_UNRESOLVED))
		return;
	/* A truncated path is only a head: no exact path can be it. */
	if (!(p->flags & PAL_PATH_TRUNCATED) && len <= PAL_MATCH_PATH_MAX &&
	    ((hdr->exact_lens[field - 1][len / 64] >> (len % 64)) & 1)) {
		xk.slot = slot;
		xk.field = field;
		xk.hash = pal_path_hash(p, hdr->hash_seed, len);
		x = bpf_map_lookup_elem(&pal_exact, &xk);
		if (x && pal_exact_same(p, x, len)) {
			*entry = x->entry.id;
			l->pos = x->entry.cand_first;
			l->end = x->entry.cand_first + x->entry.cand_count;
			return;
		}
	}
	/* The trie holds directories only: the key's NUL (left out for a
	 * truncated head) can never be part of a match. */
	bytes = PAL_LPM_HDR + len + ((p->flags & PAL_PATH_TRUNCATED) ? 0 : 1);
	if (bytes > PAL_LPM_DATA)
		bytes = PAL_LPM_DATA;
	p->lpm_prefixlen = bytes * 8;
	p->lpm_slot = slot;
	p->lpm_field = field;
	e = bpf_map_lookup_elem(&pal_atoms, p);
	if (!e)
		return;
	*entry = e->id;
	l->pos = e->cand_first;
	l->end = e->cand_first + e->cand_count;
}

static __always_inline void pal_take_entry(const struct pal_entry *e, __u32 *entry,
					   struct pal_list *l)
{
	*entry = e->id;
	l->pos = e->cand_first;
	l->end = e->cand_first + e->cand_count;
}

/* The entry of a value field (access, port, address, protocol, family,
 * uid, gid, euid, pid), its `len` bytes most significant first: a rule
 * naming this one value is one hash lookup ("values"); else the narrowest
 * range or CIDR holding it is one longest-prefix lookup (a whole value is
 * never in the trie, so a miss changes nothing). A map with nothing of
 * the field (pal_slot.value_fields, prefix_fields) is not asked. The
 * trie's full-size key lives in per-CPU scratch, not on the small BPF
 * stack. */
static __always_inline void pal_lookup_value(__u8 field, const __u8 *val, __u32 len, __u32 slot,
					     const struct pal_slot *hdr, __u32 *entry,
					     struct pal_list *l)
{
	struct pal_value_key *vk;
	struct pal_lpm_key *key;
	struct pal_entry *e;
	__u32 zero = 0;

	vk = bpf_map_lookup_elem(&pal_vkeybuf, &zero);
	if (!vk)
		return;
	if (len > PAL_VALUE_MAX)
		len = PAL_VALUE_MAX;
	vk->slot = slot;
	vk->field = field;
#pragma unroll
	for (int i = 0; i < PAL_VALUE_MAX; i++)
		vk->value[i] = i < len ? val[i] : 0;
	if (hdr->value_fields & (1u << field)) {
		e = bpf_map_lookup_elem(&pal_values, vk);
		if (e) {
			pal_take_entry(e, entry, l);
			return;
		}
	}
	if (!(hdr->prefix_fields & (1u << field)))
		return;
	key = bpf_map_lookup_elem(&pal_keybuf, &zero);
	if (!key)
		return;
	key->prefixlen = (PAL_LPM_HDR + len) * 8;
	key->data[0] = slot;
	key->data[1] = field;
#pragma unroll
	for (int i = 0; i < PAL_VALUE_MAX; i++)
		key->data[PAL_LPM_HDR + i] = vk->value[i];
	e = bpf_map_lookup_elem(&pal_atoms, key);
	if (e)
		pal_take_entry(e, entry, l);
}

/* The paths of the path fields (index PAL_FIELD_* - 1) that suffix and
 * glob literals are checked against; 0: none (no path, unknown,
 * truncated). Pointers live on the stack: map values cannot hold them. */
struct pal_paths {
	const struct pal_path *p[PAL_PATH_FIELDS];
};

/* The literals of one term, checked one per bpf_loop step. */
struct pal_term_check {
	__u32 slot, lit, n, n_must, anchor;
	__u32 holds;
	const struct pal_eval_ctx *c; /* the entries found */
	const struct pal_paths *paths;
};

/* One NFA run of a suffix or glob over a path's bytes. */
struct pal_glob_run {
	const struct pal_path *p;
	const struct pal_glob *g;
	__u64 d;   /* the states active */
	__u32 off; /* the next byte */
	__u32 len;
};

/* One byte: d moves along the tokens that match it and stays on the
 * stars that loop on it (abi.h struct pal_glob). */
static long pal_glob_step(__u32 k, void *arg)
{
	struct pal_glob_run *r = arg;
	const struct pal_glob *g = r->g;
	__u32 i = r->off;
	__u64 d = r->d, moved;
	__u8 ch;

	if (i >= r->len || i >= PAL_PATH_BUF)
		return 1;
	ch = r->p->str[i];
	moved = (d & g->adv[ch]) << 1;
	d = moved | (d & (g->dstar | (ch != '/' ? g->star : 0)));
	/* Matching nothing: a "/ ** /" just after its first '/' skips past
	 * its second, then a star steps over itself. */
	d |= (moved & g->eps2) << 2;
	d |= (d & g->eps) << 1;
	r->d = d;
	r->off = i + 1;
	return r->d ? 0 : 1;
}

/* Suffix or glob atom `atom` of path field `field` holds: the path is
 * known and whole, the pattern's prefix atom (if any) is held by the
 * field's entry, and the NFA accepts the bytes from `skip` on. Costs one
 * step per path byte at most (docs/abi.md "Cost"). */
static __always_inline int pal_glob_holds(const struct pal_term_check *tc, __u32 field, __u32 atom)
{
	struct pal_glob_key gk = { .slot = tc->slot, .atom = atom };
	struct pal_held_key hk;
	const struct pal_path *p = 0;
	struct pal_glob_run run;
	struct pal_glob *g;

	/* Constant indices: a pointer read from the stack at a variable
	 * offset is only a number to the verifier. */
	if (field == PAL_FIELD_PATH)
		p = tc->paths->p[PAL_FIELD_PATH - 1];
	else if (field == PAL_FIELD_BINARY)
		p = tc->paths->p[PAL_FIELD_BINARY - 1];
	else if (field == PAL_FIELD_TARGET)
		p = tc->paths->p[PAL_FIELD_TARGET - 1];
	else if (field == PAL_FIELD_CGROUP)
		p = tc->paths->p[PAL_FIELD_CGROUP - 1];
	else if (field == PAL_FIELD_PARENT_BINARY)
		p = tc->paths->p[PAL_FIELD_PARENT_BINARY - 1];
	if (!p || (p->flags & (PAL_PATH_TRUNCATED | PAL_PATH_UNKNOWN | PAL_PATH_UNRESOLVED)))
		return 0;
	g = bpf_map_lookup_elem(&pal_globs, &gk);
	if (!g)
		return 0;
	if (g->prefix_atom != PAL_NO_ATOM) {
		hk.slot = tc->slot;
		hk.entry = tc->c->entry[field & (PAL_ENTRY_SLOTS - 1)];
		hk.atom = g->prefix_atom;
		if (!hk.entry || !bpf_map_lookup_elem(&pal_held, &hk))
			return 0;
	}
	if (p->len < g->skip)
		return 0;
	run.p = p;
	run.g = g;
	run.d = g->start;
	run.off = g->skip;
	run.len = p->len;
	bpf_loop(PAL_PATH_MAX, pal_glob_step, &run, 0);
	return run.off >= run.len && (run.d & g->accept) != 0;
}

static long pal_lit_step(__u32 k, void *arg)
{
	struct pal_term_check *tc = arg;
	struct pal_held_key hk;
	struct pal_lit *lit;
	__u32 key, idx, held = 0;

	if (k >= tc->n)
		return 1;
	idx = tc->lit + k;
	if (idx >= PAL_SLOT_LITS)
		goto fail;
	key = tc->slot * PAL_SLOT_LITS + idx;
	lit = bpf_map_lookup_elem(&pal_lits, &key);
	if (!lit)
		goto fail;
	if (lit->field & PAL_LIT_GLOB) {
		held = pal_glob_holds(tc, lit->field & 0xff, lit->atom);
		if (held != (k < tc->n_must))
			goto fail;
		return 0;
	}
	/* The anchor's field was checked when the lists were compiled. */
	if (lit->field == tc->anchor)
		return 0;
	hk.slot = tc->slot;
	hk.entry = tc->c->entry[lit->field & (PAL_ENTRY_SLOTS - 1)];
	hk.atom = lit->atom;
	if (hk.entry && bpf_map_lookup_elem(&pal_held, &hk))
		held = 1;
	if (held != (k < tc->n_must))
		goto fail;
	return 0;
fail:
	tc->holds = 0;
	return 1;
}

/* Term `ti` of the slot holds for the entries found. */
static __always_inline int pal_term_holds(struct pal_eval_ctx *c, __u32 ti,
					  const struct pal_paths *paths)
{
	struct pal_term_check tc;
	struct pal_term *t;
	__u32 key;

	if (ti == PAL_NO_TERM)
		return 1;
	if (ti >= PAL_SLOT_TERMS)
		return 0;
	key = c->slot * PAL_SLOT_TERMS + ti;
	t = bpf_map_lookup_elem(&pal_terms, &key);
	if (!t)
		return 0;
	if (!t->n_checks)
		return 1;
	tc.slot = c->slot;
	tc.lit = t->lit;
	tc.n_must = t->n_must;
	tc.n = tc.n_must + t->n_must_not;
	tc.anchor = t->anchor_field;
	tc.c = c;
	tc.paths = paths;
	tc.holds = 1;
	bpf_loop(2 * PAL_MAX_TERM_LITS, pal_lit_step, &tc, 0);
	return tc.holds;
}

/* Rule `r` decided its policy's verdict (abi.h "hits"). */
static __always_inline void pal_count_hit(__u32 slot, const struct pal_rule *r, __u32 mode)
{
	__u32 key = slot * PAL_MAX_RULES + (r->rule_id & (PAL_MAX_RULES - 1));
	struct pal_rule_hits *h = bpf_map_lookup_elem(&pal_hits, &key);

	if (!h)
		return;
	if (r->action == PAL_ACT_ALLOW)
		__sync_fetch_and_add(&h->allowed, 1);
	else if (r->action == PAL_ACT_AUDIT)
		__sync_fetch_and_add(&h->logged, 1);
	else if (mode == PAL_MODE_AUDIT)
		__sync_fetch_and_add(&h->would, 1);
	else
		__sync_fetch_and_add(&h->blocked, 1);
}

/* Candidate (rule ri, term ti), reached in rule order. */
static __always_inline void pal_consider(struct pal_eval_ctx *c, __u32 ri, __u32 ti,
					 const struct pal_paths *paths)
{
	struct pal_rule *r;
	struct pal_policy *pol;
	__u32 key, p;

	if (ri >= PAL_MAX_RULES)
		return;
	key = c->slot * PAL_MAX_RULES + ri;
	r = bpf_map_lookup_elem(&pal_rules, &key);
	if (!r)
		return;
	if (r->event != c->event)
		return;
	p = r->policy & (PAL_MAX_POLICIES - 1);
	if (c->decided & (1ULL << p))
		return;
	c->considered++;
	if (!pal_term_holds(c, ti, paths))
		return;
	c->decided |= 1ULL << p; /* the first rule that holds decides */
	if (r->action == PAL_ACT_ALLOW) {
		pal_count_hit(c->slot, r, PAL_MODE_ENFORCE);
		return;
	}
	key = c->slot * PAL_MAX_POLICIES + p;
	pol = bpf_map_lookup_elem(&pal_policies, &key);
	if (!pol)
		return;
	pal_count_hit(c->slot, r, pol->mode);
	if (pol->mode == PAL_MODE_ENFORCE && r->action > c->d.action) {
		c->d.action = r->action;
		c->d.policy = p;
		c->d.rule_id = r->rule_id;
	} else if (pol->mode == PAL_MODE_AUDIT && r->action > c->d.would) {
		c->d.would = r->action;
		c->d.would_policy = p;
		c->d.would_rule_id = r->rule_id;
	}
}

/* bpf_loop's context must be on the stack: it carries the pointers. */
struct pal_step_arg {
	struct pal_eval_ctx *c;
	struct pal_paths paths;
};

/* One merge step: the lowest rule index at the head of the lists (the
 * lower list on a tie). */
static long pal_step(__u32 i, void *arg)
{
	struct pal_step_arg *sa = arg;
	struct pal_eval_ctx *c = sa->c;
	__u32 best = 0, ri, ti;

#pragma unroll
	for (int k = 1; k < PAL_MATCH_LISTS; k++)
		if (c->l[k].rule < c->l[best].rule)
			best = k;
	if (best >= PAL_MATCH_LISTS)
		return 1;
	ri = c->l[best].rule;
	ti = c->l[best].term;
	if (ri == PAL_LIST_END)
		return 1;
	c->l[best].pos++;
	pal_list_load(&c->l[best], c->slot);
	pal_consider(c, ri, ti, &sa->paths);
	return 0;
}

#define PAL_ID_FIELDS                                                                              \
	((1u << PAL_FIELD_UID) | (1u << PAL_FIELD_GID) | (1u << PAL_FIELD_EUID) |                  \
	 (1u << PAL_FIELD_PID))

/* One identity field: its 4 bytes, most significant first. */
static __always_inline void pal_lookup_id(__u8 field, __u32 v, __u32 slot,
					  const struct pal_slot *hdr, struct pal_eval_ctx *c)
{
	__u8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	pal_lookup_value(field, b, 4, slot, hdr, &c->entry[field], &c->l[field]);
}

/* The acting task's ids (the given ones in the test program): real uid
 * and gid, effective uid, thread group id. */
static __always_inline void pal_lookup_ids(const struct pal_event_in *in, __u32 slot,
					   const struct pal_slot *hdr, struct pal_eval_ctx *c)
{
	const __u32 used = hdr->fields;
	__u32 uid = in->uid, gid = in->gid, euid = in->euid, pid = in->pid;

	if (!in->ids_given) {
		__u64 ug = bpf_get_current_uid_gid();
		struct task_struct *task = bpf_get_current_task_btf();

		uid = (__u32)ug;
		gid = ug >> 32;
		euid = BPF_CORE_READ(task, cred, euid.val);
		pid = bpf_get_current_pid_tgid() >> 32;
	}
	if (used & (1u << PAL_FIELD_UID))
		pal_lookup_id(PAL_FIELD_UID, uid, slot, hdr, c);
	if (used & (1u << PAL_FIELD_GID))
		pal_lookup_id(PAL_FIELD_GID, gid, slot, hdr, c);
	if (used & (1u << PAL_FIELD_EUID))
		pal_lookup_id(PAL_FIELD_EUID, euid, slot, hdr, c);
	if (used & (1u << PAL_FIELD_PID))
		pal_lookup_id(PAL_FIELD_PID, pid, slot, hdr, c);
}

/* The entries of the event's fields, each with its candidate list. A
 * field no rule of the slot names has no entry to find: its lookup is
 * skipped (pal_slot.fields), which changes no decision. */
static __always_inline void pal_lookup_fields(const struct pal_event_in *in, __u32 slot,
					      const struct pal_slot *hdr, struct pal_eval_ctx *c,
					      struct pal_paths *paths)
{
	const __u32 used = hdr->fields;
	__u8 byte;

	if (in->path && (used & (1u << PAL_FIELD_PATH)))
		pal_lookup_field(in->path, slot, PAL_FIELD_PATH, hdr, &c->entry[PAL_FIELD_PATH],
				 &c->l[PAL_FIELD_PATH]);
	if (used & (1u << PAL_FIELD_BINARY))
		pal_lookup_field(in->binary, slot, PAL_FIELD_BINARY, hdr,
				 &c->entry[PAL_FIELD_BINARY], &c->l[PAL_FIELD_BINARY]);
	if (in->event == PAL_EVENT_RENAME && in->target && (used & (1u << PAL_FIELD_TARGET)))
		pal_lookup_field(in->target, slot, PAL_FIELD_TARGET, hdr,
				 &c->entry[PAL_FIELD_TARGET], &c->l[PAL_FIELD_TARGET]);
	if (used & (1u << PAL_FIELD_CGROUP)) {
		struct pal_path *cg = in->cgroup;
		__u32 zero = 0;

		if (!cg) {
			cg = bpf_map_lookup_elem(&pal_cgroup_scratch, &zero);
			if (cg)
				pal_resolve_cgroup(cg);
		}
		if (cg)
			pal_lookup_field(cg, slot, PAL_FIELD_CGROUP, hdr,
					 &c->entry[PAL_FIELD_CGROUP], &c->l[PAL_FIELD_CGROUP]);
		paths->p[PAL_FIELD_CGROUP - 1] = cg;
	}
	if (in->parent_binary && (used & (1u << PAL_FIELD_PARENT_BINARY)))
		pal_lookup_field(in->parent_binary, slot, PAL_FIELD_PARENT_BINARY, hdr,
				 &c->entry[PAL_FIELD_PARENT_BINARY],
				 &c->l[PAL_FIELD_PARENT_BINARY]);
	if (in->event == PAL_EVENT_OPEN && in->access && (used & (1u << PAL_FIELD_ACCESS))) {
		byte = in->access & PAL_ACCESS_ALL;
		pal_lookup_value(PAL_FIELD_ACCESS, &byte, 1, slot, hdr, &c->entry[PAL_FIELD_ACCESS],
				 &c->l[PAL_FIELD_ACCESS]);
	}
	if (in->event >= PAL_EVENT_CONNECT && in->event <= PAL_EVENT_LISTEN) {
		__u8 port[2] = { in->port >> 8, in->port & 0xff };

		if (used & (1u << PAL_FIELD_PORT))
			pal_lookup_value(PAL_FIELD_PORT, port, 2, slot, hdr,
					 &c->entry[PAL_FIELD_PORT], &c->l[PAL_FIELD_PORT]);
		if (used & (1u << PAL_FIELD_ADDRESS))
			pal_lookup_value(PAL_FIELD_ADDRESS, in->address, 16, slot, hdr,
					 &c->entry[PAL_FIELD_ADDRESS], &c->l[PAL_FIELD_ADDRESS]);
		if (used & (1u << PAL_FIELD_PROTOCOL))
			pal_lookup_value(PAL_FIELD_PROTOCOL, &in->protocol, 1, slot, hdr,
					 &c->entry[PAL_FIELD_PROTOCOL], &c->l[PAL_FIELD_PROTOCOL]);
		if (used & (1u << PAL_FIELD_FAMILY))
			pal_lookup_value(PAL_FIELD_FAMILY, &in->family, 1, slot, hdr,
					 &c->entry[PAL_FIELD_FAMILY], &c->l[PAL_FIELD_FAMILY]);
	}
	if (used & PAL_ID_FIELDS)
		pal_lookup_ids(in, slot, hdr, c);
}

/* The header of the active slot, or 0. */
static __always_inline struct pal_slot *pal_active_slot(void)
{
	struct pal_config *cfg = pal_config_get();
	__u32 slot;

	if (!cfg)
		return 0;
	slot = cfg->active_slot & 1;
	return bpf_map_lookup_elem(&pal_slots, &slot);
}

/* The one routine that writes a verdict into a record's decision (every
 * record kind): who decided, what, with which slot, and the PAL_EXEC_*
 * flags. The mechanism and other flags are the hook's. */
static __always_inline void pal_record_decision(struct pal_decision *out,
						const struct pal_verdict *v, __u32 slot)
{
	out->slot = slot;
	out->action = v->action;
	out->policy = v->policy;
	out->rule_id = v->rule_id;
	out->would = v->would;
	out->would_policy = v->would_policy;
	out->would_rule_id = v->would_rule_id;
	if (v->action > PAL_ACT_ALLOW)
		out->flags |= PAL_EXEC_DECIDED;
	if (v->would > PAL_ACT_ALLOW)
		out->flags |= PAL_EXEC_WOULD;
	if (v->fail_closed)
		out->flags |= PAL_EXEC_FAIL_CLOSED;
}

/* Some rule of the active slot is for `event`: hooks whose event has none
 * return before resolving anything. */
static __always_inline int pal_event_has_rules(__u32 event)
{
	struct pal_slot *hdr = pal_active_slot();

	return hdr && (hdr->events & (1u << event));
}

/* Some rule of the active slot names `field` (PAL_FIELD_*). */
static __always_inline int pal_field_used(__u32 field)
{
	struct pal_slot *hdr = pal_active_slot();

	return hdr && (hdr->fields & (1u << field));
}

/* Resolves the parent's executable into `out` before a decision when a
 * rule of the active slot names parent.binary (returns 1), else marks it
 * unknown (returns 0): the hook then makes the dentry walk only for an
 * event it reports. */
static __always_inline int pal_parent_exe_early(struct pal_path *out)
{
	if (pal_field_used(PAL_FIELD_PARENT_BINARY)) {
		pal_resolve_parent_exe(out);
		return 1;
	}
	pal_path_unknown(out);
	return 0;
}

/* Decides event `in` against the active slot. Returns the decision's
 * state (per-CPU scratch, valid until the next decision on this CPU), or
 * 0 when the maps cannot be read. */
static __always_inline struct pal_eval_ctx *pal_decide(const struct pal_event_in *in)
{
	struct pal_config *cfg = pal_config_get();
	struct pal_eval_ctx *c;
	struct pal_slot *hdr;
	struct pal_step_arg step = {};
	__u32 zero = 0, slot, any = 0;

	c = bpf_map_lookup_elem(&pal_eval_scratch, &zero);
	if (!c || !cfg)
		return 0;
	__builtin_memset(c, 0, sizeof(*c));
	slot = cfg->active_slot & 1;
	c->slot = slot;
	c->event = in->event;
	hdr = bpf_map_lookup_elem(&pal_slots, &slot);
	if (!hdr)
		return c;
	c->unresolved = in->path && (in->path->flags & PAL_PATH_UNRESOLVED);
	if (in->event == PAL_EVENT_RENAME && in->target &&
	    (in->target->flags & PAL_PATH_UNRESOLVED))
		c->unresolved = 1;
	if (c->unresolved) {
		/* Fail closed: each policy's first deny/kill rule of the event
		 * holds, and no allow exception does. */
		c->l[0].pos = hdr->closed_first;
		c->l[0].end = hdr->closed_first + hdr->closed_count;
	} else {
		c->l[0].pos = hdr->always_first;
		c->l[0].end = hdr->always_first + hdr->always_count;
		/* The paths suffixes and globs are checked against. */
		step.paths.p[0] = in->path;
		step.paths.p[1] = in->binary;
		if (in->event == PAL_EVENT_RENAME)
			step.paths.p[2] = in->target;
		step.paths.p[PAL_FIELD_PARENT_BINARY - 1] = in->parent_binary;
		pal_lookup_fields(in, slot, hdr, c, &step.paths);
	}
#pragma unroll
	for (int k = 0; k < PAL_MATCH_LISTS; k++) {
		pal_list_load(&c->l[k], slot);
		any |= c->l[k].rule != PAL_LIST_END;
	}
	step.c = c;
	if (any)
		bpf_loop(PAL_MATCH_STEPS, pal_step, &step, 0);
	c->d.fail_closed = c->unresolved && c->d.action >= PAL_ACT_DENY;
	return c;
}

/* Decides an exec of `path` by a process running `binary` whose parent
 * runs `parent`. */
static __always_inline struct pal_eval_ctx *
pal_decide_exec(struct pal_path *path, struct pal_path *binary, struct pal_path *parent)
{
	struct pal_event_in in = {
		.event = PAL_EVENT_EXEC,
		.path = path,
		.binary = binary,
		.parent_binary = parent,
	};

	return pal_decide(&in);
}

#endif
