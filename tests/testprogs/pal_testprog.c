/*
 * A tiny static program for the end-to-end tests, so the same binary runs
 * on the host and in the VM without shared libraries.
 *
 *   pal-testprog ok                  exit 0 (copies of it are the
 *                                    "allowed" and "denied" binaries)
 *   pal-testprog exec PATH [ARG...]  execv(PATH); if exec fails, print
 *                                    "exec failed: <ERRNO NAME>" and exit 2
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "ok") == 0)
		return 0;
	if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
		execv(argv[2], &argv[2]);
		printf("exec failed: %s\n", errno_name(errno));
		fflush(stdout);
		return 2;
	}
	fprintf(stderr, "usage: pal-testprog ok | exec PATH [ARG...]\n");
	return 64;
}
