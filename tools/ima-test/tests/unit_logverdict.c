// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the verdict matrix of a measurement list check.  Cells keep
 * the worst verdict; template digests, violations and lists that differ
 * set theirs; a requested check that leaves a cell unset is a
 * cannot-check when the matrix is closed, one that is not requested is
 * not counted; every finding is handed to the report once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "imalog_verdict.h"
#include "tap.h"

enum kind { GOOD, BAD, VIOLATION };

struct ev {
	const char *name;
	enum kind kind;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An ima-ng entry in PCR 10 with a sha1 template digest: its size. */
static size_t entry(uint8_t *p, const struct ev *ev)
{
	size_t nlen = strlen(ev->name) + 1, n = 38;
	uint32_t f1 = 8 + 32, tlen = 4 + f1 + 4 + (uint32_t)nlen;
	unsigned int dlen;

	put32(p, 10);
	put32(p + 24, 6);
	memcpy(p + 28, "ima-ng", 6);
	put32(p + 34, tlen);
	put32(p + n, f1);
	memcpy(p + n + 4, "sha256:", 8);
	memset(p + n + 12, 0x5a, 32);
	n += 4 + f1;
	put32(p + n, (uint32_t)nlen);
	memcpy(p + n + 4, ev->name, nlen);
	if (ev->kind == VIOLATION)
		memset(p + 4, 0, 20);
	else if (!EVP_Digest(p + 38, tlen, p + 4, &dlen, EVP_sha1(), NULL))
		abort();
	if (ev->kind == BAD)
		p[4] ^= 1;
	return n + 4 + nlen;
}

/* What the report was handed. */
struct seen {
	unsigned notes, findings, errors;
	char status[64];		/* of the last finding */
	size_t entry;			/* its entry, 1-based; 0 none */
};

static void note(struct log_ctx *c, const struct log_note *n)
{
	struct seen *s = c->report.arg;

	s->notes++;
	if (!n->finding)
		return;
	s->findings++;
	snprintf(s->status, sizeof(s->status), "%s", n->status);
	s->entry = n->entry ? imalog_index(n->entry) : 0;
}

static void on_error(struct log_ctx *c, const char *subject, const char *why)
{
	struct seen *s = c->report.arg;

	(void)subject;
	(void)why;
	s->errors++;
}

struct list_buf {
	uint8_t b[4096];
	size_t len;
};

/* Add a list of @n events to @c, parsed from @lb. */
static void add_list(struct log_ctx *c, struct list_buf *lb, const struct ev *evs, size_t n)
{
	struct log_list *l = &c->lists[c->nlists++];

	lb->len = 0;
	for (size_t i = 0; i < n; i++)
		lb->len += entry(lb->b + lb->len, &evs[i]);
	l->path = "list";
	l->parse = imalog_parse(lb->b, lb->len, &l->log);
	l->cur = calloc(1, sizeof(*l->cur));
	if (l->parse || !l->cur || imalog_cursor_init(l->cur, &l->log))
		abort();
}

static void start(struct log_ctx *c, struct seen *s)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->report.note = note;
	c->report.error = on_error;
	c->report.arg = s;
	c->ima_pcr = LOG_IMA_PCR_DEFAULT;
}

static void finish(struct log_ctx *c)
{
	for (size_t k = 0; k < c->nlists; k++) {
		imalog_cursor_free(c->lists[k].cur);
		free(c->lists[k].cur);
		imalog_free(&c->lists[k].log);
		free(c->lists[k].dc);
	}
	free(c->cell);
}

/* Every list checked, the TPM and boot_aggregate cells set to @v. */
static void check_all(struct log_ctx *c, enum log_verdict v)
{
	for (size_t k = 0; k < c->nlists; k++)
		log_check_list(c, k);
	if (c->nlists > 1)
		log_compare_lists(c);
	for (size_t i = 0; i < c->rows; i++) {
		log_set(c, i, CK_TPM, v);
		log_set(c, i, CK_BOOT, v);
	}
}

