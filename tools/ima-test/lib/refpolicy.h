/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a Keylime runtime policy (the JSON that `audit --format keylime`
 * writes, see policy.h): its "digests" map of path to allowed hex digests
 * and its "excludes" regular expressions.  Other members are checked to be
 * well-formed JSON and otherwise ignored.  The file is untrusted input:
 * nesting, sizes and escapes are bounded.
 */
#ifndef IMA_TEST_REFPOLICY_H
#define IMA_TEST_REFPOLICY_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

struct ref_entry {
	char *path;
	char **digests;		/* lower-case hex */
	size_t n;
};

struct ref_policy {
	struct ref_entry *v;	/* sorted by path */
	size_t n, cap;
	regex_t *excludes;	/* anchored at the start, as Keylime matches */
	size_t nexcl;
};

/* Parse @len bytes of JSON.  0, or -1 with the reason and byte in @err. */
int ref_policy_parse(const char *buf, size_t len, struct ref_policy *p,
		     char *err, size_t errlen);
/* 0, or -1 with a message naming the file (and byte) in @err. */
int ref_policy_load(const char *path, struct ref_policy *p, char *err, size_t errlen);
void ref_policy_free(struct ref_policy *p);

enum ref_verdict {
	REF_ALLOWED,
	REF_EXCLUDED,		/* matches an "excludes" expression */
	REF_NOT_LISTED,		/* the path is not in "digests" */
	REF_DIGEST_NOT_ALLOWED,	/* listed, but not with this digest */
};
/* @hex: the measured file digest in lower-case hex. */
enum ref_verdict ref_policy_check(const struct ref_policy *p, const char *path,
				  const char *hex);

#endif
