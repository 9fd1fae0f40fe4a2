/*
 * acct-ctl FILE | acct-ctl off: turn BSD process accounting on (to FILE,
 * which must exist) or off, with acct(2).  Turning it off, or on to another
 * file, makes the kernel close the old accounting file in a worker.
 * Exit status: 0 done, 2 error.  Static, for the test VM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path;

	if (argc != 2) {
		fprintf(stderr, "usage: acct-ctl FILE|off\n");
		return 2;
	}
	path = strcmp(argv[1], "off") ? argv[1] : NULL;
	if (acct(path)) {
		fprintf(stderr, "acct-ctl: acct(%s): %s\n", argv[1], strerror(errno));
		return 2;
	}
	return 0;
}
