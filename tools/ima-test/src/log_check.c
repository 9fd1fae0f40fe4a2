// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log: the verdict matrix (see log_check.h), the report, and the
 * checks of whole lists: template digests, violations, lists that differ.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log_check.h"
#include "util.h"

static const char *const check_names[CK_N] = {
	[CK_DIGEST] = "template-digest", [CK_VIOLATION] = "violation",
	[CK_LISTS] = "lists-agree", [CK_TPM] = "tpm", [CK_BOOT] = "boot-aggregate",
	[CK_SIG] = "signature", [CK_REF] = "reference",
};

void log_line(struct log_ctx *c, const char *key, const char *subject,
	      const struct imalog_entry *e, const char *status, const char *detail)
{
	char name[LOG_NAME_BUF] = "";
	json_t *rec;
	int r;

	if (e)
		imalog_name(e, name, sizeof(name));
	if (c->fmt == OUT_JSON) {
		rec = json_pack("{s:o}", key, json_text(subject, NULL));
		if (e) {
			json_put(&rec, "entry", json_count(imalog_index(e)));
			json_put(&rec, "pcr", json_count(e->pcr));
			json_put(&rec, "template", json_text(e->tname, NULL));
			json_put(&rec, "path", json_text(name, NULL));
		}
		json_put(&rec, "status", json_text(status, NULL));
		json_put(&rec, "detail", json_text(detail, NULL));
		r = json_emit(c->fp, rec);
		if (r) {
			cmd_warnx("cannot write a JSON record: %s",
				strerror(-r));
			c->trouble = true;
		}
		return;
	}
	if (subject[0]) {
		text_write_name(c->fp, subject);
		fputs(": ", c->fp);
	}
	if (e) {
		fprintf(c->fp, "entry %zu ", imalog_index(e));
		text_write_name(c->fp, name[0] ? name : "(no name)");
		fputs(": ", c->fp);
	}
	fprintf(c->fp, "%s (", status);
	text_write_escaped(c->fp, detail);
	fputs(")\n", c->fp);
}

void log_say(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
	     bool finding, const char *status, const char *fmt, ...)
{
	char detail[512 + 2 * LOG_NAME_BUF];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (finding)
		c->findings++;
	log_line(c, "list", l ? l->path : "", e, status, detail);
}

const struct imalog_entry *log_entry_at(struct log_ctx *c, const struct log_list *l, size_t i)
{
	const struct imalog_entry *e = imalog_at(l->cur, i);

	if (!e) {
		cmd_warnx("%s: %s", l->path, l->cur->err);
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

static bool requested(const struct log_ctx *c, enum log_check_id ck)
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

/* Template digests and violations of list @k: every list counts. */
static void check_list(struct log_ctx *c, size_t k)
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
	for (size_t i = 0; i < l->log.n; i++) {
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
			/* all zero: nothing to hash; the replay extends 0xff */
			log_set(c, i, CK_DIGEST, V_NA);
			if (log_get(c, i, CK_VIOLATION) >= V_ACCEPTED)
				break;	/* another list said it already */
			c->violations++;
			if (c->ignore_violations) {
				log_set(c, i, CK_VIOLATION, V_ACCEPTED);
				break;
			}
			log_set(c, i, CK_VIOLATION, V_FINDING);
			e = log_entry_at(c, l, i);
			if (e)
				log_say(c, l, e, true, "violation",
					"measured while open for write elsewhere (open-writers) or "
					"opened for write while measured (ToMToU)");
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

/* Every list must describe the same events, with the same violations, as the first one. */
static void compare_lists(struct log_ctx *c)
{
	const struct log_list *a = &c->lists[0];

	for (size_t k = 1; k < c->nlists; k++) {
		const struct log_list *b = &c->lists[k];
		size_t n = a->log.n < b->log.n ? a->log.n : b->log.n;
		bool said = false;

		for (size_t i = 0; i < n; i++) {
			const struct imalog_entry *x = log_entry_at(c, a, i);
			const struct imalog_entry *y = x ? log_entry_at(c, b, i) : NULL;
			char *other;

			if (!y)
				break;	/* cells unset: not evaluated, and an error */
			if (same_event(a, x, b, y)) {
				log_set(c, i, CK_LISTS, V_OK);
				continue;
			}
			log_set(c, i, CK_LISTS, V_FINDING);
			if (said)
				continue;
			said = true;
			other = malloc(LOG_NAME_BUF);
			if (other)
				imalog_name(y, other, LOG_NAME_BUF);
			log_say(c, a, x, true, "lists-differ",
				"entry %zu of %s is %s%s", i + 1, b->path,
				other && other[0] ? other : "(no name)",
				x->violation != y->violation ?
				", and only one of them is a violation" :
				digests_agree(a, x, b, y) ? "" : ", with another logged digest");
			free(other);
		}
		for (size_t i = n; i < c->rows; i++)
			log_set(c, i, CK_LISTS, V_FINDING);
		if (a->log.n != b->log.n)
			log_say(c, b, NULL, true, "lists-differ",
				"%zu entries, %s has %zu", b->log.n, a->path, a->log.n);
	}
}

/* The list that holds entry @row: the first long enough. */
static const struct log_list *list_of_row(const struct log_ctx *c, size_t row)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.n > row)
			return &c->lists[k];
	return NULL;
}

struct totals {
	unsigned long v[V_N];
};

/* A requested check that left a cell unset could not evaluate it. */
static void close_matrix(struct log_ctx *c, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < c->rows; i++) {
		for (int ck = 0; ck < CK_N; ck++) {
			if (!requested(c, (enum log_check_id)ck))
				continue;
			if (log_get(c, i, (enum log_check_id)ck) == V_UNSET) {
				const struct log_list *l = list_of_row(c, i);
				const struct imalog_entry *e = NULL;

				log_set(c, i, (enum log_check_id)ck, V_CANNOT);
				/* after an error, the error said why */
				if (!c->trouble && l)
					e = log_entry_at(c, l, i);
				if (!c->trouble)
					log_say(c, l, e, true, "not-evaluated",
						"the %s check did not evaluate this entry",
						check_names[ck]);
			}
			t->v[log_get(c, i, (enum log_check_id)ck)]++;
		}
	}
}

