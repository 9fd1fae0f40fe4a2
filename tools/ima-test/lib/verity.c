// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <libfsverity.h>
#include <linux/fsverity.h>

#include "imaxattr.h"
#include "verity.h"

const struct hash_algo *verity_algo_by_name(const char *name)
{
	const struct hash_algo *a = hash_algo_by_name(name);

	return verity_algo_number(a) ? a : NULL;
}

unsigned verity_algo_number(const struct hash_algo *alg)
{
	if (!alg)
		return 0;
	if (alg->id == HASH_ALGO_SHA256)
		return FS_VERITY_HASH_ALG_SHA256;
	if (alg->id == HASH_ALGO_SHA512)
		return FS_VERITY_HASH_ALG_SHA512;
	return 0;
}

static const struct hash_algo *algo_of_number(unsigned n)
{
	switch (n) {
	case FS_VERITY_HASH_ALG_SHA256: return hash_algo_by_id(HASH_ALGO_SHA256);
	case FS_VERITY_HASH_ALG_SHA512: return hash_algo_by_id(HASH_ALGO_SHA512);
	default: return NULL;
	}
}

int verity_measure(int fd, const struct hash_algo **alg,
		   uint8_t *digest, size_t *len)
{
	/* struct fsverity_digest ends in a flexible array: room after it */
	struct fsverity_digest *d = calloc(1, sizeof(*d) + HASH_MAX_DIGEST);
	int r = 0;

	if (!d)
		return -ENOMEM;
	d->digest_size = HASH_MAX_DIGEST;
	if (ioctl(fd, FS_IOC_MEASURE_VERITY, d)) {
		r = -errno;
		goto out;
	}
	*alg = algo_of_number(d->digest_algorithm);
	/* a kernel newer than this tool may have more algorithms */
	if (!*alg || d->digest_size != (*alg)->len) {
		r = -EPROTONOSUPPORT;
		goto out;
	}
	memcpy(digest, d->digest, d->digest_size);
	*len = d->digest_size;
out:
	free(d);
	return r;
}

int verity_enable(int fd, const struct hash_algo *alg)
{
	struct fsverity_enable_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.version = 1;
	arg.hash_algorithm = verity_algo_number(alg);
	arg.block_size = VERITY_BLOCK_SIZE;
	if (!arg.hash_algorithm)
		return -EINVAL;
	return ioctl(fd, FS_IOC_ENABLE_VERITY, &arg) ? -errno : 0;
}

int verity_unsupported(int err)
{
	/* ENOTTY: no such ioctl on the file system (tmpfs, or no fs-verity
	 * in the kernel); EOPNOTSUPP: ext4 without the verity feature */
	return err == -ENOTTY || err == -EOPNOTSUPP;
}

const char *verity_error(int err)
{
	switch (err) {
	case -ENOTTY:
	case -EOPNOTSUPP:
		return "the file system does not support fs-verity (ext4 needs the "
		       "verity feature: mke2fs -O verity or tune2fs -O verity; "
		       "the kernel CONFIG_FS_VERITY)";
	case -ENODATA:
		return "fs-verity is not enabled on the file";
	case -ETXTBSY:
		return "the file is open for writing";
	case -EEXIST:
		return "fs-verity is already enabled on the file";
	case -EPROTONOSUPPORT:
		return "the file's fs-verity digest algorithm is unknown here";
	default:
		return strerror(-err);
	}
}

/* libfsverity's read callback reads the file sequentially from its start */
struct verity_reader {
	int fd;
	off_t off;
};

static int read_fn(void *arg, void *buf, size_t count)
{
	struct verity_reader *r = arg;

	while (count) {
		ssize_t n = pread(r->fd, buf, count, r->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* shorter than its size: it changed */
		r->off += n;
		buf = (uint8_t *)buf + n;
		count -= (size_t)n;
	}
	return 0;
}

int verity_compute(int fd, const struct hash_algo *alg,
		   uint8_t *digest, size_t *len)
{
	struct libfsverity_merkle_tree_params p;
	struct libfsverity_digest *d = NULL;
	struct verity_reader r = { fd, 0 };
	struct stat st;
	int err;

	if (fstat(fd, &st))
		return -errno;
	memset(&p, 0, sizeof(p));
	p.version = 1;
	p.hash_algorithm = verity_algo_number(alg);
	p.file_size = (uint64_t)st.st_size;
	p.block_size = VERITY_BLOCK_SIZE;
	if (!p.hash_algorithm)
		return -EINVAL;
	err = libfsverity_compute_digest(&r, read_fn, &p, &d);
	if (err)
		return err < 0 ? err : -EIO;
	if (d->digest_size != alg->len) {
		free(d);
		return -EPROTO;
	}
	memcpy(digest, d->digest, d->digest_size);
	*len = d->digest_size;
	free(d);
	return 0;
}

size_t verity_file_id(const struct hash_algo *alg, const uint8_t *digest,
		      size_t len, uint8_t out[VERITY_FILE_ID_MAX])
{
	if (!alg || len != alg->len || len > HASH_MAX_DIGEST)
		return 0;
	out[0] = IMA_VERITY_DIGSIG;
	out[1] = (uint8_t)alg->id;
	memcpy(out + 2, digest, len);
	return 2 + len;
}

int verity_sig_hash(const struct hash_algo *alg, const uint8_t *digest,
		    size_t len, uint8_t *out, size_t *out_len)
{
	uint8_t id[VERITY_FILE_ID_MAX];
	size_t n = verity_file_id(alg, digest, len, id);
	const EVP_MD *md = n ? hash_algo_md(alg) : NULL;
	unsigned int olen = 0;

	if (!md || !EVP_Digest(id, n, out, &olen, md, NULL))
		return -EINVAL;
	*out_len = olen;
	return 0;
}
