// SPDX-License-Identifier: GPL-2.0-only
/*
 * verity enable FILE [sha256|sha512]: enable fs-verity on FILE
 *     (FS_IOC_ENABLE_VERITY, 4096-byte blocks, no salt), leaving
 *     security.ima as it is, then print its digest as measure does;
 * verity measure FILE: print FILE's fs-verity digest (FS_IOC_MEASURE_VERITY)
 *     as `fsverity digest` does: ALG:HEX FILE.
 * The guest has no fsverity tool; the suites use this to give a file
 * fs-verity without ima-test signing it, and to read the digest IMA logs.
 * Exit status: 0 done, 1 the ioctl failed (its errno on stderr), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fsverity.h>

int main(int argc, char **argv)
{
	struct fsverity_enable_arg arg = { .version = 1, .block_size = 4096 };
	struct {
		struct fsverity_digest d;
		unsigned char buf[64];
	} m = { .d.digest_size = 64 };
	int fd, enable;

	if (argc < 3 || argc > 4 || (strcmp(argv[1], "enable") && strcmp(argv[1], "measure")) ||
	    (argc == 4 && strcmp(argv[3], "sha256") && strcmp(argv[3], "sha512"))) {
		fprintf(stderr, "usage: verity enable FILE [sha256|sha512] | verity measure FILE\n");
		return 2;
	}
	enable = !strcmp(argv[1], "enable");
	arg.hash_algorithm = argc == 4 && !strcmp(argv[3], "sha512") ?
			     FS_VERITY_HASH_ALG_SHA512 : FS_VERITY_HASH_ALG_SHA256;
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || (enable && ioctl(fd, FS_IOC_ENABLE_VERITY, &arg)) ||
	    ioctl(fd, FS_IOC_MEASURE_VERITY, &m.d)) {
		fprintf(stderr, "verity: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	printf("%s:", m.d.digest_algorithm == FS_VERITY_HASH_ALG_SHA512 ? "sha512" : "sha256");
	for (unsigned i = 0; i < m.d.digest_size; i++)
		printf("%02x", m.d.digest[i]);
	printf(" %s\n", argv[2]);
	close(fd);
	return 0;
}
