/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A Keylime runtime policy (format version 1) built from file digests:
 *
 *   {"meta":{"version":1,"generator":0,"timestamp":"…"},"release":0,
 *    "digests":{"/abs/path":["<sha256 hex>"],…},"excludes":[],
 *    "keyrings":{},"ima":{"ignored_keyrings":[],"log_hash_alg":"sha1",
 *    "dm_policy":null},"ima-buf":{},"verification-keys":""}
 *
 * Paths are made absolute (relative to the current directory) and written
 * sorted.  Thread-safe.
 */
#ifndef IMA_TEST_POLICY_H
#define IMA_TEST_POLICY_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct policy_entry {
	char *path;
	char hex[65];
};

struct policy {
	pthread_mutex_t lock;
	struct policy_entry *v;
	size_t n, cap;
	char *cwd;
};

int policy_init(struct policy *p);
/* 0, or -1 when out of memory. */
int policy_add(struct policy *p, const char *path, const uint8_t sha256[32]);
/*
 * Write the policy.  Returns how many paths were not valid UTF-8 (JSON
 * cannot carry them; they are written with U+FFFD and will not match).
 */
size_t policy_write(struct policy *p, FILE *fp);
void policy_free(struct policy *p);

#endif
