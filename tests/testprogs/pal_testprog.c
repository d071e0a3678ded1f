/*
 * A tiny static program for the end-to-end tests, so the same binary runs
 * on the host and in the VM without shared libraries.
 *
 *   pal-testprog ok                  exit 0 (copies of it are the
 *                                    "allowed" and "denied" binaries)
 *   pal-testprog exec PATH [ARG...]  execv(PATH); if exec fails, print
 *                                    "exec failed: <ERRNO NAME>" and exit 2
 *   pal-testprog open PATH FLAGS     open(2) with FLAGS letters r (read),
 *                                    w (write), c (O_CREAT), t (O_TRUNC)
 *   pal-testprog unlink PATH         unlink(2)
 *   pal-testprog rename OLD NEW      rename(2)
 *   pal-testprog link OLD NEW        link(2)
 *   pal-testprog chmod PATH          chmod(PATH, 0600)
 *   pal-testprog chown PATH          chown(PATH, 0, 0)
 *   pal-testprog reopen PATH         open PATH read-only, then open
 *                                    /proc/self/fd/N for writing
 * A file operation prints "ok" and exits 0, or prints "<op> failed:
 * <ERRNO NAME>" and exits 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ENOEXEC: return "ENOEXEC";
	default: return strerror(e);
	}
}

static int report(const char *op, int rc)
{
	if (rc < 0) {
		printf("%s failed: %s\n", op, errno_name(errno));
		return 2;
	}
	printf("ok\n");
	return 0;
}

static int open_flags(const char *letters)
{
	int rd = strchr(letters, 'r') != NULL, wr = strchr(letters, 'w') != NULL;
	int flags = rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;

	if (strchr(letters, 'c'))
		flags |= O_CREAT;
	if (strchr(letters, 't'))
		flags |= O_TRUNC;
	return flags;
}

static int file_op(int argc, char **argv)
{
	const char *op = argv[1];
	char fdpath[64];
	int fd;

	if (argc == 4 && strcmp(op, "open") == 0)
		return report(op, open(argv[2], open_flags(argv[3]), 0644));
	if (argc == 3 && strcmp(op, "unlink") == 0)
		return report(op, unlink(argv[2]));
	if (argc == 4 && strcmp(op, "rename") == 0)
		return report(op, rename(argv[2], argv[3]));
	if (argc == 4 && strcmp(op, "link") == 0)
		return report(op, link(argv[2], argv[3]));
	if (argc == 3 && strcmp(op, "chmod") == 0)
		return report(op, chmod(argv[2], 0600));
	if (argc == 3 && strcmp(op, "chown") == 0)
		return report(op, chown(argv[2], 0, 0));
	if (argc == 3 && strcmp(op, "reopen") == 0) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return report("open", fd);
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		return report(op, open(fdpath, O_WRONLY));
	}
	return -1;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc >= 2 && strcmp(argv[1], "ok") == 0)
		return 0;
	if (argc >= 3 && (rc = file_op(argc, argv)) >= 0)
		return rc;
	if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
		execv(argv[2], &argv[2]);
		printf("exec failed: %s\n", errno_name(errno));
		fflush(stdout);
		return 2;
	}
	fprintf(stderr, "usage: pal-testprog ok | exec PATH [ARG...] | open PATH rwct"
			" | unlink PATH | rename OLD NEW | link OLD NEW | chmod PATH"
			" | chown PATH | reopen PATH\n");
	return 64;
}
