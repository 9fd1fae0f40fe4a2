/* SPDX-License-Identifier: GPL-2.0-only */
/* The checking run shared by `verify` and `audit`. */
#ifndef IMA_TEST_SCAN_H
#define IMA_TEST_SCAN_H

#include <stddef.h>

#include "certs.h"
#include "common.h"
#include "evm.h"
#include "out.h"

#define SCAN_MANIFESTS_MAX 64

struct scan_opts {
	struct tree_opts tree;
	struct certset certs;
	enum out_format fmt;
	unsigned formats;	/* what --format accepts: SCAN_FORMAT() bits */
	bool summary;		/* print the per-class counts at the end */
	bool quiet_ok;		/* text output: leave out files that are ok */
	/* --format keylime */
	const struct hash_algo *keylime_md;	/* digest of the entries (sha256) */
	const char *boot_aggregate;		/* --boot-aggregate HEX */
	const char *measurement_list;		/* --ima-measurement-list FILE */
	const char *manifests[SCAN_MANIFESTS_MAX];	/* --manifest FILE */
	size_t nmanifests;
	bool evm;		/* also check security.evm */
	struct evm_ctx evm_ctx;	/* its key, UUID and certificates */
};

/* Check @paths; returns the exit status. */
int scan_run(const struct scan_opts *opts, char *const *paths, size_t n);

/*
 * The whole of `verify` and `audit`: parse --cert, --format and the tree
 * options into @so (which holds the command's defaults), then check the
 * paths.  JSON output always ends with the summary object.  Returns the
 * exit status.
 */
int scan_main(const char *help, int argc, char **argv, struct scan_opts *so);

/* The bit of one output format in an @allowed mask. */
#define SCAN_FORMAT(f) (1u << (f))
/* text and json: what every command with --format accepts. */
#define SCAN_FORMATS_TEXT_JSON (SCAN_FORMAT(OUT_TEXT) | SCAN_FORMAT(OUT_JSON))

/*
 * Parse --format, accepting only the formats in @allowed (SCAN_FORMAT()
 * bits); prints a usage error and returns -1 when bad.
 */
int scan_parse_format(const char *arg, unsigned allowed,
		      enum out_format *fmt);

#endif
