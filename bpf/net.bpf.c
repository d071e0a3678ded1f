/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Network enforcement: connect, bind, listen.
 *
 *   cgroup/connect4, connect6      mechanism "cgroup", attached at the root
 *   cgroup/sendmsg4, sendmsg6        of cgroup v2 (every process): a
 *   cgroup/bind4, bind6              rejected call fails with EPERM before
 *                                    a packet leaves. sendmsg covers UDP
 *                                    sendto/sendmsg with an address (the
 *                                    "connect" event: same rules).
 *   lsm/socket_listen               listen has no cgroup hook: mechanism
 *   fmod_ret/security_socket_listen  "lsm" or "fmod_ret", like file events
 *   tracepoint sys_exit_{connect,bind,sendto,sendmsg,sendmmsg}
 *                                    kill rules: cgroup programs may not
 *                                    send signals (Linux 6.1), so they mark
 *                                    the thread and it is SIGKILLed when
 *                                    its refused syscall returns
 *
 * Addresses are IPv6; an IPv4 one is mapped (::ffff:a.b.c.d), so a rule on
 * an IPv4 address or CIDR also holds for an IPv4-mapped IPv6 connect.
 * Only decided events are reported. Maps of lib/maps.h are the exec
 * object's (the loader shares them).
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/path.h"
#include "lib/match.h"
#include "lib/emit.h"

char LICENSE[] SEC("license") = "GPL";

#define PAL_AF_INET 2
#define PAL_AF_INET6 10
#define PAL_CGROUP_ALLOW 1
#define PAL_CGROUP_REJECT 0

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_net_record);
} net_scratch SEC(".maps");

/* Threads whose refused network call must end in SIGKILL. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tid */
	__type(value, __u32);
} kill_pending SEC(".maps");

static __always_inline struct pal_net_record *pal_net_start(__u32 event, __u32 mechanism)
{
	struct pal_net_record *rec;
	__u32 zero = 0;

	rec = bpf_map_lookup_elem(&net_scratch, &zero);
	if (!rec)
		return 0;
	rec->event = event;
	rec->decision.mechanism = mechanism;
	rec->decision.flags = 0;
	rec->port = 0;
	rec->protocol = 0;
	rec->family = 0;
	__builtin_memset(rec->address, 0, sizeof(rec->address));
	return rec;
}

static __always_inline void pal_map_ipv4(__u8 *address, __u32 ip4_be)
{
	__builtin_memset(address, 0, 10);
	address[10] = 0xff;
	address[11] = 0xff;
	__builtin_memcpy(&address[12], &ip4_be, 4);
}

/* Decides the event in `rec`; reports it when a rule decided. Returns the
 * decided action (PAL_ACT_*). `can_signal`: the program may send SIGKILL
 * itself; otherwise the thread is marked for the syscall-exit programs. */
static __always_inline __u32 pal_net_decide(struct pal_net_record *rec, __u32 event, int can_signal)
{
	struct pal_event_in in = {};
	struct pal_eval_ctx *ec;
	__u32 tid, one = 1;
	/* The executable's path is a dentry walk: made before the decision
	 * only when a rule names it, else only for an event that is reported. */
	int binary_first = pal_field_used(PAL_FIELD_BINARY);
	int parent_first = pal_parent_exe_early(&rec->parent_binary);

	if (binary_first)
		pal_resolve_current_exe(&rec->binary);
	in.event = event; /* a constant: see pal_file_decide in file.bpf.c */
	in.binary = &rec->binary;
	in.parent_binary = &rec->parent_binary;
	in.port = rec->port;
	in.protocol = rec->protocol;
	in.family = rec->family;
	__builtin_memcpy(in.address, rec->address, sizeof(in.address));
	ec = pal_decide(&in);
	if (!ec || (ec->d.action <= PAL_ACT_ALLOW && ec->d.would <= PAL_ACT_ALLOW))
		return PAL_ACT_NONE;
	if (!binary_first)
		pal_resolve_current_exe(&rec->binary);
	if (!parent_first)
		pal_resolve_parent_exe(&rec->parent_binary);

	pal_fill_hdr(&rec->hdr, PAL_REC_NET);
	pal_record_decision(&rec->decision, &ec->d, ec->slot);
	pal_emit(rec, sizeof(*rec));
	if (ec->d.action == PAL_ACT_KILL) {
		if (can_signal) {
			bpf_send_signal(PAL_SIGKILL);
		} else {
			tid = (__u32)bpf_get_current_pid_tgid();
			bpf_map_update_elem(&kill_pending, &tid, &one, BPF_ANY);
		}
	}
	return ec->d.action;
}

/* ---- cgroup socket hooks ---------------------------------------------- */