/* Open the matrix of the lists added and run every check with @v. */
static void open_and_check(struct log_ctx *c, enum log_verdict v)
{
	log_open_matrix(c);
	check_all(c, v);
}

static const struct ev good[] = { { "boot_aggregate", GOOD }, { "/a", GOOD }, { "/b", GOOD } };

static void test_cells(struct tap *t)
{
	struct log_ctx c;
	struct seen s;
	struct list_buf lb;

	start(&c, &s);
	add_list(&c, &lb, good, 3);
	tap_eq(t, log_open_matrix(&c), 0, "matrix opened");
	tap_eq(t, c.rows, 3, "a row per entry");
	tap_ok(t, s.notes == 1 && !s.findings, "one line for the list, not a finding");
	log_set(&c, 1, CK_SIG, V_OK);
	log_set(&c, 1, CK_SIG, V_FINDING);
	log_set(&c, 1, CK_SIG, V_OK);
	tap_eq(t, log_get(&c, 1, CK_SIG), V_FINDING, "a cell keeps the worst verdict");
	log_set(&c, 2, CK_SIG, V_NA);
	log_set(&c, 2, CK_SIG, V_OK);
	tap_eq(t, log_get(&c, 2, CK_SIG), V_OK, "ok is worse than n/a");
	log_set(&c, 3, CK_SIG, V_FINDING);
	tap_eq(t, log_get(&c, 3, CK_SIG), V_UNSET, "no row past the last");
	tap_ok(t, log_requested(&c, CK_DIGEST) && log_requested(&c, CK_TPM) &&
	       !log_requested(&c, CK_LISTS) && !log_requested(&c, CK_SIG) &&
	       !log_requested(&c, CK_REF), "one list, no certificates, no reference");
	finish(&c);
}

static void test_clean(struct tap *t)
{
	struct log_ctx c;
	struct log_totals tot;
	struct seen s;
	struct list_buf lb;

	start(&c, &s);
	add_list(&c, &lb, good, 3);
	open_and_check(&c, V_OK);
	log_close_matrix(&c, &tot);
	tap_ok(t, tot.v[V_OK] == 3 * 4 && !tot.v[V_CANNOT] && !tot.v[V_FINDING] &&
	       !tot.v[V_UNSET], "a good list: every requested cell ok (%lu)", tot.v[V_OK]);
	tap_ok(t, !log_has_findings(&c, &tot) && !s.findings && !c.trouble, "and no finding");
	tap_eq(t, log_get(&c, 0, CK_SIG), V_UNSET, "a check not requested stays unset");
	finish(&c);
}

static void test_unset(struct tap *t)
{
	struct log_ctx c;
	struct log_totals tot;
	struct seen s;
	struct list_buf lb;

	start(&c, &s);
	add_list(&c, &lb, good, 3);
	open_and_check(&c, V_OK);
	c.cell[1 * CK_N + CK_TPM] = V_UNSET;
	log_close_matrix(&c, &tot);
	tap_eq(t, log_get(&c, 1, CK_TPM), V_CANNOT, "an unset cell is closed as cannot-check");
	tap_ok(t, s.findings == 1 && !strcmp(s.status, "not-evaluated") && s.entry == 2,
	       "said once, for entry 2: %s %zu", s.status, s.entry);
	tap_ok(t, tot.v[V_CANNOT] == 1 && log_has_findings(&c, &tot),
	       "a cannot-check is a finding");
	finish(&c);

	start(&c, &s);
	add_list(&c, &lb, good, 3);
	open_and_check(&c, V_OK);
	c.cell[0 * CK_N + CK_BOOT] = V_UNSET;
	c.trouble = true;
	log_close_matrix(&c, &tot);
	tap_ok(t, log_get(&c, 0, CK_BOOT) == V_CANNOT && !s.findings,
	       "after an error: cannot-check, not said again");
	finish(&c);
}

static const struct ev with_violation[] = {
	{ "boot_aggregate", GOOD }, { "/v", VIOLATION }, { "/bad", BAD },
};

