/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a Keylime runtime policy (the JSON that `audit --format keylime`
 * writes, see keylime.h): its "digests", "keyrings" and "ima-buf" maps of
 * name to allowed hex digests, its "excludes" regular expressions and
 * "ima"."ignored_keyrings".  Other members are checked to be well-formed
 * JSON and otherwise ignored.  The file is untrusted input, read with
 * jansson; its size and the excludes expressions are bounded here.
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

struct ref_table {
	struct ref_entry *v;	/* sorted by path */
	size_t n, cap;
};

/* The maps of a policy, each a struct ref_table. */
enum ref_section {
	REF_DIGESTS,		/* "digests": files, and boot_aggregate */
	REF_KEYRINGS,		/* "keyrings": keys loaded (KEY_CHECK), by keyring */
	REF_IMA_BUF,		/* "ima-buf": other buffers, by event name */
	REF_SECTIONS
};

struct ref_policy {
	struct ref_table t[REF_SECTIONS];
	regex_t *excludes;	/* anchored at the start, as Keylime matches */
	size_t nexcl;
	char **ignored_keyrings;	/* "ima"."ignored_keyrings"; "*" is all */
	size_t nignored;
};

/* Parse @len bytes of JSON.  0, or -errno with the reason (and byte) in @err. */
int ref_policy_parse(const char *buf, size_t len, struct ref_policy *p,
		     char *err, size_t errlen);
/* 0, or -errno with a message naming the file (and byte) in @err. */
int ref_policy_load(const char *path, struct ref_policy *p, char *err, size_t errlen);
/*
 * Add the policy at @path to @p (loaded before): a name allowed by either
 * is allowed, with the digests of both; excludes and ignored keyrings of
 * both apply.  0, or -errno with a message naming the file in @err.
 */
int ref_policy_load_more(const char *path, struct ref_policy *p, char *err, size_t errlen);
void ref_policy_free(struct ref_policy *p);

enum ref_verdict {
	REF_ALLOWED,
	REF_EXCLUDED,		/* matches an "excludes" expression */
	REF_NOT_LISTED,		/* the path is not in "digests" */
	REF_DIGEST_NOT_ALLOWED,	/* listed, but not with this digest */
};
/* @hex: the measured file digest in lower-case hex; looked up in "digests". */
enum ref_verdict ref_policy_check(const struct ref_policy *p, const char *path,
				  const char *hex);
/* The same in section @s, with @name a path, keyring or event name. */
enum ref_verdict ref_policy_check_in(const struct ref_policy *p, enum ref_section s,
				     const char *name, const char *hex);
/* Keylime does not check keys loaded onto keyring @name. */
bool ref_policy_keyring_ignored(const struct ref_policy *p, const char *name);

#endif
