/*
 * mmap-write FILE TEXT: replace FILE's content with TEXT through a shared
 * mapping.  The descriptor is closed before the mapping is written, so the
 * file's final close is the one munmap() makes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mmap-write FILE TEXT\n");
		return 2;
	}
	size_t len = strlen(argv[2]);
	int fd = open(argv[1], O_RDWR);
	if (fd < 0 || len == 0 || ftruncate(fd, (off_t)len) != 0) {
		perror(argv[1]);
		return 1;
	}
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	close(fd);
	memcpy(map, argv[2], len);
	if (munmap(map, len) != 0) {
		perror("munmap");
		return 1;
	}
	return 0;
}