static __always_inline int pal_sock_addr4(struct bpf_sock_addr *ctx, __u32 event)
{
	struct pal_net_record *rec;

	if (!pal_event_has_rules(event))
		return PAL_CGROUP_ALLOW;
	rec = pal_net_start(event, PAL_MECH_CGROUP);
	if (!rec)
		return PAL_CGROUP_ALLOW;
	rec->family = 4;
	rec->protocol = ctx->protocol;
	rec->port = bpf_ntohs(ctx->user_port);
	pal_map_ipv4(rec->address, ctx->user_ip4);
	return pal_net_decide(rec, event, 0) >= PAL_ACT_DENY ? PAL_CGROUP_REJECT : PAL_CGROUP_ALLOW;
}

static __always_inline int pal_sock_addr6(struct bpf_sock_addr *ctx, __u32 event)
{
	struct pal_net_record *rec;
	__u32 w;

	if (!pal_event_has_rules(event))
		return PAL_CGROUP_ALLOW;
	rec = pal_net_start(event, PAL_MECH_CGROUP);
	if (!rec)
		return PAL_CGROUP_ALLOW;
	rec->family = 6;
	rec->protocol = ctx->protocol;
	rec->port = bpf_ntohs(ctx->user_port);
	/* One 4-byte context read at a time: the verifier allows no other. */
	w = ctx->user_ip6[0];
	__builtin_memcpy(&rec->address[0], &w, 4);
	w = ctx->user_ip6[1];
	__builtin_memcpy(&rec->address[4], &w, 4);
	w = ctx->user_ip6[2];
	__builtin_memcpy(&rec->address[8], &w, 4);
	w = ctx->user_ip6[3];
	__builtin_memcpy(&rec->address[12], &w, 4);
	return pal_net_decide(rec, event, 0) >= PAL_ACT_DENY ? PAL_CGROUP_REJECT : PAL_CGROUP_ALLOW;
}

SEC("cgroup/connect4")
int pal_connect4(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr4(ctx, PAL_EVENT_CONNECT);
}

SEC("cgroup/connect6")
int pal_connect6(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr6(ctx, PAL_EVENT_CONNECT);
}

SEC("cgroup/sendmsg4")
int pal_sendmsg4(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr4(ctx, PAL_EVENT_CONNECT);
}

SEC("cgroup/sendmsg6")
int pal_sendmsg6(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr6(ctx, PAL_EVENT_CONNECT);
}

SEC("cgroup/bind4")
int pal_bind4(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr4(ctx, PAL_EVENT_BIND);
}

SEC("cgroup/bind6")
int pal_bind6(struct bpf_sock_addr *ctx)
{
	return pal_sock_addr6(ctx, PAL_EVENT_BIND);
}

/* ---- kill rules: SIGKILL when the refused syscall returns ------------- */

static __always_inline int pal_kill_if_pending(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!bpf_map_lookup_elem(&kill_pending, &tid))
		return 0;
	bpf_map_delete_elem(&kill_pending, &tid);
	bpf_send_signal(PAL_SIGKILL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int pal_exit_connect(void *ctx)
{
	return pal_kill_if_pending();
}

SEC("tracepoint/syscalls/sys_exit_bind")
int pal_exit_bind(void *ctx)
{
	return pal_kill_if_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int pal_exit_sendto(void *ctx)
{
	return pal_kill_if_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int pal_exit_sendmsg(void *ctx)
{
	return pal_kill_if_pending();
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int pal_exit_sendmmsg(void *ctx)
{
	return pal_kill_if_pending();
}

/* ---- listen ------------------------------------------------------------ */

static __always_inline int pal_on_listen(struct socket *sock, __u32 mechanism)
{
	struct pal_net_record *rec;
	struct sock *sk;
	__u16 family;
	__u32 ip4;

	if (!pal_event_has_rules(PAL_EVENT_LISTEN))
		return 0;
	rec = pal_net_start(PAL_EVENT_LISTEN, mechanism);
	if (!rec)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	rec->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	rec->protocol = BPF_CORE_READ(sk, sk_protocol);
	if (family == PAL_AF_INET6) {
		rec->family = 6;
		BPF_CORE_READ_INTO(&rec->address, sk, __sk_common.skc_v6_rcv_saddr);
	} else {
		rec->family = 4;
		ip4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		pal_map_ipv4(rec->address, ip4);
	}
	return pal_net_decide(rec, PAL_EVENT_LISTEN, 1) >= PAL_ACT_DENY ? -PAL_EPERM : 0;
}

SEC("lsm/socket_listen")
int BPF_PROG(pal_listen_lsm, struct socket *sock, int backlog)
{
	return pal_on_listen(sock, PAL_MECH_LSM);
}

SEC("fmod_ret/security_socket_listen")
int BPF_PROG(pal_listen_fmod, struct socket *sock, int backlog)
{
	return pal_on_listen(sock, PAL_MECH_FMOD_RET);
}
