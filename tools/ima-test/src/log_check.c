// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log: the report of the verdicts (lib/imalog_verdict.h), and the
 * order the checks run in.
 */
#include <string.h>

#include "common.h"
#include "log_check.h"

void log_line(struct log_ctx *c, const char *key, const char *subject,
	      const struct imalog_entry *e, const char *status, const char *detail)
{
	struct log_out *o = log_out(c);
	char name[LOG_NAME_BUF] = "";
	json_t *rec;
	int r;

	if (e)
		imalog_name(e, name, sizeof(name));
	if (o->fmt == OUT_JSON) {
		rec = json_pack("{s:o}", key, json_text(subject, NULL));
		if (e) {
			json_put(&rec, "entry", json_count(imalog_index(e)));
			json_put(&rec, "pcr", json_count(e->pcr));
			json_put(&rec, "template", json_text(e->tname, NULL));
			json_put(&rec, "path", json_text(name, NULL));
		}
		json_put(&rec, "status", json_text(status, NULL));
		json_put(&rec, "detail", json_text(detail, NULL));
		r = json_emit(o->fp, rec);
		if (r) {
			cmd_warnx("cannot write a JSON record: %s",
				strerror(-r));
			c->trouble = true;
		}
		return;
	}
	if (subject[0]) {
		text_write_name(o->fp, subject);
		fputs(": ", o->fp);
	}
	if (e) {
		fprintf(o->fp, "entry %zu ", imalog_index(e));
		text_write_name(o->fp, name[0] ? name : "(no name)");
		fputs(": ", o->fp);
	}
	fprintf(o->fp, "%s (", status);
	text_write_escaped(o->fp, detail);
	fputs(")\n", o->fp);
}

static void print_note(struct log_ctx *c, const struct log_note *n)
{
	log_line(c, "list", n->list ? n->list->path : "", n->entry, n->status, n->detail);
}

static void print_error(struct log_ctx *c, const char *subject, const char *why)
{
	(void)c;
	cmd_warnx("%s: %s", subject, why);
}

void log_report_to(struct log_ctx *c, struct log_out *o)
{
	c->report.note = print_note;
	c->report.error = print_error;
	c->report.arg = o;
}

static void summary(struct log_ctx *c, const struct log_totals *t)
{
	size_t entries = c->nlists ? c->lists[0].log.n : 0;
	FILE *fp = log_out(c)->fp;

	if (log_out(c)->fmt == OUT_JSON) {
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
		int r = json_emit(fp, sum ? json_pack("{s:o}", "summary", sum) : NULL);

		if (r) {
			cmd_warnx("cannot write the summary: %s",
				strerror(-r));
			c->trouble = true;
		}
	} else {
		fprintf(fp, "summary: %zu entries, %lu findings, %lu violations; "
			"%lu of %lu PCR replays consistent with the TPM; verdicts: %lu ok, "
			"%lu finding, %lu cannot-check, %lu accepted, %lu n/a\n",
			entries, c->findings, c->violations, c->consistent, c->replayed,
			t->v[V_OK], t->v[V_FINDING], t->v[V_CANNOT], t->v[V_ACCEPTED], t->v[V_NA]);
	}
	fflush(fp);
}

static void check_rows(struct log_ctx *c)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.n)
			log_check_list(c, k);
	if (c->nlists > 1)
		log_compare_lists(c);
	for (size_t i = 0; i < c->rows && (c->certs || c->ref); i++) {
		const struct log_list *l = log_list_of_row(c, i);
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
	struct log_totals t;

	if (log_open_matrix(c)) {
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
	log_close_matrix(c, &t);
	summary(c, &t);
	if (c->trouble)
		return EXIT_TROUBLE;
	return log_has_findings(c, &t) ? EXIT_FINDINGS : EXIT_OK;
}
