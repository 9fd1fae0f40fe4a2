// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "hashalgo.h"

static const struct hash_algo algos[HASH_ALGO_LAST] = {
	{ 0, "md4", 16, false },
	{ 1, "md5", 16, false },
	{ 2, "sha1", 20, true },
	{ 3, "rmd160", 20, false },
	{ 4, "sha256", 32, true },
	{ 5, "sha384", 48, true },
	{ 6, "sha512", 64, true },
	{ 7, "sha224", 28, true },
	{ 8, "rmd128", 16, false },
	{ 9, "rmd256", 32, false },
	{ 10, "rmd320", 40, false },
	{ 11, "wp256", 32, false },
	{ 12, "wp384", 48, false },
	{ 13, "wp512", 64, false },
	{ 14, "tgr128", 16, false },
	{ 15, "tgr160", 20, false },
	{ 16, "tgr192", 24, false },
	{ 17, "sm3", 32, false },
	{ 18, "streebog256", 32, false },
	{ 19, "streebog512", 64, false },
	{ 20, "sha3-256", 32, false },
	{ 21, "sha3-384", 48, false },
	{ 22, "sha3-512", 64, false },
};

const struct hash_algo *hash_algo_by_id(int id)
{
	if (id < 0 || id >= HASH_ALGO_LAST)
		return NULL;
	return &algos[id];
}

const struct hash_algo *hash_algo_by_name(const char *name)
{
	for (size_t i = 0; i < HASH_ALGO_LAST; i++)
		if (algos[i].supported && strcmp(algos[i].name, name) == 0)
			return &algos[i];
	return NULL;
}

const EVP_MD *hash_algo_md(const struct hash_algo *alg)
{
	if (!alg || !alg->supported)
		return NULL;
	switch (alg->id) {
	case HASH_ALGO_SHA1:
		return EVP_sha1();
	case HASH_ALGO_SHA224:
		return EVP_sha224();
	case HASH_ALGO_SHA256:
		return EVP_sha256();
	case HASH_ALGO_SHA384:
		return EVP_sha384();
	case HASH_ALGO_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

const char *hash_algo_supported_names(void)
{
	return "sha1, sha224, sha256, sha384, sha512";
}
