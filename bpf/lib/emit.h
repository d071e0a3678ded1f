/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Record headers and ring buffer output; a record that does not fit is
 * counted in "drops", never lost silently. */
#ifndef PAL_BPF_EMIT_H
#define PAL_BPF_EMIT_H

#include "common.h"
#include "maps.h"

static __always_inline void pal_fill_hdr(struct pal_record_hdr *h, __u32 kind)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->kind = kind;
	h->boot_ns = bpf_ktime_get_boot_ns();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline void pal_emit(void *rec, __u64 size)
{
	__u32 zero = 0;
	__u64 *n;

	if (bpf_ringbuf_output(&pal_events, rec, size, 0) == 0)
		return;
	n = bpf_map_lookup_elem(&pal_drops, &zero);
	if (n)
		*n += 1;
}

#endif