static void summary(struct log_ctx *c, const struct totals *t)
{
	size_t entries = c->nlists ? c->lists[0].log.n : 0;

	if (c->fmt == OUT_JSON) {
		json_t *sum = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, "
					"s:{s:o, s:o, s:o, s:o, s:o}}",
					"lists", json_count(c->nlists),
					"entries", json_count(entries),
					"findings", json_count(c->findings),
					"violations", json_count(c->violations),
					"padded_sha1", json_count(c->padded),
					"replayed", json_count(c->replayed),
					"consistent", json_count(c->consistent),
					"errors", (int)c->trouble,
					"verdicts", "ok", json_count(t->v[V_OK]),
					"finding", json_count(t->v[V_FINDING]),
					"cannot_check", json_count(t->v[V_CANNOT]),
					"accepted", json_count(t->v[V_ACCEPTED]),
					"not_applicable", json_count(t->v[V_NA]));
		int r = json_emit(c->fp, sum ? json_pack("{s:o}", "summary", sum) : NULL);

		if (r) {
			cmd_warnx("cannot write the summary: %s",
				strerror(-r));
			c->trouble = true;
		}
	} else {
		fprintf(c->fp, "summary: %zu entries, %lu findings, %lu violations; "
			"%lu of %lu PCR replays consistent with the TPM; verdicts: %lu ok, "
			"%lu finding, %lu cannot-check, %lu accepted, %lu n/a\n",
			entries, c->findings, c->violations, c->consistent, c->replayed,
			t->v[V_OK], t->v[V_FINDING], t->v[V_CANNOT], t->v[V_ACCEPTED], t->v[V_NA]);
	}
	fflush(c->fp);
}

static void check_rows(struct log_ctx *c)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.n)
			check_list(c, k);
	if (c->nlists > 1)
		compare_lists(c);
	for (size_t i = 0; i < c->rows && (c->certs || c->ref); i++) {
		const struct log_list *l = list_of_row(c, i);
		const struct imalog_entry *e = log_entry_at(c, l, i);

		if (!e)
			break;
		if (c->certs)
			log_check_signature(c, l, e);
		if (c->ref)
			log_check_reference(c, l, e);
	}
	log_check_boot_aggregate(c);
	log_check_tpm(c);
}

int log_check_all(struct log_ctx *c)
{
	struct totals t;
	bool bad = false;

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
	if (!c->cell) {
		cmd_warnx("out of memory");
		return EXIT_TROUBLE;
	}
	if (!c->nlists || !c->lists[0].log.n) {
		if (!c->findings) {
			cmd_warnx("no measurement list entries to check");
			c->trouble = true;
		}
	} else {
		check_rows(c);
	}
	close_matrix(c, &t);
	summary(c, &t);
	if (c->trouble)
		return EXIT_TROUBLE;
	bad = c->findings || c->list_findings || t.v[V_FINDING] || t.v[V_CANNOT];
	return bad ? EXIT_FINDINGS : EXIT_OK;
}