static void test_digests(struct tap *t)
{
	struct log_ctx c;
	struct log_totals tot;
	struct seen s;
	struct list_buf lb;

	start(&c, &s);
	add_list(&c, &lb, with_violation, 3);
	open_and_check(&c, V_OK);
	tap_ok(t, log_get(&c, 1, CK_VIOLATION) == V_FINDING && log_get(&c, 1, CK_DIGEST) == V_NA,
	       "a violation: a finding, its digest n/a");
	tap_ok(t, log_get(&c, 2, CK_DIGEST) == V_FINDING && log_get(&c, 2, CK_VIOLATION) == V_OK,
	       "a template digest that does not match: a finding");
	tap_ok(t, s.findings == 2 && c.findings == 2 && c.violations == 1,
	       "two findings said (%u), one violation", s.findings);
	log_close_matrix(&c, &tot);
	tap_ok(t, tot.v[V_FINDING] == 2 && tot.v[V_NA] == 1 && log_has_findings(&c, &tot),
	       "counted: %lu finding, %lu n/a", tot.v[V_FINDING], tot.v[V_NA]);
	finish(&c);

	start(&c, &s);
	c.ignore_violations = true;
	add_list(&c, &lb, with_violation, 2);
	open_and_check(&c, V_OK);
	log_close_matrix(&c, &tot);
	tap_ok(t, log_get(&c, 1, CK_VIOLATION) == V_ACCEPTED && !s.findings && c.violations == 1,
	       "ignored violations: accepted, counted, not said");
	tap_ok(t, tot.v[V_ACCEPTED] == 1 && !log_has_findings(&c, &tot), "and not a finding");
	finish(&c);

	start(&c, &s);
	add_list(&c, &lb, good, 3);
	log_open_matrix(&c);
	lb.b[lb.len - 2] ^= 1;	/* the list changed after the parse */
	log_check_list(&c, 0);
	tap_ok(t, c.trouble && !c.lists[0].dc && log_get(&c, 0, CK_DIGEST) == V_UNSET,
	       "a list that cannot be read again: an error, no verdict");
	finish(&c);
}

static void test_lists(struct tap *t)
{
	static const struct ev other[] = {
		{ "boot_aggregate", GOOD }, { "/x", GOOD }, { "/y", GOOD },
	};
	struct log_ctx c;
	struct log_totals tot;
	struct seen s;
	struct list_buf la, lb;

	start(&c, &s);
	add_list(&c, &la, good, 3);
	add_list(&c, &lb, good, 3);
	open_and_check(&c, V_OK);
	log_close_matrix(&c, &tot);
	tap_ok(t, log_requested(&c, CK_LISTS) && log_get(&c, 2, CK_LISTS) == V_OK && !s.findings,
	       "two lists of the same events agree");
	finish(&c);

	start(&c, &s);
	add_list(&c, &la, good, 3);
	add_list(&c, &lb, other, 3);
	open_and_check(&c, V_OK);
	tap_ok(t, log_get(&c, 0, CK_LISTS) == V_OK && log_get(&c, 1, CK_LISTS) == V_FINDING &&
	       log_get(&c, 2, CK_LISTS) == V_FINDING, "entries that differ: findings");
	tap_ok(t, s.findings == 1 && !strcmp(s.status, "lists-differ") && s.entry == 2,
	       "said once, at the first: %s %zu", s.status, s.entry);
	finish(&c);

	start(&c, &s);
	add_list(&c, &la, with_violation, 2);
	add_list(&c, &lb, with_violation, 3);
	open_and_check(&c, V_OK);
	tap_ok(t, c.violations == 1 && log_get(&c, 2, CK_LISTS) == V_FINDING,
	       "a violation in both lists counts once; a row one list lacks differs");
	tap_ok(t, s.findings == 3, "violation, digest, length: %u findings said", s.findings);
	finish(&c);
}

int main(void)
{
	struct tap t = { 0 };

	tap_plan(&t, 26);
	test_cells(&t);
	test_clean(&t);
	test_unset(&t);
	test_digests(&t);
	test_lists(&t);
	return tap_done(&t);
}
