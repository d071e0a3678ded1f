/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * File enforcement: open, unlink, rename, chmod, chown.
 *
 *   lsm/file_open, lsm/path_unlink, lsm/path_rename, lsm/path_chmod,
 *   lsm/path_chown                     mechanism "lsm": deny = -EPERM
 *   fmod_ret/security_file_open, ...   mechanism "fmod_ret": the same
 *                                      decision returned from the
 *                                      security_* function, for kernels
 *                                      where BPF LSM does not run
 *   tracepoint syscalls/sys_{enter,exit}_{open,openat,openat2,creat}
 *                                      mechanism "tracepoint+sigkill",
 *                                      opens only, the last resort: the
 *                                      open has happened; a denied one
 *                                      gets SIGKILL before the caller's
 *                                      next instruction
 *
 * The loader autoloads one of the two sets and shares every map of
 * lib/maps.h with the exec object, so one apply() or mode switch covers
 * both. Paths come from the kernel's struct path / struct dentry, never
 * from the caller's string. Only a decided event is reported (opens are far
 * too many to report each one); a hook whose event has no rule in the
 * active slot returns before resolving anything.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/path.h"
#include "lib/match.h"
#include "lib/emit.h"

char LICENSE[] SEC("license") = "GPL";

/* fmode_t bits and open flags (macros, so not in vmlinux.h). The values
 * are those of Linux 6.1; docs/abi.md "Open intents". */
#define PAL_FMODE_READ 0x1
#define PAL_FMODE_WRITE 0x2
#define PAL_FMODE_CREATED 0x100000
#define PAL_FMODE_PATH 0x4000
#define PAL_O_TRUNC 01000

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pal_file_record);
} file_scratch SEC(".maps");

static __always_inline struct pal_file_record *pal_file_start(__u32 event, __u32 mechanism)
{
	struct pal_file_record *rec;
	__u32 zero = 0;

	rec = bpf_map_lookup_elem(&file_scratch, &zero);
	if (!rec)
		return 0;
	rec->event = event;
	rec->access = 0;
	rec->decision.mechanism = mechanism;
	rec->decision.flags = 0;
	rec->target.flags = PAL_PATH_UNKNOWN;
	rec->target.len = 0;
	rec->target.str[0] = 0;
	return rec;
}

/* A path made of a directory's mount and a dentry in it (the dentry of
 * an unlink or a rename is not a struct path of its own). */
static __always_inline void pal_resolve_in_dir(const struct path *dir, struct dentry *dentry,
					       struct pal_path *out)
{
	struct path p = {};

	p.mnt = BPF_CORE_READ(dir, mnt);
	p.dentry = dentry;
	pal_resolve_path(&p, out);
}

/* Decides the event in `rec` (path, target and access filled in), reports
 * it when a rule decided, and returns what the hook returns. `event` is
 * rec->event again, as a constant: read back from the record it is
 * unknown to the verifier, which then checks the matcher's rename and
 * network branches too (docs/mechanisms.md, "Verifier headroom"). */
static __always_inline int pal_file_decide(struct pal_file_record *rec, __u32 event)
{
	struct pal_eval_ctx *ec;
	struct pal_event_in in = {};
	/* The executable's path is a dentry walk: made before the decision
	 * only when a rule names it, else only for an event that is reported. */
	int binary_first = pal_field_used(PAL_FIELD_BINARY);
	int parent_first = pal_parent_exe_early(&rec->parent_binary);

	if (binary_first)
		pal_resolve_current_exe(&rec->binary);
	in.event = event;
	in.access = rec->access;
	in.path = &rec->path;
	in.binary = &rec->binary;
	in.parent_binary = &rec->parent_binary;
	in.target = &rec->target;
	ec = pal_decide(&in);
	if (!ec || (ec->d.action <= PAL_ACT_ALLOW && ec->d.would <= PAL_ACT_ALLOW))
		return 0;
	if (!binary_first)
		pal_resolve_current_exe(&rec->binary);
	if (!parent_first)
		pal_resolve_parent_exe(&rec->parent_binary);

	pal_fill_hdr(&rec->hdr, PAL_REC_FILE);
	pal_record_decision(&rec->decision, &ec->d, ec->slot);
	pal_emit(rec, sizeof(*rec));
	/* After the fact (tracepoint) a denial can only be a kill. */
	if (ec->d.action == PAL_ACT_KILL ||
	    (ec->d.action == PAL_ACT_DENY && rec->decision.mechanism == PAL_MECH_TP_SIGKILL))
		bpf_send_signal(PAL_SIGKILL);
	return ec->d.action >= PAL_ACT_DENY ? -PAL_EPERM : 0;
}

