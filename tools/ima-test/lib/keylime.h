/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A Keylime runtime policy (format version 1, as keylime/ima/ima.py's
 * RUNTIME_POLICY_SCHEMA defines it) built from file digests:
 *
 *   {"meta":{"version":1,"generator":3,"timestamp":"…"},"release":0,
 *    "digests":{"boot_aggregate":["<hex>"],"/abs/path":["<hex>"],…},
 *    "excludes":[],"keyrings":{},"ima":{"ignored_keyrings":[],
 *    "log_hash_alg":"sha1","dm_policy":null},"ima-buf":{},
 *    "verification-keys":"<keyring JSON, or empty>"}
 *
 * generator 3 is what Keylime's own generator writes; a verifier only
 * asks an agent for its IMA log when it is at least 2.  Paths are made
 * absolute (relative to the current directory), their spaces written as
 * '_' as the kernel writes them in measurement names, and sorted.  The
 * digests are of the algorithm the caller chose, which must be the
 * kernel's ima_hash for the entries to match its log; log_hash_alg is the
 * algorithm of the template hashes, sha1 in the ASCII log.  Thread-safe.
 */
#ifndef IMA_TEST_KEYLIME_H
#define IMA_TEST_KEYLIME_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certs.h"
#include "hashalgo.h"

#define KEYLIME_HEX_MAX (2 * HASH_MAX_DIGEST + 1)
#define IMA_MEASUREMENT_LIST "/sys/kernel/security/ima/ascii_runtime_measurements"

struct keylime_entry {
	char *path;
	char hex[KEYLIME_HEX_MAX];
};

struct keylime_policy {
	pthread_mutex_t lock;
	struct keylime_entry *v;
	size_t n, cap;
	char *cwd;
	char boot_aggregate[KEYLIME_HEX_MAX];	/* "" when there is none */
	char *keys;		/* verification-keys JSON text, or NULL */
};

/* 0, or -errno when the current directory cannot be determined. */
int keylime_init(struct keylime_policy *p);

/* Add @path with the content digest @md (@len bytes).  0, or -ENOMEM. */
int keylime_add(struct keylime_policy *p, const char *path, const uint8_t *md,
		size_t len);

/*
 * Set the boot_aggregate entry from @hex (any case; the length of a known
 * digest).  0, or -errno with the reason in @err.
 */
int keylime_set_boot_aggregate(struct keylime_policy *p, const char *hex,
			       char *err, size_t errlen);

/*
 * Set the boot_aggregate entry from the first record of the ASCII
 * measurement list @list (IMA_MEASUREMENT_LIST on a running system).
 * 0; -ENOENT when @list does not exist; another -errno, with the reason
 * in @err, when it cannot be read or does not start with a boot_aggregate.
 */
int keylime_boot_aggregate_from_list(struct keylime_policy *p, const char *list,
				     char *err, size_t errlen);

/*
 * Add the public keys of @certs as "verification-keys", the keyring
 * Keylime verifies ima-sig signatures with (keyids from the certificates,
 * as the kernel finds them).  0, or -errno with the reason in @err.
 */
int keylime_set_keys(struct keylime_policy *p, const struct certset *certs,
		     char *err, size_t errlen);

/*
 * Write the policy as one line of JSON.  0 or -errno; *@invalid is how
 * many paths were not valid UTF-8 (JSON cannot carry them; they are
 * written with U+FFFD and will not match).
 */
int keylime_write(struct keylime_policy *p, FILE *fp, size_t *invalid);

void keylime_free(struct keylime_policy *p);

#endif
