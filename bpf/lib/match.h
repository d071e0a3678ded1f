/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The policy matcher every hook program (and the test program) shares.
 *
 * 1. Atoms: one longest-prefix lookup per field in the "atoms" LPM trie
 *    gives every atom (field predicate) that holds for that field's value;
 *    userspace closed each entry over its prefixes, so one lookup suffices.
 * 2. Rules: walk the active slot's rules (ordered by policy, then allow,
 *    kill, deny, audit); the first rule of a policy whose DNF holds decides
 *    that policy. Enforce-mode policies produce the action, audit-mode ones
 *    the "would". docs/abi.md has the full description.
 */
#ifndef PAL_BPF_MATCH_H
#define PAL_BPF_MATCH_H

#include "common.h"
#include "maps.h"

struct pal_decision {
	__u32 action, policy, rule_id;
	__u32 would, would_policy, would_rule_id;
	__u32 fail_closed; /* a path could not be resolved */
};

static __always_inline struct pal_config *pal_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&pal_config, &zero);
}

/* ORs into `set` the atoms that hold for path `p` as field `field`. */
static __always_inline void pal_atoms_for(struct pal_path *p, __u32 slot, __u8 field,
					  struct pal_atom_set *set)
{
	struct pal_atom_set *hit;
	__u32 bytes;

	if (p->flags & (PAL_PATH_UNKNOWN | PAL_PATH_UNRESOLVED))
		return;
	/* A truncated path is only a head: leave the NUL out so that no
	 * exact entry can match it, only directory prefixes. */
	bytes = PAL_LPM_HDR + p->len + ((p->flags & PAL_PATH_TRUNCATED) ? 0 : 1);
	if (bytes > PAL_LPM_DATA)
		bytes = PAL_LPM_DATA;
	p->lpm_prefixlen = bytes * 8;
	p->lpm_slot = slot;
	p->lpm_field = field;
	hit = bpf_map_lookup_elem(&pal_atoms, p);
	if (!hit)
		return;
	for (int w = 0; w < PAL_ATOM_WORDS; w++)
		set->bits[w] |= hit->bits[w];
}

static __always_inline int pal_term_holds(const struct pal_term *t,
					  const struct pal_atom_set *set)
{
	for (int w = 0; w < PAL_ATOM_WORDS; w++) {
		if ((set->bits[w] & t->must[w]) != t->must[w])
			return 0;
		if (set->bits[w] & t->must_not[w])
			return 0;
	}
	return 1;
}

static __always_inline int pal_rule_holds(const struct pal_rule *r,
					  const struct pal_atom_set *set)
{
	for (int t = 0; t < PAL_MAX_TERMS; t++) {
		if (t >= r->n_terms)
			return 0;
		if (pal_term_holds(&r->terms[t], set))
			return 1;
	}
	return 0;
}

struct pal_eval_ctx {
	struct pal_atom_set set;
	struct pal_decision d;
	__u64 decided; /* bit per policy index */
	__u32 slot, n_rules, event, unresolved;
};

static long pal_eval_rule(__u32 i, void *arg)
{
	struct pal_eval_ctx *c = arg;
	struct pal_rule *r;
	struct pal_policy *pol;
	__u32 key, pkey, p, holds;

	if (i >= c->n_rules || i >= PAL_MAX_RULES)
		return 1;
	key = (c->slot & 1) * PAL_MAX_RULES + i;
	r = bpf_map_lookup_elem(&pal_rules, &key);
	if (!r)
		return 1;
	if (r->event != c->event)
		return 0;
	p = r->policy & (PAL_MAX_POLICIES - 1);
	if (c->decided & (1ULL << p))
		return 0;
	/* Fail closed: with an unresolvable path every deny/kill rule holds
	 * and no allow exception does. */
	if (c->unresolved)
		holds = r->action >= PAL_ACT_DENY;
	else
		holds = pal_rule_holds(r, &c->set);
	if (!holds)
		return 0;
	c->decided |= 1ULL << p;
	if (r->action == PAL_ACT_ALLOW)
		return 0;
	pkey = (c->slot & 1) * PAL_MAX_POLICIES + p;
	pol = bpf_map_lookup_elem(&pal_policies, &pkey);
	if (!pol)
		return 0;
	if (pol->mode == PAL_MODE_ENFORCE && r->action > c->d.action) {
		c->d.action = r->action;
		c->d.policy = p;
		c->d.rule_id = r->rule_id;
	} else if (pol->mode == PAL_MODE_AUDIT && r->action > c->d.would) {
		c->d.would = r->action;
		c->d.would_policy = p;
		c->d.would_rule_id = r->rule_id;
	}
	return 0;
}

/* Decides an exec of `path` by a process running `binary`. */
static __always_inline void pal_decide_exec(struct pal_path *path, struct pal_path *binary,
					    struct pal_eval_ctx *c, __u32 *slot_out)
{
	struct pal_config *cfg = pal_config_get();

	__builtin_memset(c, 0, sizeof(*c));
	if (!cfg)
		return;
	__u32 slot = cfg->active_slot & 1;

	c->slot = slot;
	c->n_rules = cfg->n_rules[slot];
	c->event = PAL_EVENT_EXEC;
	*slot_out = c->slot;
	c->unresolved = (path->flags & PAL_PATH_UNRESOLVED) != 0;
	pal_atoms_for(path, c->slot, PAL_FIELD_PATH, &c->set);
	pal_atoms_for(binary, c->slot, PAL_FIELD_BINARY, &c->set);
	bpf_loop(PAL_MAX_RULES, pal_eval_rule, c, 0);
	c->d.fail_closed = c->unresolved && c->d.action >= PAL_ACT_DENY;
}

#endif
