/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Exec enforcement and the process lifecycle.
 *
 *   sys_enter_execve(at)        stash argv and the caller's executable,
 *                               keyed by thread id
 *   lsm/bprm_check_security     (mechanism "lsm") decide; deny = -EPERM
 *                               before the new program runs
 *   fmod_ret/security_bprm_check  (mechanism "fmod_ret") the same where
 *                               BPF LSM does not run
 *   tp_btf/sched_process_exec   a process started: emit the exec record;
 *                               (mechanism "tracepoint") decide here and
 *                               SIGKILL a denied program before it runs a
 *                               single instruction of its own
 *   tp_btf/sched_process_fork   a new process inherits its parent's
 *                               executable (for its exit record)
 *   tp_btf/sched_process_exit   emit the exit record of a thread group
 *
 * The loader autoloads pal_exec_lsm or pal_exec_fmod only when that
 * mechanism was proven to run, and writes the chosen mechanism to config.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/path.h"
#include "lib/match.h"
#include "lib/emit.h"

char LICENSE[] SEC("license") = "GPL";

#define PAL_ARGV_MAX 32
#define PAL_ARG_READ (PAL_ARGS_MAX / 2)

/* What an exec carries from syscall entry to its completion. */
struct pal_exec_stash {
	__u32 args_len;
	__u32 flags; /* PAL_EXEC_* */
	/* the strongest outcome of the checks so far (a script is checked
	 * once per interpreter); fail_closed stays 0 */
	struct pal_verdict verdict;
	struct pal_path binary; /* the caller's executable */
	char args[PAL_ARGS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tid that called execve */
	__type(value, struct pal_exec_stash);
} exec_stash SEC(".maps");

/* Executable of each live process, for exit records (mm is gone then). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32); /* tgid */
	__type(value, char[256]);
} proc_binary SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_exec_stash);
} stash_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_exec_record);
} exec_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_exit_record);
} exit_scratch SEC(".maps");

/* ---- syscall entry: argv and the caller ------------------------------- */

struct pal_argv_ctx {
	const char *const *argv;
	__u32 off;
	__u32 truncated;
};

static long pal_read_arg(__u32 i, void *arg)
{
	struct pal_argv_ctx *c = arg;
	struct pal_exec_stash *s;
	const char *p = 0;
	__u32 zero = 0;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), &c->argv[i]) || !p)
		return 1;
	if (c->off >= PAL_ARG_READ) {
		c->truncated = 1;
		return 1;
	}
	s = bpf_map_lookup_elem(&stash_scratch, &zero);
	if (!s)
		return 1;
	n = bpf_probe_read_user_str(&s->args[c->off & (PAL_ARG_READ - 1)], PAL_ARG_READ, p);
	if (n <= 0)
		return 1;
	c->off += n; /* keeps the NUL as the separator */
	return 0;
}

