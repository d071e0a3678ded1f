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
 *   pal-testprog connect ADDR PORT tcp|udp   connect(2) to ADDR (IPv4 or
 *                                    IPv6 text, e.g. ::ffff:127.0.0.1)
 *   pal-testprog sendto ADDR PORT    one UDP datagram, unconnected socket
 *   pal-testprog bind ADDR PORT tcp|udp      bind(2)
 *   pal-testprog listen ADDR PORT    bind(2) then listen(2), TCP
 *   pal-testprog as UID PATH [ARG...]  setgroups(none), setgid(UID),
 *                                    setuid(UID), then execv(PATH); as
 *                                    root, to act as another user
 *                                    (PATH /proc/self/exe: this program)
 *   pal-testprog spawn PATH [ARG...]  fork; the child execv(PATH) (this
 *                                    program is then its parent, for
 *                                    parent.binary rules); exit with the
 *                                    child's status, 128+N for signal N
 * An operation prints "ok" and exits 0, or prints "<op> failed: <ERRNO
 * NAME>" and exits 2. A TCP connect refused by the peer (nothing listens)
 * prints "ok (ECONNREFUSED)": the call was not blocked locally.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errno_name(int e) {
  switch (e) {
  case EPERM:
    return "EPERM";
  case EACCES:
    return "EACCES";
  case ENOENT:
    return "ENOENT";
  case ENOEXEC:
    return "ENOEXEC";
  case ECONNREFUSED:
    return "ECONNREFUSED";
  case EADDRINUSE:
    return "EADDRINUSE";
  default:
    return strerror(e);
  }
}

static int report(const char *op, int rc) {
  if (rc < 0) {
    printf("%s failed: %s\n", op, errno_name(errno));
    return 2;
  }
  printf("ok\n");
  return 0;
}

static int open_flags(const char *letters) {
  int rd = strchr(letters, 'r') != NULL, wr = strchr(letters, 'w') != NULL;
  int flags = rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;

  if (strchr(letters, 'c'))
    flags |= O_CREAT;
  if (strchr(letters, 't'))
    flags |= O_TRUNC;
  return flags;
}

static int file_op(int argc, char **argv) {
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

/* ADDR PORT into a sockaddr of the right family; 0 on success. */
static int parse_addr(const char *addr, const char *port,
                      struct sockaddr_storage *ss, socklen_t *len) {
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

  memset(ss, 0, sizeof(*ss));
  if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons((unsigned short)atoi(port));
    *len = sizeof(*in4);
    return 0;
  }
  if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((unsigned short)atoi(port));
    *len = sizeof(*in6);
    return 0;
  }
  fprintf(stderr, "bad address %s\n", addr);
  return -1;
}

static int net_op(int argc, char **argv) {
  const char *op = argv[1];
  struct sockaddr_storage ss;
  socklen_t len;
  int udp = argc > 4 && strcmp(argv[4], "udp") == 0;
  int fd, rc;

  if (strcmp(op, "connect") != 0 && strcmp(op, "sendto") != 0 &&
      strcmp(op, "bind") != 0 && strcmp(op, "listen") != 0)
    return -1;
  if (argc < 4 || parse_addr(argv[2], argv[3], &ss, &len) < 0)
    return 64;
  if (strcmp(op, "sendto") == 0)
    udp = 1;
  fd = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd < 0)
    return report("socket", fd);
  if (strcmp(op, "connect") == 0) {
    rc = connect(fd, (struct sockaddr *)&ss, len);
    if (rc < 0 && errno == ECONNREFUSED) {
      printf("ok (ECONNREFUSED)\n");
      return 0;
    }
    return report(op, rc);
  }
  if (strcmp(op, "sendto") == 0)
    return report(op, (int)sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
  if (strcmp(op, "bind") == 0)
    return report(op, bind(fd, (struct sockaddr *)&ss, len));
  if (strcmp(op, "listen") == 0) {
    rc = bind(fd, (struct sockaddr *)&ss, len);
    if (rc < 0)
      return report("bind", rc);
    return report(op, listen(fd, 1));
  }
  return -1;
}

int main(int argc, char **argv) {
  int rc;

  if (argc >= 2 && strcmp(argv[1], "ok") == 0)
    return 0;
  if (argc >= 3 && (rc = file_op(argc, argv)) >= 0)
    return rc;
  if (argc >= 4 && (rc = net_op(argc, argv)) >= 0)
    return rc;
  if (argc >= 4 && strcmp(argv[1], "as") == 0) {
    uid_t id = (uid_t)strtoul(argv[2], 0, 10);

    if (setgroups(0, 0) || setgid(id) || setuid(id)) {
      printf("as failed: %s\n", errno_name(errno));
      return 2;
    }
    execv(argv[3], &argv[3]);
    printf("exec failed: %s\n", errno_name(errno));
    fflush(stdout);
    return 2;
  }
  if (argc >= 3 && strcmp(argv[1], "spawn") == 0) {
    int status = 0;
    pid_t child;

    fflush(stdout);
    child = fork();
    if (child < 0)
      return report("fork", -1);
    if (child == 0) {
      execv(argv[2], &argv[2]);
      printf("exec failed: %s\n", errno_name(errno));
      fflush(stdout);
      _exit(2);
    }
    if (waitpid(child, &status, 0) < 0)
      return report("waitpid", -1);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }
  if (argc >= 3 && strcmp(argv[1], "exec") == 0) {
    execv(argv[2], &argv[2]);
    printf("exec failed: %s\n", errno_name(errno));
    fflush(stdout);
    return 2;
  }
  fprintf(stderr,
          "usage: pal-testprog ok | exec PATH [ARG...] | open PATH rwct"
          " | unlink PATH | rename OLD NEW | link OLD NEW | chmod PATH"
          " | chown PATH | reopen PATH | connect ADDR PORT tcp|udp"
          " | sendto ADDR PORT | bind ADDR PORT tcp|udp | listen ADDR PORT"
          " | as UID PATH [ARG...] | spawn PATH [ARG...]\n");
  return 64;
}
