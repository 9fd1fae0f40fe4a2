/*
 * evm-key-load HEX [BLOB KMK]: give EVM a known HMAC key and turn it on, as
 *   keyctl add user kmk "<32 bytes>" @u
 *   keyctl add encrypted evm-key "new default user:kmk 64 HEX" @u
 *   echo 1 > /sys/kernel/security/evm
 * would (HEX: 128 hex digits, the key's 64 bytes; the kernel needs
 * CONFIG_USER_DECRYPTED_DATA to take them).  With BLOB and KMK, also
 *   keyctl pipe EVMKEYID > BLOB; keyctl pipe KMKID > KMK
 * (the evm-key's encrypted blob and the master key's bytes, as a system
 * saves them to load the key at boot).  Static, for the test VM, which
 * has no keyctl.  Exit status: 0 done, 1 refused, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEY_SPEC_USER_KEYRING -4
#define KEYCTL_READ 11

static long add_key(const char *type, const char *desc, const void *data, size_t len)
{
	return syscall(SYS_add_key, type, desc, data, len, KEY_SPEC_USER_KEYRING);
}

/* keyctl pipe ID > PATH.  0 or -1 (reported). */
static int pipe_key(long id, const char *what, const char *path)
{
	char buf[1024];
	long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf));
	int fd;

	if (n < 0 || n > (long)sizeof(buf)) {
		fprintf(stderr, "evm-key-load: read %s: %s\n", what,
			n < 0 ? strerror(errno) : "too long");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd)) {
		fprintf(stderr, "evm-key-load: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char payload[256];
	unsigned char kmk[32];
	long kmk_id, evm_id;
	int fd, i;

	if ((argc != 2 && argc != 4) || strlen(argv[1]) != 128) {
		fprintf(stderr, "usage: evm-key-load HEX (128 hex digits) [BLOB KMK]\n");
		return 2;
	}
	for (i = 0; i < 32; i++)
		kmk[i] = (unsigned char)(0xa5 ^ i);
	kmk_id = add_key("user", "kmk", kmk, sizeof(kmk));
	if (kmk_id < 0) {
		fprintf(stderr, "evm-key-load: add user kmk: %s\n", strerror(errno));
		return 1;
	}
	snprintf(payload, sizeof(payload), "new default user:kmk 64 %s", argv[1]);
	evm_id = add_key("encrypted", "evm-key", payload, strlen(payload));
	if (evm_id < 0) {
		fprintf(stderr, "evm-key-load: add encrypted evm-key: %s\n", strerror(errno));
		return 1;
	}
	if (argc == 4 && (pipe_key(evm_id, "evm-key", argv[2]) ||
			  pipe_key(kmk_id, "kmk", argv[3])))
		return 1;
	fd = open("/sys/kernel/security/evm", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		fprintf(stderr, "evm-key-load: /sys/kernel/security/evm: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
