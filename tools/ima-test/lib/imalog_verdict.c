// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdict matrix of a measurement list check (see imalog_verdict.h),
 * and the checks of whole lists: template digests, violations, lists that
 * differ.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imalog_verdict.h"

static const char *const check_names[CK_N] = {
	[CK_DIGEST] = "template-digest", [CK_VIOLATION] = "violation",
	[CK_LISTS] = "lists-agree", [CK_TPM] = "tpm", [CK_BOOT] = "boot-aggregate",
	[CK_SIG] = "signature", [CK_REF] = "reference",
};

void log_say(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
	     bool finding, const char *status, const char *fmt, ...)
{
	char detail[512 + 2 * LOG_NAME_BUF];
	struct log_note n = { l, e, finding, status, detail };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (finding)
		c->findings++;
	if (c->report.note)
		c->report.note(c, &n);
}

const struct imalog_entry *log_entry_at(struct log_ctx *c, const struct log_list *l, size_t i)
{
	const struct imalog_entry *e = imalog_at(l->cur, i);

	if (!e) {
		if (c->report.error)
			c->report.error(c, l->path, l->cur->err);
		c->trouble = true;
	}
	return e;
}

void log_set(struct log_ctx *c, size_t row, enum log_check_id ck, enum log_verdict v)
{
	if (row < c->rows && v > c->cell[row * CK_N + ck])
		c->cell[row * CK_N + ck] = (uint8_t)v;
}

enum log_verdict log_get(const struct log_ctx *c, size_t row, enum log_check_id ck)
{
	return row < c->rows ? (enum log_verdict)c->cell[row * CK_N + ck] : V_UNSET;
}

bool log_requested(const struct log_ctx *c, enum log_check_id ck)
{
	switch (ck) {
	case CK_LISTS:
		return c->nlists > 1;
	case CK_SIG:
		return c->certs != NULL;
	case CK_REF:
		return c->ref != NULL;
	default:
		return true;
	}
}

const struct log_list *log_list_of_row(const struct log_ctx *c, size_t row)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.n > row)
			return &c->lists[k];
	return NULL;
}

int log_open_matrix(struct log_ctx *c)
{
	c->rows = 0;
	for (size_t k = 0; k < c->nlists; k++) {
		struct log_list *l = &c->lists[k];

		if (l->parse) {
			c->list_findings++;
			log_say(c, l, NULL, true, "malformed", "%s", l->log.err);
		}
		if (l->log.bank)
			log_say(c, l, NULL, false, "list", "%zu entries, %s %s template digests",
				l->log.n, l->log.ascii ? "ascii" : "binary", l->log.bank->name);
		if (l->log.n > c->rows)
			c->rows = l->log.n;
	}
	c->cell = calloc(c->rows ? c->rows : 1, CK_N);
	return c->cell ? 0 : -ENOMEM;
}

/* Entry @i of @l is a violation: a finding once, whichever list shows it first. */
static void violation(struct log_ctx *c, const struct log_list *l, size_t i)
{
	const struct imalog_entry *e;

	/* all zero: nothing to hash; the replay extends 0xff */
	log_set(c, i, CK_DIGEST, V_NA);
	if (log_get(c, i, CK_VIOLATION) >= V_ACCEPTED)
		return;	/* another list said it already */
	c->violations++;
	if (c->ignore_violations) {
		log_set(c, i, CK_VIOLATION, V_ACCEPTED);
		return;
	}
	log_set(c, i, CK_VIOLATION, V_FINDING);
	e = log_entry_at(c, l, i);
	if (e)
		log_say(c, l, e, true, "violation",
			"measured while open for write elsewhere (open-writers) or "
			"opened for write while measured (ToMToU)");
}

/* The verdicts of entry @i of @l from its template digest check. */
static void digest_verdict(struct log_ctx *c, const struct log_list *l, size_t i)
{
	const struct imalog_entry *e;

	if (l->dc[i] != IMALOG_DIGEST_VIOLATION)
		log_set(c, i, CK_VIOLATION, V_OK);
	switch (l->dc[i]) {
	case IMALOG_DIGEST_OK:
		log_set(c, i, CK_DIGEST, V_OK);
		break;
	case IMALOG_DIGEST_PADDED_SHA1:
		c->padded++;
		log_set(c, i, CK_DIGEST, V_OK);
		break;
	case IMALOG_DIGEST_VIOLATION:
		violation(c, l, i);
		break;
	case IMALOG_DIGEST_MISMATCH:
		log_set(c, i, CK_DIGEST, V_FINDING);
		e = log_entry_at(c, l, i);
		if (e)
			log_say(c, l, e, true, "template-digest",
				"logged %s template digest does not match the entry's data",
				l->log.bank->name);
		break;
	}
}

