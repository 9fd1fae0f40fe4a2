/*
 * keyid-search KEYRING KEYID: what `keyctl search %keyring:KEYRING
 * asymmetric id:KEYID` does, for the test VM (keyctl is not in the
 * initramfs).  KEYRING is found by name from the user and session
 * keyrings; then KEYCTL_SEARCH with type "asymmetric" and "id:KEYID" is the
 * kernel's own partial key-id match, the one IMA's signature check uses.
 * Prints the key's serial.  Exit status: 0 found, 1 not found, 2 error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

static long search(long ring, const char *type, const char *desc)
{
	return syscall(SYS_keyctl, KEYCTL_SEARCH, ring, type, desc, 0L);
}

int main(int argc, char **argv)
{
	char desc[64];
	long ring, key;

	if (argc != 3 || strlen(argv[2]) != 8) {
		fprintf(stderr, "usage: keyid-search KEYRING KEYID(8 hex digits)\n");
		return 2;
	}
	ring = search(KEY_SPEC_USER_KEYRING, "keyring", argv[1]);
	if (ring < 0)
		ring = search(KEY_SPEC_SESSION_KEYRING, "keyring", argv[1]);
	if (ring < 0) {
		fprintf(stderr, "keyid-search: no keyring %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	snprintf(desc, sizeof(desc), "id:%s", argv[2]);
	key = search(ring, "asymmetric", desc);
	if (key < 0) {
		if (errno == ENOKEY)
			return 1;
		fprintf(stderr, "keyid-search: %s: %s\n", desc, strerror(errno));
		return 2;
	}
	printf("%ld\n", key);
	return 0;
}
