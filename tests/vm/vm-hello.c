/*
 * vm-hello: a small dynamically linked program for the VM smoke test.
 *
 * It links libbpf (which pulls in libelf and libz), so running it in the
 * guest proves that run-in-vm.sh --bin copies a whole chain of shared
 * libraries and the dynamic loader, as the real enforcement binaries need.
 */
#include <bpf/libbpf.h>
#include <stdio.h>

int main(void) {
  printf("vm-hello: dynamically linked, libbpf %u.%u\n", libbpf_major_version(),
         libbpf_minor_version());
  return 0;
}
