// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "label.h"
#include "xattr_io.h"

int label_digest(struct out *out, const char *path, int fd,
		 const struct stat *st, const struct hash_algo *alg,
		 uint8_t *md, size_t *md_len, const char *verb, int *status)
{
	int err;

	*status = EXIT_TROUBLE;
	if (fd < 0) {
		out_error(out, path, "cannot open: %s",
			  fd == -EINVAL ? "not a regular file" : strerror(-fd));
		return -1;
	}
	enum digest_status ds = digest_fd_stat(fd, st, alg, md, md_len, &err);

	/*
	 * Once more before calling it changed: labelling another name of the
	 * same inode (a hard link, in another worker) changes its ctime, not
	 * its content.  A second read that sees no change is a true digest.
	 */
	if (ds == DIGEST_CHANGED)
		ds = digest_fd(fd, alg, md, md_len, &err);
	switch (ds) {
	case DIGEST_OK:
		*status = EXIT_OK;
		return 0;
	case DIGEST_CHANGED:
		out_error(out, path, "changed while being hashed; not %s", verb);
		*status = EXIT_FINDINGS;
		break;
	default:
		out_error(out, path, "read error: %s", strerror(err));
		break;
	}
	return -1;
}

int label_write(struct out *out, const struct tree_opts *tree, const char *path,
		int fd, const uint8_t *val, size_t len)
{
	char msg[256];
	int err = len ? xattr_write_ima(fd, tree->user_xattr, val, len) : -EOVERFLOW;

	if (!err)
		return EXIT_OK;
	out_error(out, path, "%s", xattr_write_error(-err, tree->user_xattr, msg, sizeof(msg)));
	return EXIT_TROUBLE;
}
