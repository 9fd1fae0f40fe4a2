/*
 * evm-key-load HEX: give EVM a known HMAC key and turn it on, as
 *   keyctl add user kmk "<32 bytes>" @u
 *   keyctl add encrypted evm-key "new default user:kmk 64 HEX" @u
 *   echo 1 > /sys/kernel/security/evm
 * would (HEX: 128 hex digits, the key's 64 bytes; the kernel needs
 * CONFIG_USER_DECRYPTED_DATA to take them).  Static, for the test VM,
 * which has no keyctl.  Exit status: 0 done, 1 refused, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEY_SPEC_USER_KEYRING -4

static long add_key(const char *type, const char *desc, const void *data, size_t len)
{
	return syscall(SYS_add_key, type, desc, data, len, KEY_SPEC_USER_KEYRING);
}

int main(int argc, char **argv)
{
	char payload[256];
	unsigned char kmk[32];
	int fd, i;

	if (argc != 2 || strlen(argv[1]) != 128) {
		fprintf(stderr, "usage: evm-key-load HEX (128 hex digits)\n");
		return 2;
	}
	for (i = 0; i < 32; i++)
		kmk[i] = (unsigned char)(0xa5 ^ i);
	if (add_key("user", "kmk", kmk, sizeof(kmk)) < 0) {
		fprintf(stderr, "evm-key-load: add user kmk: %s\n", strerror(errno));
		return 1;
	}
	snprintf(payload, sizeof(payload), "new default user:kmk 64 %s", argv[1]);
	if (add_key("encrypted", "evm-key", payload, strlen(payload)) < 0) {
		fprintf(stderr, "evm-key-load: add encrypted evm-key: %s\n", strerror(errno));
		return 1;
	}
	fd = open("/sys/kernel/security/evm", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		fprintf(stderr, "evm-key-load: /sys/kernel/security/evm: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
