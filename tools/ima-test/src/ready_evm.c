// SPDX-License-Identifier: GPL-2.0-only
/* EVM in `ready`'s report: the notes on its state and on the xattrs it covers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ready_evm.h"

#define LIST_OPTION "--evm-xattrs"

static const char *evm_name(const struct ready_evm *e)
{
	return e->user ? "user.evm" : "security.evm";
}

int ready_evm_state(struct ready_evm *e, const char *path, bool user,
		    char *err, size_t errlen)
{
	struct evm_state *s = &e->state;
	int rc;

	e->note[0] = '\0';
	e->user = user;
	e->ctx.user_xattr = user;
	rc = evm_state_read(path, s, err, errlen);
	if (rc)
		return rc;
	switch (s->source) {
	case EVM_STATE_ABSENT:
		snprintf(e->note, sizeof(e->note), "not modelled (%s does not exist)", path);
		break;
	case EVM_STATE_UNREADABLE:
		snprintf(e->note, sizeof(e->note),
			 "assumed initialised (cannot read %s: %s): %s is required",
			 path, strerror(-s->err), evm_name(e));
		break;
	default:
		if (s->active)
			snprintf(e->note, sizeof(e->note),
				 "initialised (%s = %u): %s is required, and counts only if it "
				 "verifies (HMAC with --evm-key, signature with --cert)",
				 path, s->value, evm_name(e));
		else
			snprintf(e->note, sizeof(e->note), "not initialised (%s = %u)",
				 path, s->value);
	}
	return 0;
}

void ready_evm_force(struct ready_evm *e)
{
	evm_state_force(&e->state);
	snprintf(e->note, sizeof(e->note), "modelled as initialised (--evm): %s is required, "
		 "and counts only if it verifies (HMAC with --evm-key, signature with --cert)",
		 evm_name(e));
}

/* "EVM covers NAME,... (from USED...)" into @e->xattrs_note. */
static void say_xattrs(struct ready_evm *e, unsigned mask, const char *used, bool list_unused)
{
	char *note = e->xattrs_note;
	size_t cap = sizeof(e->xattrs_note), n;

	n = (size_t)snprintf(note, cap, "EVM covers ");
	for (int i = 0; i < EVM_X__COUNT && n < cap; i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(note + n, cap - n, "%s,",
					      evm_xattr_name((enum evm_xattr_id)i));
	if (n < cap)
		snprintf(note + n - 1, cap - n + 1, " (from %s%s)", used, list_unused ?
			 "; " LIST_OPTION " not used: that source comes first" : "");
}

int ready_evm_xattrs(struct ready_evm *e, const struct ready_evm_xattr_sources *src,
		     char *err, size_t errlen)
{
	enum evm_xattrs_source from;
	char config[300];
	unsigned mask = 0, listed = 0;
	int rc;

	/* a bad list is an error whether or not it is needed */
	if (src->list && evm_xattrs_parse(src->list, ",", LIST_OPTION, &listed, err, errlen))
		return -EINVAL;
	rc = evm_xattrs_kernel(src->sfs, src->config, &mask, &from, config, sizeof(config),
			       err, errlen);
	if (!rc) {
		say_xattrs(e, mask, from == EVM_XATTRS_FROM_LIST ? src->sfs : config,
			   src->list != NULL);
	} else if (rc == -ENOENT && src->list) {
		mask = listed;
		say_xattrs(e, mask, LIST_OPTION, false);
	} else if (rc == -ENOENT) {
		snprintf(err, errlen, "cannot tell which xattrs EVM covers: no %s, no kernel "
			 "config (/boot/config-RELEASE, /proc/config.gz); give --kernel-config "
			 "FILE or --evm-xattrs LIST", src->sfs);
		return -ENOENT;
	} else {
		return rc;
	}
	e->ctx.enabled = mask;
	return 0;
}
