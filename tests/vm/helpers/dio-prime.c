/*
 * dio-prime FILE: teach lockdep the ordinary i_rwsem -> mmap_lock order of
 * a regular file, as any O_DIRECT write does: the file system holds the
 * inode lock while get_user_pages() takes mmap_lock to fault in a buffer
 * that is not mapped yet.  The negative control then closes a file under
 * mmap_lock, the other order, and lockdep must see the cycle.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const size_t len = 4096;
	void *buf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: dio-prime FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	/* fresh anonymous memory: not faulted in, so GUP must take mmap_lock */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	if (pwrite(fd, buf, len, 0) != (ssize_t)len) {
		perror("pwrite O_DIRECT");
		return 2;
	}
	return close(fd) ? 2 : 0;
}
