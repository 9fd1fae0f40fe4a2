/*
 * mem-hog MIB: touch MIB MiB of anonymous memory with a pattern, then read
 * it all back and check it, so that with swap on, pages go out to swap and
 * come back.  Exit status: 0 the pattern survived, 1 it did not, 2 error.
 * Static, for the test VM.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	size_t words = mib * (1024 * 1024 / sizeof(uint64_t));
	uint64_t *p;

	if (argc != 2 || !mib) {
		fprintf(stderr, "usage: mem-hog MIB\n");
		return 2;
	}
	p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mem-hog: mmap");
		return 2;
	}
	for (size_t i = 0; i < words; i++)
		p[i] = i * 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < words; i++)
		if (p[i] != i * 0x9e3779b97f4a7c15ULL) {
			fprintf(stderr, "mem-hog: word %zu changed\n", i);
			return 1;
		}
	return 0;
}