/* ---- one body per event, shared by both mechanisms -------------------- */

/* `flags`: the open's O_* flags (O_TRUNC is gone from f_flags once the
 * open completed, so the tracepoint mechanism passes the syscall's). */
static __always_inline int pal_on_open(struct file *file, __u32 flags, __u32 mechanism)
{
	struct pal_file_record *rec;
	__u32 fmode;

	if (!pal_event_has_rules(PAL_EVENT_OPEN))
		return 0;
	rec = pal_file_start(PAL_EVENT_OPEN, mechanism);
	if (!rec)
		return 0;
	pal_resolve_path(&file->f_path, &rec->path);
	fmode = BPF_CORE_READ(file, f_mode);
	if (fmode & PAL_FMODE_READ)
		rec->access |= PAL_ACCESS_READ;
	if (fmode & PAL_FMODE_WRITE)
		rec->access |= PAL_ACCESS_WRITE;
	if (fmode & PAL_FMODE_CREATED)
		rec->access |= PAL_ACCESS_CREATE;
	if (flags & PAL_O_TRUNC)
		rec->access |= PAL_ACCESS_TRUNCATE;
	return pal_file_decide(rec, PAL_EVENT_OPEN);
}

static __always_inline int pal_on_unlink(const struct path *dir, struct dentry *dentry,
					 __u32 mechanism)
{
	struct pal_file_record *rec;

	if (!pal_event_has_rules(PAL_EVENT_UNLINK))
		return 0;
	rec = pal_file_start(PAL_EVENT_UNLINK, mechanism);
	if (!rec)
		return 0;
	pal_resolve_in_dir(dir, dentry, &rec->path);
	return pal_file_decide(rec, PAL_EVENT_UNLINK);
}

static __always_inline int pal_on_rename(const struct path *old_dir, struct dentry *old_dentry,
					 const struct path *new_dir, struct dentry *new_dentry,
					 __u32 mechanism)
{
	struct pal_file_record *rec;

	if (!pal_event_has_rules(PAL_EVENT_RENAME))
		return 0;
	rec = pal_file_start(PAL_EVENT_RENAME, mechanism);
	if (!rec)
		return 0;
	pal_resolve_in_dir(old_dir, old_dentry, &rec->path);
	pal_resolve_in_dir(new_dir, new_dentry, &rec->target);
	return pal_file_decide(rec, PAL_EVENT_RENAME);
}

static __always_inline int pal_on_attr(const struct path *path, __u32 event, __u32 mechanism)
{
	struct pal_file_record *rec;

	if (!pal_event_has_rules(event))
		return 0;
	rec = pal_file_start(event, mechanism);
	if (!rec)
		return 0;
	pal_resolve_path(path, &rec->path);
	return pal_file_decide(rec, event);
}

/* ---- mechanism "lsm" ---------------------------------------------------
 * The previous BPF LSM program's return value (the trailing `ret`) is not
 * read: its position differs between kernels for path_rename, and only
 * Palisade's programs are attached to these hooks. */

SEC("lsm/file_open")
int BPF_PROG(pal_open_lsm, struct file *file)
{
	return pal_on_open(file, BPF_CORE_READ(file, f_flags), PAL_MECH_LSM);
}

SEC("lsm/path_unlink")
int BPF_PROG(pal_unlink_lsm, const struct path *dir, struct dentry *dentry)
{
	return pal_on_unlink(dir, dentry, PAL_MECH_LSM);
}

SEC("lsm/path_rename")
int BPF_PROG(pal_rename_lsm, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry)
{
	return pal_on_rename(old_dir, old_dentry, new_dir, new_dentry, PAL_MECH_LSM);
}

SEC("lsm/path_chmod")
int BPF_PROG(pal_chmod_lsm, const struct path *path)
{
	return pal_on_attr(path, PAL_EVENT_CHMOD, PAL_MECH_LSM);
}

SEC("lsm/path_chown")
int BPF_PROG(pal_chown_lsm, const struct path *path)
{
	return pal_on_attr(path, PAL_EVENT_CHOWN, PAL_MECH_LSM);
}

