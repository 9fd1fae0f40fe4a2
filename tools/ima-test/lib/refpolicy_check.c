// SPDX-License-Identifier: GPL-2.0-only
/* Looking names and digests up in a parsed Keylime runtime policy (refpolicy.h). */
#include <stdlib.h>
#include <string.h>

#include "refpolicy.h"

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ref_entry *)a)->path, ((const struct ref_entry *)b)->path);
}

enum ref_verdict ref_policy_check_in(const struct ref_policy *p, enum ref_section s,
				     const char *path, const char *hex)
{
	const struct ref_table *t = &p->t[s];
	struct ref_entry key = { .path = (char *)path };
	const struct ref_entry *e;
	bool listed = false;

	for (size_t i = 0; i < p->nexcl; i++)
		if (!regexec(&p->excludes[i], path, 0, NULL, 0))
			return REF_EXCLUDED;
	e = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_entry) : NULL;
	/* a path may be listed more than once: look at its neighbours too */
	while (e && e > t->v && !strcmp(e[-1].path, path))
		e--;
	for (; e && e < t->v + t->n && !strcmp(e->path, path); e++) {
		listed = true;
		for (size_t k = 0; k < e->n; k++)
			if (!strcmp(e->digests[k], hex))
				return REF_ALLOWED;
	}
	return listed ? REF_DIGEST_NOT_ALLOWED : REF_NOT_LISTED;
}

enum ref_verdict ref_policy_check(const struct ref_policy *p, const char *path,
				  const char *hex)
{
	return ref_policy_check_in(p, REF_DIGESTS, path, hex);
}

bool ref_policy_keyring_ignored(const struct ref_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nignored; i++)
		if (!strcmp(p->ignored_keyrings[i], "*") || !strcmp(p->ignored_keyrings[i], name))
			return true;
	return false;
}
