/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The shared matcher (lib/match.h), callable from userspace through
 * BPF_PROG_TEST_RUN: the test writes an event into `mt_input`, runs
 * this program, and reads the decision, the entries the lookups found and
 * the number of candidate terms evaluated from `mt_output`.
 * The differential test compares it with the userspace reference
 * evaluator on random policies and events. The benchmark's timed loop is
 * match_bench.bpf.c, a separate object: a kernel that refuses it must not
 * take this program with it.
 *
 * raw_tp, not syscall: syscall programs are sleepable, and sleepable
 * programs may not use LPM tries.
 */
#include "lib/match_input.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_match_output);
} mt_output SEC(".maps");

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