void log_check_list(struct log_ctx *c, size_t k)
{
	struct log_list *l = &c->lists[k];
	char err[IMALOG_ERR + 64];

	l->dc = malloc(l->log.n ? l->log.n : 1);
	if (!l->dc || imalog_check_digests(&l->log, l->dc, err, sizeof(err))) {
		log_say(c, l, NULL, false, "error", "%s", l->dc ? err : "out of memory");
		c->trouble = true;
		free(l->dc);
		l->dc = NULL;
		return;
	}
	for (size_t i = 0; i < l->log.n; i++)
		digest_verdict(c, l, i);
}

/* The logged digests of entry @i, @x of @a and @y of @b, agree, as far as two banks can. */
static bool digests_agree(const struct log_list *a, const struct imalog_entry *x,
			  const struct log_list *b, const struct imalog_entry *y)
{
	size_t i = x->index;

	if (x->violation != y->violation)
		return false;
	if (a->log.bank == b->log.bank)
		return !memcmp(x->digest, y->digest, a->log.bank->len);
	/* a bank the kernel could not hash holds the sha1 digest, padded */
	if (a->log.bank->id == HASH_ALGO_SHA1 && b->dc && b->dc[i] == IMALOG_DIGEST_PADDED_SHA1)
		return !memcmp(x->digest, y->digest, 20);
	if (b->log.bank->id == HASH_ALGO_SHA1 && a->dc && a->dc[i] == IMALOG_DIGEST_PADDED_SHA1)
		return !memcmp(x->digest, y->digest, 20);
	return true;	/* each list's digest is checked against the same data */
}

static bool same_event(const struct log_list *a, const struct imalog_entry *x,
		       const struct log_list *b, const struct imalog_entry *y)
{
	return x->pcr == y->pcr && x->tdata_len == y->tdata_len && !strcmp(x->tname, y->tname) &&
	       !memcmp(x->tdata, y->tdata, x->tdata_len) && digests_agree(a, x, b, y);
}

/* Entry @x of @a is not entry @y of @b: say how. */
static void say_differ(struct log_ctx *c, const struct log_list *a, const struct imalog_entry *x,
		       const struct log_list *b, const struct imalog_entry *y)
{
	char *other = malloc(LOG_NAME_BUF);

	if (other)
		imalog_name(y, other, LOG_NAME_BUF);
	log_say(c, a, x, true, "lists-differ",
		"entry %zu of %s is %s%s", x->index + 1, b->path,
		other && other[0] ? other : "(no name)",
		x->violation != y->violation ?
		", and only one of them is a violation" :
		digests_agree(a, x, b, y) ? "" : ", with another logged digest");
	free(other);
}

/* List @b against the first one: a finding per entry that differs, one line per list. */
static void compare_list(struct log_ctx *c, const struct log_list *b)
{
	const struct log_list *a = &c->lists[0];
	size_t n = a->log.n < b->log.n ? a->log.n : b->log.n;
	bool said = false;

	for (size_t i = 0; i < n; i++) {
		const struct imalog_entry *x = log_entry_at(c, a, i);
		const struct imalog_entry *y = x ? log_entry_at(c, b, i) : NULL;

		if (!y)
			break;	/* cells unset: not evaluated, and an error */
		if (same_event(a, x, b, y)) {
			log_set(c, i, CK_LISTS, V_OK);
			continue;
		}
		log_set(c, i, CK_LISTS, V_FINDING);
		if (!said)
			say_differ(c, a, x, b, y);
		said = true;
	}
	for (size_t i = n; i < c->rows; i++)
		log_set(c, i, CK_LISTS, V_FINDING);
	if (a->log.n != b->log.n)
		log_say(c, b, NULL, true, "lists-differ",
			"%zu entries, %s has %zu", b->log.n, a->path, a->log.n);
}

void log_compare_lists(struct log_ctx *c)
{
	for (size_t k = 1; k < c->nlists; k++)
		compare_list(c, &c->lists[k]);
}

/* The cell (@i, @ck) of a requested check is unset: cannot-check, and say so. */
static void not_evaluated(struct log_ctx *c, size_t i, enum log_check_id ck)
{
	const struct log_list *l = log_list_of_row(c, i);
	const struct imalog_entry *e = NULL;

	log_set(c, i, ck, V_CANNOT);
	/* after an error, the error said why */
	if (!c->trouble && l)
		e = log_entry_at(c, l, i);
	if (!c->trouble)
		log_say(c, l, e, true, "not-evaluated",
			"the %s check did not evaluate this entry", check_names[ck]);
}

void log_close_matrix(struct log_ctx *c, struct log_totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < c->rows; i++) {
		for (int k = 0; k < CK_N; k++) {
			enum log_check_id ck = (enum log_check_id)k;

			if (!log_requested(c, ck))
				continue;
			if (log_get(c, i, ck) == V_UNSET)
				not_evaluated(c, i, ck);
			t->v[log_get(c, i, ck)]++;
		}
	}
}

bool log_has_findings(const struct log_ctx *c, const struct log_totals *t)
{
	return c->findings || c->list_findings || t->v[V_FINDING] || t->v[V_CANNOT];
}
