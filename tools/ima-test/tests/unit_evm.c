// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: reading what the EVM HMAC covers without opening the file
 * (evm_inode_read_path(), evm_check_path()), against the reading through
 * an open descriptor, on a file in $TMPDIR with user.* xattrs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "evm.h"
#include "evm_check.h"
#include "tap.h"

static void handle_cases(struct tap *t)
{
	uint8_t ext4[8] = { 0x0c, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 };
	uint8_t tmpfs[12] = { 0x78, 0x56, 0x34, 0x12, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
	uint32_t gen = 0;

	tap_ok(t, evm_handle_generation(EVM_FILEID_INO32_GEN, ext4, 8, 12, &gen) == 0 &&
	       gen == 0x12345678, "handle { ino, gen } (ext4): the generation");
	tap_eq(t, evm_handle_generation(EVM_FILEID_INO32_GEN, ext4, 8, 13, &gen), -EOPNOTSUPP,
	       "handle { ino, gen } of another inode: refused");
	gen = 0;
	tap_ok(t, evm_handle_generation(EVM_FILEID_INO32_GEN, tmpfs, 12, 0x10000000cull, &gen) == 0 &&
	       gen == 0x12345678, "handle { gen, ino_lo, ino_hi } (tmpfs): the generation");
	tap_eq(t, evm_handle_generation(EVM_FILEID_INO32_GEN, tmpfs, 12, 12, &gen), -EOPNOTSUPP,
	       "tmpfs handle whose high inode bits differ: refused");
	tap_eq(t, evm_handle_generation(0x4d, ext4, 8, 12, &gen), -EOPNOTSUPP,
	       "a handle type ima-test cannot read (btrfs's 0x4d): refused");
	tap_eq(t, evm_handle_generation(EVM_FILEID_INO32_GEN, ext4, 4, 12, &gen), -EOPNOTSUPP,
	       "a handle of an unexpected size: refused");
}

static bool same_inode(const struct evm_inode *a, const struct evm_inode *b)
{
	for (int i = 0; i < EVM_X__COUNT; i++)
		if (a->have[i] != b->have[i] ||
		    (a->have[i] && (a->len[i] != b->len[i] ||
				    memcmp(a->val[i], b->val[i], a->len[i]))))
			return false;
	return a->ino == b->ino && a->generation == b->generation && a->uid == b->uid &&
	       a->gid == b->gid && a->mode == b->mode && a->have_uuid == b->have_uuid &&
	       (!a->have_uuid || !memcmp(a->uuid, b->uuid, EVM_UUID_LEN));
}

static void skip(struct tap *t, int n, const char *why)
{
	while (n--)
		tap_report(t, true, __FILE__, __LINE__, "", "# SKIP %s", why);
}

static void file_cases(struct tap *t)
{
	static struct evm_inode by_fd, by_path;
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[4096], path[4200], link[4200], fifo[4200], err[256];
	uint8_t ima[34] = { 0x04, 0x04, 0xaa }, hmac[EVM_HMAC_LEN], val[EVM_XATTR_HMAC_LEN];
	struct evm_ctx ctx;
	struct evm_result res;
	size_t mdlen = sizeof(hmac);
	int fd, rc;

	snprintf(dir, sizeof(dir), "%s/unit-evm-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		skip(t, 8, "no temporary directory");
		return;
	}
	snprintf(path, sizeof(path), "%s/f", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	snprintf(fifo, sizeof(fifo), "%s/p", dir);
	evm_ctx_init(&ctx);
	ctx.user_xattr = true;
	ctx.have_key = true;
	memset(ctx.key, 0x5a, sizeof(ctx.key));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, "content\n", 8) != 8 ||
	    fsetxattr(fd, "user.ima", ima, sizeof(ima), 0)) {
		skip(t, 8, "no user.* xattrs in $TMPDIR");
		goto out;
	}
	rc = evm_inode_read_path(path, &ctx, &by_path, err, sizeof(err));
	if (rc == -EOPNOTSUPP || rc == -ENOSYS) {
		skip(t, 8, err);
		goto out;
	}
	tap_eq(t, rc, 0, "evm_inode_read_path() reads a file (%s)", rc ? err : "ok");
	tap_eq(t, evm_inode_read(fd, &ctx, &by_fd, err, sizeof(err)), 0,
	       "evm_inode_read() reads it through a descriptor");
	tap_ok(t, same_inode(&by_fd, &by_path),
	       "both read the same xattrs, inode, generation (%u), owner, mode and UUID",
	       by_path.generation);
	tap_ok(t, by_path.generation != 0 || by_fd.generation == 0,
	       "the generation came from the handle, not a default of 0");
	ctx.fsuuid = false;	/* FS_IOC_GETFSUUID is Linux 6.8 */
	if (evm_digest(&ctx, &by_path, EVM_XATTR_HMAC, NULL, hmac, &mdlen, err, sizeof(err)) ||
	    evm_xattr_encode_hmac(hmac, val, sizeof(val)) != sizeof(val) ||
	    fsetxattr(fd, "user.evm", val, sizeof(val), 0)) {
		skip(t, 4, "cannot write user.evm");
		goto out;
	}
	evm_check_path(path, &ctx, &res);
	tap_eq(t, res.cls, EVM_OK, "evm_check_path(): the HMAC over what it read is valid (%s)",
	       res.detail);
	ima[2] = 0xbb;
	fsetxattr(fd, "user.ima", ima, sizeof(ima), 0);
	evm_check_path(path, &ctx, &res);
	tap_eq(t, res.cls, EVM_INVALID_HMAC, "evm_check_path(): a changed user.ima is invalid-hmac");
	if (symlink(path, link) == 0) {
		evm_check_path(link, &ctx, &res);
		tap_ok(t, res.cls == EVM_MISSING || res.cls == EVM_UNREADABLE,
		       "evm_check_path() of a symlink does not follow it (%s)",
		       evm_class_name(res.cls));
	} else {
		skip(t, 1, "no symlink");
	}
	if (mkfifo(fifo, 0600) == 0) {
		rc = evm_inode_read_path(fifo, &ctx, &by_path, err, sizeof(err));
		tap_ok(t, rc == -EINVAL && strstr(err, "not a regular file"),
		       "a FIFO is refused, never opened (%s)", err);
	} else {
		skip(t, 1, "no FIFO");
	}
out:
	if (fd >= 0)
		close(fd);
	unlink(path);
	unlink(link);
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	struct tap t = { 0 };

	tap_plan(&t, 6 + 8);
	handle_cases(&t);
	file_cases(&t);
	return tap_done(&t);
}
