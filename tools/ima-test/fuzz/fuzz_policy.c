// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the IMA policy parser and the appraisal decision:
 * any input is parsed or refused with a reason naming a line, leaving the
 * policy empty; each rule that parses parses again from its own text to
 * the same rule; a parsed policy can be decided for the processes it names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ima_policy.h"
#include "ima_policy_eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool id_equal(const struct id_cond *a, const struct id_cond *b)
{
	return a->set == b->set && (!a->set || (a->op == b->op && a->id == b->id));
}

static bool rule_equal(const struct ima_rule *a, const struct ima_rule *b)
{
	return a->action == b->action && a->func == b->func &&
	       a->has_mask == b->has_mask && a->inmask == b->inmask && a->mask == b->mask &&
	       a->has_fsmagic == b->has_fsmagic && a->fsmagic == b->fsmagic &&
	       a->has_fsuuid == b->has_fsuuid && !memcmp(a->fsuuid, b->fsuuid, 16) &&
	       id_equal(&a->uid, &b->uid) && id_equal(&a->euid, &b->euid) &&
	       id_equal(&a->gid, &b->gid) && id_equal(&a->egid, &b->egid) &&
	       id_equal(&a->fowner, &b->fowner) && id_equal(&a->fgroup, &b->fgroup) &&
	       a->sig_required == b->sig_required && a->algos == b->algos &&
	       !strcmp(a->unevaluable, b->unevaluable) && !strcmp(a->unchecked, b->unchecked) &&
	       !strcmp(a->text, b->text);
}

static void decide_all(const struct ima_policy *p)
{
	struct ima_file_facts f = { .mode = 0100644, .fsmagic = 0xef53, .uuid_state = -ENODATA };
	struct ima_subjects s;
	struct ima_decision d;

	if (ima_subjects_from_policy(p, &s))
		return;
	for (int i = 0; i < 4; i++) {
		f.mode = i & 1 ? 0100755 : 0100644;
		f.noexec = i & 2;
		ima_policy_decide(p, &s, &f, &d);
		if (d.appraised && (!d.rule || !d.subject || d.rule->action != IMA_ACT_APPRAISE))
			abort();
		if (d.sig_required && (!d.sig_rule || !d.sig_rule->sig_required))
			abort();
		if (!ima_access_possible(d.access, &f) && d.appraised)
			abort();
	}
	ima_subjects_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), err[256];
	struct ima_policy p, again;
	int rc;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	err[0] = '\0';
	rc = ima_policy_parse(&p, "fuzz", copy, size, err, sizeof(err));
	if (rc) {
		if ((rc != -EINVAL && rc != -ENOMEM) || p.n || p.rules ||
		    strncmp(err, "fuzz: ", 6) || !memchr(err, '\0', sizeof(err)))
			abort();
		free(copy);
		return 0;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct ima_rule *r = &p.rules[i];

		if (ima_policy_parse(&again, "again", r->text, strlen(r->text), err, sizeof(err)) ||
		    again.n != 1 || !rule_equal(r, &again.rules[0]))
			abort();
		ima_policy_free(&again);
	}
	decide_all(&p);
	ima_policy_free(&p);
	free(copy);
	return 0;
}
