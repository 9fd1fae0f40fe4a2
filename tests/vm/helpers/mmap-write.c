/*
 * mmap-write PATH TEXT: map PATH shared and writable, close the descriptor,
 * copy TEXT over the start of the mapping, then munmap: the file's final
 * close happens inside munmap.  PATH must be at least as long as TEXT.
 * Exit status: 0 done, 2 error.  Static, for the test VM.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	size_t len;
	char *p;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: mmap-write PATH TEXT\n");
		return 2;
	}
	len = strlen(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st) < 0 || (size_t)st.st_size < len || len == 0) {
		perror(argv[1]);
		return 2;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	close(fd);
	memcpy(p, argv[2], len);
	if (munmap(p, (size_t)st.st_size) < 0) {
		perror("munmap");
		return 2;
	}
	return 0;
}
