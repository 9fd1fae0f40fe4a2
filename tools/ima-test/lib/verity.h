/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fs-verity digests and what a version 3 IMA signature signs.
 *
 * The fs-verity digest of a file is the hash of its fsverity_descriptor
 * (the Merkle tree's root, size, block size and salt).  The kernel reads it
 * with FS_IOC_MEASURE_VERITY from a file where fs-verity is enabled; for a
 * file where it is not, libfsverity computes the digest enabling it would
 * give.  IMA's signature version 3 (security.ima type 06) does not sign
 * that digest directly but the hash of struct ima_file_id
 * (security/integrity/integrity.h), of which only the used part is hashed:
 *
 *     hash_type (1 byte, 06) | hash_algorithm (1 byte) | digest
 *
 * The kernel (calc_file_id_hash(), security/integrity/ima/ima_appraise.c)
 * hashes it with the algorithm of the file's fs-verity digest and checks
 * the signature as the header's hash algorithm's: a signature verifies
 * only when the two are the same algorithm.
 */
#ifndef IMA_TEST_VERITY_H
#define IMA_TEST_VERITY_H

#include <stddef.h>
#include <stdint.h>

#include "hashalgo.h"

#define VERITY_BLOCK_SIZE 4096	/* what `fsverity enable` uses by default */
#define VERITY_FILE_ID_MAX (2 + HASH_MAX_DIGEST)

/* The hash algorithms fs-verity has: sha256 and sha512.  NULL otherwise. */
const struct hash_algo *verity_algo_by_name(const char *name);
/* fs-verity's number for @alg (FS_VERITY_HASH_ALG_*), 0 if it has none. */
unsigned verity_algo_number(const struct hash_algo *alg);

/*
 * The fs-verity digest of the file open at @fd, as the kernel has it.
 * 0; -ENODATA: fs-verity is not enabled on the file; -ENOTTY or
 * -EOPNOTSUPP: the file system (or kernel) has no fs-verity; other -errno.
 */
int verity_measure(int fd, const struct hash_algo **alg,
		   uint8_t *digest, size_t *len);

/*
 * Enable fs-verity on the file open read-only at @fd, with @alg and
 * VERITY_BLOCK_SIZE, unsalted.  0 or -errno (see verity_error()).
 */
int verity_enable(int fd, const struct hash_algo *alg);

/* A sentence for verity_enable()'s or verity_measure()'s @err. */
const char *verity_error(int err);

/* True when @err says fs-verity is not available on the file system. */
int verity_unsupported(int err);

/*
 * The fs-verity digest enabling fs-verity with @alg would give the file
 * open at @fd (read from its start; the descriptor's offset is not used),
 * computed here with libfsverity.  0 or -errno.
 */
int verity_compute(int fd, const struct hash_algo *alg,
		   uint8_t *digest, size_t *len);

/*
 * The bytes of struct ima_file_id for an fs-verity @digest made with
 * @alg, the part the kernel hashes: returns their number (2 + @len), 0 if
 * @len is not @alg's digest length.
 */
size_t verity_file_id(const struct hash_algo *alg, const uint8_t *digest,
		      size_t len, uint8_t out[VERITY_FILE_ID_MAX]);

/*
 * What a version 3 signature signs: the @alg hash of the file id of
 * @digest.  0, or -errno when @len does not fit @alg or hashing fails.
 */
int verity_sig_hash(const struct hash_algo *alg, const uint8_t *digest,
		    size_t len, uint8_t *out, size_t *out_len);

#endif
