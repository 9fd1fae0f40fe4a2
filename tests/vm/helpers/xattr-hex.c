/*
 * xattr-hex PATH [NAME]: print the value of an extended attribute in hex
 * (default security.ima), or "absent" when the file has none.
 * Exit status: 0 printed, 1 absent, 2 error.  Static, for the test VM.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>

int main(int argc, char **argv)
{
	const char *name = argc > 2 ? argv[2] : "security.ima";
	unsigned char buf[4096];
	ssize_t n;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: xattr-hex PATH [NAME]\n");
		return 2;
	}
	n = lgetxattr(argv[1], name, buf, sizeof(buf));
	if (n < 0 && errno == ENODATA) {
		puts("absent");
		return 1;
	}
	if (n < 0) {
		fprintf(stderr, "xattr-hex: %s: %s: %s\n", argv[1], name, strerror(errno));
		return 2;
	}
	for (ssize_t i = 0; i < n; i++)
		printf("%02x", buf[i]);
	putchar('\n');
	return 0;
}
