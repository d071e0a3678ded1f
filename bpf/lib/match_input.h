/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The matcher driven from userspace: the event comes from the one-element
 * array `mt_input` (struct pal_match_input, palisade/abi.h) instead of a
 * kernel hook. Shared by match_test.bpf.c (one decision, its details out)
 * and match_bench.bpf.c (many decisions, timed); each is its own object,
 * so a kernel that refuses one still loads the other.
 */
#ifndef PAL_BPF_MATCH_INPUT_H
#define PAL_BPF_MATCH_INPUT_H

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/match.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_input);
} mt_input SEC(".maps");

static __always_inline struct pal_eval_ctx *pal_match_run(struct pal_match_input *in)
{
	struct pal_event_in ev = {
		.event = in->event,
		.access = in->access,
		.path = &in->path,
		.binary = &in->binary,
		.target = &in->target,
		.cgroup = &in->cgroup,
		.parent_binary = &in->parent_binary,
		.port = in->port,
		.protocol = in->protocol,
		.family = in->family,
		.uid = in->uid,
		.gid = in->gid,
		.euid = in->euid,
		.pid = in->pid,
		.ids_given = 1,
	};

	__builtin_memcpy(ev.address, in->address, sizeof(ev.address));
	/* Network events have no file. */
	if (in->event >= PAL_EVENT_CONNECT)
		ev.path = 0;
	return pal_decide(&ev);
}

#endif