static __always_inline int pal_stash_exec(const char *const *argv)
{
	struct pal_argv_ctx ac = { .argv = argv };
	struct pal_exec_stash *s;
	__u32 zero = 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	s = bpf_map_lookup_elem(&stash_scratch, &zero);
	if (!s)
		return 0;
	s->flags = 0;
	__builtin_memset(&s->verdict, 0, sizeof(s->verdict)); /* PAL_ACT_NONE */
	bpf_loop(PAL_ARGV_MAX, pal_read_arg, &ac, 0);
	if (ac.truncated || ac.off >= PAL_ARG_READ)
		s->flags |= PAL_EXEC_ARGS_TRUNC;
	s->args_len = ac.off > PAL_ARGS_MAX ? PAL_ARGS_MAX : ac.off;
	pal_resolve_current_exe(&s->binary);
	bpf_map_update_elem(&exec_stash, &tid, s, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int pal_sys_execve(struct trace_event_raw_sys_enter *ctx)
{
	return pal_stash_exec((const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int pal_sys_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return pal_stash_exec((const char *const *)ctx->args[2]);
}

/* ---- decisions -------------------------------------------------------- */

/* argv from the stash into the record. */
static __always_inline void pal_copy_args(struct pal_exec_record *rec,
					  const struct pal_exec_stash *s)
{
	rec->args_len = s->args_len > PAL_ARGS_MAX ? PAL_ARGS_MAX : s->args_len;
	bpf_probe_read_kernel(rec->args, sizeof(rec->args), s->args);
	rec->decision.flags |= s->flags & PAL_EXEC_ARGS_TRUNC;
}

static __always_inline struct pal_exec_record *pal_exec_record_start(void)
{
	struct pal_exec_record *rec;
	__u32 zero = 0;

	rec = bpf_map_lookup_elem(&exec_scratch, &zero);
	if (!rec)
		return 0;
	pal_fill_hdr(&rec->hdr, PAL_REC_EXEC);
	/* PAL_ACT_NONE, no rule, no flags */
	__builtin_memset(&rec->decision, 0, sizeof(rec->decision));
	rec->args_len = 0;
	return rec;
}

/* The decision before the new program runs (mechanisms lsm, fmod_ret). */
static __always_inline int pal_exec_check(struct linux_binprm *bprm, __u32 mechanism)
{
	struct pal_exec_record *rec;
	struct pal_exec_stash *s;
	struct pal_eval_ctx *ec;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	int parent_first;

	rec = pal_exec_record_start();
	if (!rec)
		return 0;
	rec->decision.mechanism = mechanism;
	pal_resolve_path(&bprm->file->f_path, &rec->path);
	pal_resolve_current_exe(&rec->binary);
	/* bprm_check runs in the task that execs: its real parent is the
	 * parent of the process the new program will be. */
	parent_first = pal_parent_exe_early(&rec->parent_binary);
	ec = pal_decide_exec(&rec->path, &rec->binary, &rec->parent_binary);
	if (!ec)
		return 0;
	s = bpf_map_lookup_elem(&exec_stash, &tid);

	if (ec->d.action >= PAL_ACT_DENY) {
		/* The exec fails here: no sched_process_exec will follow, so
		 * this is the only record of it. */
		pal_record_decision(&rec->decision, &ec->d, ec->slot);
		if (!parent_first)
			pal_resolve_parent_exe(&rec->parent_binary);
		if (s) {
			pal_copy_args(rec, s);
			bpf_map_delete_elem(&exec_stash, &tid);
		} else {
			rec->decision.flags |= PAL_EXEC_NO_STASH;
		}
		pal_emit(rec, sizeof(*rec));
		if (ec->d.action == PAL_ACT_KILL)
			bpf_send_signal(PAL_SIGKILL);
		return -PAL_EPERM;
	}
	/* Allowed: keep the strongest outcome for the record emitted when the
	 * exec completes (a script is checked once per interpreter). */
	if (s) {
		if (ec->d.action > s->verdict.action) {
			s->verdict.action = ec->d.action;
			s->verdict.policy = ec->d.policy;
			s->verdict.rule_id = ec->d.rule_id;
		}
		if (ec->d.would > s->verdict.would) {
			s->verdict.would = ec->d.would;
			s->verdict.would_policy = ec->d.would_policy;
			s->verdict.would_rule_id = ec->d.would_rule_id;
		}
	}
	return 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(pal_exec_lsm, struct linux_binprm *bprm, int ret)
{
	if (ret)
		return ret;
	return pal_exec_check(bprm, PAL_MECH_LSM);
}

/* Where BPF LSM does not run: the same decision returned from
 * security_bprm_check() itself (a non-zero return skips it). */
SEC("fmod_ret/security_bprm_check")
int BPF_PROG(pal_exec_fmod, struct linux_binprm *bprm)
{
	return pal_exec_check(bprm, PAL_MECH_FMOD_RET);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(pal_exec_done, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct pal_exec_record *rec;
	struct pal_exec_stash *s;
	struct pal_config *cfg = pal_config_get();
	__u32 key = (__u32)old_pid;
	__u32 tgid;
	int parent_first;

	if (!cfg)
		return 0;
	rec = pal_exec_record_start();
	if (!rec)
		return 0;
	rec->decision.mechanism = cfg->mechanism[PAL_HOOK_EXEC];
	pal_resolve_path(&bprm->file->f_path, &rec->path);
	s = bpf_map_lookup_elem(&exec_stash, &key);
	if (s) {
		pal_copy_args(rec, s);
		bpf_probe_read_kernel(&rec->binary, sizeof(rec->binary), &s->binary);
	} else {
		rec->decision.flags |= PAL_EXEC_NO_STASH;
		rec->binary.flags = PAL_PATH_UNKNOWN;
		rec->binary.len = 0;
		rec->binary.str[0] = 0;
	}

	/* The new program runs in the same process: its real parent is the
	 * one the decision saw. */
	parent_first = pal_parent_exe_early(&rec->parent_binary);
	if (cfg->mechanism[PAL_HOOK_EXEC] == PAL_MECH_TP_SIGKILL) {
		struct pal_eval_ctx *ec =
			pal_decide_exec(&rec->path, &rec->binary, &rec->parent_binary);

		if (ec) {
			pal_record_decision(&rec->decision, &ec->d, ec->slot);
			/* Pending SIGKILL: the task dies on its way back to
			 * user space, before the new program's first
			 * instruction. */
			if (ec->d.action >= PAL_ACT_DENY)
				bpf_send_signal(PAL_SIGKILL);
		}
	} else if (s) {
		pal_record_decision(&rec->decision, &s->verdict, cfg->active_slot & 1);
	}
	if (s)
		bpf_map_delete_elem(&exec_stash, &key);
	/* A decided exec reports its parent's executable even when no rule
	 * needed it; a plain process start skips the walk. */
	if (!parent_first && (rec->decision.flags & (PAL_EXEC_DECIDED | PAL_EXEC_WOULD)))
		pal_resolve_parent_exe(&rec->parent_binary);

	tgid = rec->hdr.pid;
	bpf_map_update_elem(&proc_binary, &tgid, rec->path.str, BPF_ANY);
	pal_emit(rec, sizeof(*rec));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(pal_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 cpid = BPF_CORE_READ(child, pid);
	char *bin;

	if (cpid != BPF_CORE_READ(child, tgid)) /* a thread, not a process */
		return 0;
	bin = bpf_map_lookup_elem(&proc_binary, &ptgid);
	if (bin)
		bpf_map_update_elem(&proc_binary, &cpid, bin, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pal_exit, struct task_struct *task)
{
	struct pal_exit_record *rec;
	char *bin;
	__u32 zero = 0, code, tgid;

	/* One record per thread group: when its last thread exits. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	rec = bpf_map_lookup_elem(&exit_scratch, &zero);
	if (!rec)
		return 0;
	pal_fill_hdr(&rec->hdr, PAL_REC_EXIT);
	code = BPF_CORE_READ(task, exit_code);
	rec->signal = code & 0x7f;
	rec->exit_code = rec->signal ? 0 : (code >> 8) & 0xff;
	tgid = rec->hdr.pid;
	bin = bpf_map_lookup_elem(&proc_binary, &tgid);
	if (bin) {
		bpf_probe_read_kernel_str(rec->binary, sizeof(rec->binary), bin);
		bpf_map_delete_elem(&proc_binary, &tgid);
	} else {
		rec->binary[0] = 0;
	}
	pal_emit(rec, sizeof(*rec));
	return 0;
}
