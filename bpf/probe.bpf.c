/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Feature probe: does a BPF LSM (or fmod_ret) program actually RUN here?
 * An LSM program loads and attaches fine when "bpf" is missing from the
 * active LSM list, and then never runs; so the loader attaches this one,
 * opens a file from the probing process, and checks that `hits` moved.
 */
#include "lib/common.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 probe_tgid = 0;
__u64 hits = 0;

SEC("lsm/file_open")
int BPF_PROG(pal_probe_lsm, struct file *file, int ret)
{
	if ((bpf_get_current_pid_tgid() >> 32) == probe_tgid)
		__sync_fetch_and_add(&hits, 1);
	return ret;
}

/* The same question for fmod_ret (loaded on its own: a kernel may refuse
 * one kind and not the other). Returns 0: the open goes on. */
SEC("fmod_ret/security_file_open")
int BPF_PROG(pal_probe_fmod, struct file *file)
{
	if ((bpf_get_current_pid_tgid() >> 32) == probe_tgid)
		__sync_fetch_and_add(&hits, 1);
	return 0;
}

/* Network: a cgroup connect4 program attached at the cgroup v2 root runs
 * for this process's connect(). Allows everything. */
SEC("cgroup/connect4")
int pal_probe_cgroup(struct bpf_sock_addr *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) == probe_tgid)
		__sync_fetch_and_add(&hits, 1);
	return 1;
}

/* kprobe + bpf_override_return: loads only where the kernel has kprobes
 * and CONFIG_BPF_KPROBE_OVERRIDE (neither kernel here). Never attached:
 * the probe only reports whether the kernel would accept it. */
SEC("kprobe/security_file_open")
int pal_probe_kprobe(struct pt_regs *ctx)
{
	bpf_override_return(ctx, 0);
	return 0;
}
