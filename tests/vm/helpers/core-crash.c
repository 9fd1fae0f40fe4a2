/*
 * core-crash KIB: fill KIB KiB of memory with a pattern, lift the core
 * size limit and die of SIGSEGV, so the kernel writes a core file (where
 * /proc/sys/kernel/core_pattern says) and closes it from the dying task.
 * Returns only on error (exit status 2).  Static, for the test VM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	volatile int *nowhere = NULL;
	size_t kib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	unsigned char *p;

	if (setrlimit(RLIMIT_CORE, &rl)) {
		fprintf(stderr, "core-crash: setrlimit: %s\n", strerror(errno));
		return 2;
	}
	p = malloc(kib * 1024);
	if (!p) {
		fprintf(stderr, "core-crash: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < kib * 1024; i++)
		p[i] = (unsigned char)(i * 131 + 7);
	signal(SIGSEGV, SIG_DFL);
	*nowhere = p[kib * 512];
	return 2;
}
