/*
 * handle-write MOUNTPOINT FILE TEXT: look FILE up as a file handle
 * (name_to_handle_at), open it again by that handle (open_by_handle_at,
 * O_WRONLY|O_APPEND), append TEXT and a newline, and close it.
 * Exit status: 0 done, 2 error.  Static, for the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "handle-write: %s: %s\n", what, strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	struct file_handle *fh;
	int mount_id, mfd, fd;
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: handle-write MOUNTPOINT FILE TEXT\n");
		return 2;
	}
	fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	if (!fh)
		return fail("malloc");
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, argv[2], fh, &mount_id, 0))
		return fail("name_to_handle_at");
	mfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		return fail("open mount point");
	fd = open_by_handle_at(mfd, fh, O_WRONLY | O_APPEND);
	if (fd < 0)
		return fail("open_by_handle_at");
	close(mfd);
	free(fh);
	len = strlen(argv[3]);
	if (write(fd, argv[3], len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		return fail("write");
	if (close(fd))
		return fail("close");
	return 0;
}
