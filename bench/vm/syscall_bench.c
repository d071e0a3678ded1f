/*
 * Per-syscall cost, for bench/vm/overhead.sh: runs one operation N times
 * and prints the mean in nanoseconds.
 *
 *   syscall-bench open PATH N     open(PATH, O_RDONLY) + close
 *   syscall-bench exec N          fork + execv(self, "noop") + wait
 *   syscall-bench connect N       UDP socket + connect(127.0.0.1:9) + close
 *   syscall-bench noop            exit 0 (the exec target)
 * Output: "<op> <ns per op>".
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int one(const char *op, const char *arg, const char *self) {
  if (strcmp(op, "open") == 0) {
    int fd = open(arg, O_RDONLY);

    if (fd < 0)
      return -1;
    close(fd);
    return 0;
  }
  if (strcmp(op, "exec") == 0) {
    pid_t pid = fork();
    int status;

    if (pid == 0) {
      execl(self, self, "noop", (char *)0);
      _exit(127);
    }
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
      return -1;
    return 0;
  }
  if (strcmp(op, "connect") == 0) {
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
    int s = socket(AF_INET, SOCK_DGRAM, 0), rc;

    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(s, (struct sockaddr *)&to, sizeof(to));
    close(s);
    return rc;
  }
  return -1;
}

int main(int argc, char **argv) {
  const char *arg = "";
  long n;
  long long start;

  if (argc == 2 && strcmp(argv[1], "noop") == 0)
    return 0;
  if (argc < 3) {
    fprintf(stderr, "usage: syscall-bench open PATH N | exec N | connect N\n");
    return 64;
  }
  if (strcmp(argv[1], "open") == 0) {
    if (argc < 4)
      return 64;
    arg = argv[2];
    n = atol(argv[3]);
  } else {
    n = atol(argv[2]);
  }
  start = now_ns();
  for (long i = 0; i < n; i++)
    if (one(argv[1], arg, argv[0]) < 0) {
      perror(argv[1]);
      return 1;
    }
  printf("%s %lld\n", argv[1], (now_ns() - start) / n);
  return 0;
}
