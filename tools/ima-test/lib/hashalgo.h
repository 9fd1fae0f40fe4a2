/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hash algorithms as numbered by the kernel (include/uapi/linux/hash_info.h).
 *
 * The number is what security.ima stores; the name is what users type and
 * what OpenSSL understands.  An algorithm the kernel knows but this tool
 * cannot compute has supported == false.
 */
#ifndef IMA_TEST_HASHALGO_H
#define IMA_TEST_HASHALGO_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>

enum {
	HASH_ALGO_MD4 = 0,
	HASH_ALGO_MD5 = 1,
	HASH_ALGO_SHA1 = 2,
	HASH_ALGO_SHA256 = 4,
	HASH_ALGO_SHA384 = 5,
	HASH_ALGO_SHA512 = 6,
	HASH_ALGO_SHA224 = 7,
	HASH_ALGO_LAST = 23,	/* first number the kernel does not define */
};

#define HASH_MAX_DIGEST 64

struct hash_algo {
	int id;			/* hash_info number */
	const char *name;	/* kernel / evmctl spelling */
	size_t len;		/* digest length in bytes */
	bool supported;		/* computable here */
};

/* NULL when @id is not a kernel hash_info number. */
const struct hash_algo *hash_algo_by_id(int id);
/* NULL when @name is not a supported algorithm name. */
const struct hash_algo *hash_algo_by_name(const char *name);
/* The OpenSSL digest for a supported algorithm, NULL otherwise. */
const EVP_MD *hash_algo_md(const struct hash_algo *alg);
/* Comma-separated list of supported names, for help and errors. */
const char *hash_algo_supported_names(void);

#endif