/* ---- mechanism "fmod_ret" ---------------------------------------------
 * A non-zero return skips the security_* function and is its result. */

SEC("fmod_ret/security_file_open")
int BPF_PROG(pal_open_fmod, struct file *file)
{
	return pal_on_open(file, BPF_CORE_READ(file, f_flags), PAL_MECH_FMOD_RET);
}

SEC("fmod_ret/security_path_unlink")
int BPF_PROG(pal_unlink_fmod, const struct path *dir, struct dentry *dentry)
{
	return pal_on_unlink(dir, dentry, PAL_MECH_FMOD_RET);
}

SEC("fmod_ret/security_path_rename")
int BPF_PROG(pal_rename_fmod, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry)
{
	return pal_on_rename(old_dir, old_dentry, new_dir, new_dentry, PAL_MECH_FMOD_RET);
}

SEC("fmod_ret/security_path_chmod")
int BPF_PROG(pal_chmod_fmod, const struct path *path)
{
	return pal_on_attr(path, PAL_EVENT_CHMOD, PAL_MECH_FMOD_RET);
}

SEC("fmod_ret/security_path_chown")
int BPF_PROG(pal_chown_fmod, const struct path *path)
{
	return pal_on_attr(path, PAL_EVENT_CHOWN, PAL_MECH_FMOD_RET);
}

/* ---- mechanism "tracepoint+sigkill" (opens only) ----------------------
 * Where neither BPF LSM nor fmod_ret runs. At syscall entry the open's
 * flags are kept per thread (O_TRUNC does not survive in f_flags); at
 * syscall exit a new fd's struct file is taken from the caller's fd table,
 * its path walked and the open decided like the LSM one. A denial cannot
 * undo the open (a created or truncated file stays so): the caller gets
 * SIGKILL, which it takes before its next instruction, so it never uses
 * the fd. unlink, rename, chmod and chown leave no object to resolve at
 * syscall exit: the loader refuses their rules with this mechanism. */

#define PAL_O_WRONLY 01
#define PAL_O_CREAT 0100

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* thread id in open(2) */
	__type(value, __u32); /* its O_* flags */
} open_flags SEC(".maps");

static __always_inline int pal_open_enter(__u64 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 f = (__u32)flags;

	if (!pal_event_has_rules(PAL_EVENT_OPEN))
		return 0;
	bpf_map_update_elem(&open_flags, &tid, &f, BPF_ANY);
	return 0;
}

/* The struct file behind `fd` in the current task's table, or 0. */
static __always_inline struct file *pal_fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = 0;

	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return 0;
	return file;
}

static __always_inline int pal_open_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *stashed = bpf_map_lookup_elem(&open_flags, &tid);
	__u32 flags = stashed ? *stashed : 0;
	struct file *file;

	if (stashed)
		bpf_map_delete_elem(&open_flags, &tid);
	if (ret < 0 || !pal_event_has_rules(PAL_EVENT_OPEN))
		return 0;
	file = pal_fd_file(ret);
	/* O_PATH opens never reach security_file_open: skip them alike. */
	if (!file || (BPF_CORE_READ(file, f_mode) & PAL_FMODE_PATH))
		return 0;
	return pal_on_open(file, flags, PAL_MECH_TP_SIGKILL);
}

SEC("tracepoint/syscalls/sys_enter_open")
int pal_open_enter_open(struct trace_event_raw_sys_enter *ctx)
{
	return pal_open_enter(ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int pal_open_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return pal_open_enter(ctx->args[2]);
}

/* openat2's flags are in user memory (struct open_how, flags first). */
SEC("tracepoint/syscalls/sys_enter_openat2")
int pal_open_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (const void *)ctx->args[2]);
	return pal_open_enter(flags);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int pal_open_enter_creat(struct trace_event_raw_sys_enter *ctx)
{
	return pal_open_enter(PAL_O_CREAT | PAL_O_WRONLY | PAL_O_TRUNC);
}

SEC("tracepoint/syscalls/sys_exit_open")
int pal_open_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	return pal_open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int pal_open_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return pal_open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int pal_open_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return pal_open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int pal_open_exit_creat(struct trace_event_raw_sys_exit *ctx)
{
	return pal_open_exit(ctx->ret);
}
