/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The shared matcher (lib/match.h), callable from userspace through
 * BPF_PROG_TEST_RUN: the test writes an event into `mt_input`, runs
 * this program, and reads the decision, the entries the lookups found and
 * the number of candidate terms evaluated from `mt_output`.
 * The differential test compares it with the userspace reference
 * evaluator on random policies and events. pal_match_bench repeats the
 * decision in a loop and times it with the kernel clock, for bench/.
 *
 * raw_tp, not syscall: syscall programs are sleepable, and sleepable
 * programs may not use LPM tries.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/match.h"

char LICENSE[] SEC("license") = "GPL";

/* struct pal_match_input and pal_match_output are in palisade/abi.h. */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_input);
} mt_input SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_output);
} mt_output SEC(".maps");

static __always_inline struct pal_eval_ctx *pal_match_run(struct pal_match_input *in)
{
	struct pal_event_in ev = {
		.event = in->event, .access = in->access,
		.path = &in->path, .binary = &in->binary, .target = &in->target,
		.cgroup = &in->cgroup, .parent_binary = &in->parent_binary,
		.port = in->port, .protocol = in->protocol, .family = in->family,
		.uid = in->uid, .gid = in->gid, .euid = in->euid, .pid = in->pid,
		.ids_given = 1,
	};

	__builtin_memcpy(ev.address, in->address, sizeof(ev.address));
	/* Network events have no file. */
	if (in->event >= PAL_EVENT_CONNECT)
		ev.path = 0;
	return pal_decide(&ev);
}

SEC("raw_tp")
int pal_match_test(void *ctx)
{
	struct pal_match_input *in;
	struct pal_match_output *out;
	struct pal_eval_ctx *ec;
	__u32 zero = 0;

	in = bpf_map_lookup_elem(&mt_input, &zero);
	out = bpf_map_lookup_elem(&mt_output, &zero);
	if (!in || !out)
		return 1;
	ec = pal_match_run(in);
	if (!ec)
		return 1;
	out->path_entry = ec->entry[PAL_FIELD_PATH];
	out->binary_entry = ec->entry[PAL_FIELD_BINARY];
	out->target_entry = ec->entry[PAL_FIELD_TARGET];
	out->access_entry = ec->entry[PAL_FIELD_ACCESS];
	out->port_entry = ec->entry[PAL_FIELD_PORT];
	out->address_entry = ec->entry[PAL_FIELD_ADDRESS];
	out->protocol_entry = ec->entry[PAL_FIELD_PROTOCOL];
	out->family_entry = ec->entry[PAL_FIELD_FAMILY];
	out->cgroup_entry = ec->entry[PAL_FIELD_CGROUP];
	out->parent_binary_entry = ec->entry[PAL_FIELD_PARENT_BINARY];
	out->uid_entry = ec->entry[PAL_FIELD_UID];
	out->gid_entry = ec->entry[PAL_FIELD_GID];
	out->euid_entry = ec->entry[PAL_FIELD_EUID];
	out->pid_entry = ec->entry[PAL_FIELD_PID];
	out->considered = ec->considered;
	out->action = ec->d.action;
	out->policy = ec->d.policy;
	out->rule_id = ec->d.rule_id;
	out->would = ec->d.would;
	out->would_policy = ec->d.would_policy;
	out->would_rule_id = ec->d.would_rule_id;
	out->fail_closed = ec->d.fail_closed;
	out->slot = ec->slot;
	return 0;
}

/* ---- benchmark: mt_bench.iterations decisions, timed in the kernel ---- */

struct pal_match_bench {
	__u64 iterations; /* in */
	__u64 elapsed_ns; /* out */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_bench);
} mt_bench SEC(".maps");

static long pal_bench_step(__u32 i, void *arg)
{
	struct pal_match_input *in;
	__u32 zero = 0;

	in = bpf_map_lookup_elem(&mt_input, &zero);
	if (!in)
		return 1;
	pal_match_run(in);
	return 0;
}

SEC("raw_tp")
int pal_match_bench(void *ctx)
{
	struct pal_match_bench *b;
	__u32 zero = 0;
	__u64 start;

	b = bpf_map_lookup_elem(&mt_bench, &zero);
	if (!b)
		return 1;
	start = bpf_ktime_get_ns();
	bpf_loop(b->iterations, pal_bench_step, 0, 0);
	b->elapsed_ns = bpf_ktime_get_ns() - start;
	return 0;
}
