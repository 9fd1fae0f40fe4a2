// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log: template digests, violations, signatures and the reference
 * policy per entry; replay per bank and PCR; boot_aggregate.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "digest.h"
#include "imaxattr.h"
#include "log_check.h"
#include "modsig.h"
#include "sig.h"
#include "util.h"

#define NAME_MAX_OUT (IMALOG_EVENT_NAME_MAX * 4 + 1)

/* One finding (or, with @finding false, an informational line). */
static void say(struct log_ctx *c, const struct log_list *l,
		const struct imalog_entry *e, bool finding, const char *status,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void say(struct log_ctx *c, const struct log_list *l,
		const struct imalog_entry *e, bool finding, const char *status,
		const char *fmt, ...)
{
	char detail[512], name[NAME_MAX_OUT] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (finding)
		c->findings++;
	if (e)
		imalog_name(&l->log, e, name, sizeof(name));
	if (c->fmt == OUT_JSON) {
		fputs("{\"list\":", c->fp);
		json_write_string(c->fp, l ? l->path : "");
		if (e) {
			fprintf(c->fp, ",\"entry\":%zu,\"pcr\":%u,\"template\":",
				imalog_index(&l->log, e), e->pcr);
			json_write_string(c->fp, e->tname);
			fputs(",\"path\":", c->fp);
			json_write_string(c->fp, name);
		}
		fputs(",\"status\":", c->fp);
		json_write_string(c->fp, status);
		fputs(",\"detail\":", c->fp);
		json_write_string(c->fp, detail);
		fputs("}\n", c->fp);
		return;
	}
	if (l) {
		text_write_name(c->fp, l->path);
		fputs(": ", c->fp);
	}
	if (e) {
		fprintf(c->fp, "entry %zu ", imalog_index(&l->log, e));
		text_write_name(c->fp, name[0] ? name : "(no name)");
		fputs(": ", c->fp);
	}
	fprintf(c->fp, "%s (", status);
	text_write_escaped(c->fp, detail);
	fputs(")\n", c->fp);
}

/* ima-modsig: the appended signature over the d-modsig digest. */
static void check_modsig(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e, const struct imalog_field *f)
{
	const struct hash_algo *alg;
	const uint8_t *md;
	char why[160];
	size_t len;

	if (imalog_digest_field(&f[3], &alg, &md, &len)) {
		say(c, l, e, true, "malformed", "d-modsig field cannot be read");
		return;
	}
	switch (modsig_verify(f[4].p, f[4].len, alg, md, len, c->certs, why, sizeof(why))) {
	case MODSIG_OK:
		break;
	case MODSIG_UNKNOWN_KEY:
		say(c, l, e, true, "unknown-key", "appended signature: %s", why);
		break;
	case MODSIG_BAD:
		say(c, l, e, true, "bad-signature", "appended signature: %s", why);
		break;
	case MODSIG_MALFORMED:
		say(c, l, e, true, "malformed", "appended signature: %s", why);
		break;
	}
}

static void check_signature(struct log_ctx *c, const struct log_list *l,
			    const struct imalog_entry *e)
{
	struct imalog_field f[5];
	const struct hash_algo *alg;
	const uint8_t *md;
	const struct cert *m[8];
	size_t n;
	struct ima_xattr x;
	char why[128], hex[9];
	size_t len, nf;

	if ((e->tmpl != IMALOG_T_IMA_SIG && e->tmpl != IMALOG_T_IMA_MODSIG) || e->violation)
		return;
	nf = imalog_fields(&l->log, e, f, 5);
	if (e->tmpl == IMALOG_T_IMA_MODSIG && nf == 5 && f[4].len)
		check_modsig(c, l, e, f);
	if (nf < 3 || f[2].len == 0)
		return;
	why[0] = '\0';
	if (ima_xattr_decode(f[2].p, f[2].len, &x, why, sizeof(why)) != IMA_XATTR_OK ||
	    x.type != EVM_IMA_XATTR_DIGSIG) {
		say(c, l, e, true, "bad-signature", "signature field: %s",
		    why[0] ? why : "not a v2 signature");
		return;
	}
	if (imalog_file_digest(&l->log, e, &alg, &md, &len)) {
		say(c, l, e, true, "malformed", "no file digest to check the signature against");
		return;
	}
	hex_encode(x.keyid, 4, hex);
	n = certset_match(c->certs, x.keyid, m, 8);
	if (!n) {
		say(c, l, e, true, "unknown-key", "no certificate for keyid %s", hex);
		return;
	}
	if (n > 8) {
		say(c, l, e, true, "unknown-key", "%zu certificates match keyid %s", n, hex);
		return;
	}
	if (x.algo != alg) {
		say(c, l, e, true, "bad-signature", "signature is over %s, the list holds %s",
		    x.algo->name, alg->name);
		return;
	}
	/* The kernel may pick any certificate that matches: all must verify. */
	for (size_t i = 0; i < n; i++) {
		if (m[i]->unusable[0]) {
			say(c, l, e, true, "unsupported-algorithm", "%s: %s", m[i]->path, m[i]->unusable);
			return;
		}
		if (!sig_v2_verify(m[i]->pub, alg, md, len, x.sig, x.sig_len)) {
			say(c, l, e, true, "bad-signature",
			    "%s signature does not verify with %s (keyid %s)", alg->name, m[i]->path, hex);
			return;
		}
	}
}

static void check_reference(struct log_ctx *c, const struct log_list *l,
			    const struct imalog_entry *e)
{
	char name[NAME_MAX_OUT], hex[2 * HASH_MAX_DIGEST + 1];
	const struct hash_algo *alg;
	const uint8_t *md;
	size_t len;

	if (e->violation || e->tmpl == IMALOG_T_IMA_BUF || e->tmpl == IMALOG_T_OTHER)
		return;
	imalog_name(&l->log, e, name, sizeof(name));
	if (!strcmp(name, "boot_aggregate"))
		return;		/* checked against PCRs 0-9 instead */
	if (imalog_file_digest(&l->log, e, &alg, &md, &len)) {
		say(c, l, e, true, "malformed", "file digest field cannot be read");
		return;
	}
	hex_encode(md, len, hex);
	switch (ref_policy_check(c->ref, name, hex)) {
	case REF_ALLOWED:
	case REF_EXCLUDED:
		break;
	case REF_NOT_LISTED:
		say(c, l, e, true, "not-in-reference", "%s:%s; the reference has no such path",
		    alg->name, hex);
		break;
	case REF_DIGEST_NOT_ALLOWED:
		say(c, l, e, true, "digest-not-allowed",
		    "%s:%s is not among the reference's digests for this path", alg->name, hex);
		break;
	}
}

/* Every list must describe the same events as the first one. */
static void compare_lists(struct log_ctx *c)
{
	const struct imalog *a = &c->lists[0].log;

	for (size_t k = 1; k < c->nlists; k++) {
		const struct imalog *b = &c->lists[k].log;
		size_t n = a->n < b->n ? a->n : b->n, i;

		for (i = 0; i < n; i++)
			if (a->v[i].pcr != b->v[i].pcr || a->v[i].tdata_len != b->v[i].tdata_len ||
			    strcmp(a->v[i].tname, b->v[i].tname) ||
			    memcmp(imalog_tdata(a, &a->v[i]), imalog_tdata(b, &b->v[i]),
				   a->v[i].tdata_len))
				break;
		if (i < n) {
			char other[NAME_MAX_OUT];

			imalog_name(b, &b->v[i], other, sizeof(other));
			say(c, &c->lists[0], &a->v[i], true, "lists-differ",
			    "entry %zu of %s is %s", i + 1, c->lists[k].path,
			    other[0] ? other : "(no name)");
		}
		else if (a->n != b->n)
			say(c, &c->lists[k], NULL, true, "lists-differ",
			    "%zu entries, %s has %zu", b->n, c->lists[0].path, a->n);
	}
}

static void check_entries(struct log_ctx *c, size_t k)
{
	const struct log_list *l = &c->lists[k];
	enum imalog_digest_check *dc = malloc(l->log.n * sizeof(*dc));

	if (!dc || imalog_check_digests(&l->log, dc)) {
		say(c, l, NULL, false, "error", "cannot compute %s template digests",
		    l->log.bank->name);
		c->trouble = true;
		free(dc);
		return;
	}
	for (size_t i = 0; i < l->log.n; i++) {
		const struct imalog_entry *e = &l->log.v[i];

		switch (dc[i]) {
		case IMALOG_DIGEST_OK:
			break;
		case IMALOG_DIGEST_PADDED_SHA1:
			c->padded++;
			break;
		case IMALOG_DIGEST_VIOLATION:
			if (k)
				break;
			c->violations++;
			if (!c->ignore_violations)
				say(c, l, e, true, "violation",
				    "measured while open for write elsewhere (open-writers) or "
				    "opened for write while measured (ToMToU)");
			break;
		case IMALOG_DIGEST_MISMATCH:
			say(c, l, e, true, "template-digest",
			    "logged %s template digest does not match the entry's data",
			    l->log.bank->name);
			break;
		}
		if (k)
			continue;	/* the other lists hold the same events */
		if (c->certs)
			check_signature(c, l, e);
		if (c->ref)
			check_reference(c, l, e);
	}
	free(dc);
}

static void check_boot_aggregate(struct log_ctx *c)
{
	const struct log_list *l = &c->lists[0];
	const struct imalog_entry *e = NULL;
	char name[NAME_MAX_OUT];
	const struct hash_algo *alg;
	const uint8_t *md;
	uint8_t want[HASH_MAX_DIGEST];
	size_t len, wlen;

	for (size_t i = 0; i < l->log.n && !e; i++) {
		imalog_name(&l->log, &l->log.v[i], name, sizeof(name));
		if (!strcmp(name, "boot_aggregate"))
			e = &l->log.v[i];
	}
	if (!e || imalog_file_digest(&l->log, e, &alg, &md, &len))
		return;
	for (size_t b = 0; b < c->nbanks; b++) {
		if (c->banks[b].alg != alg)
			continue;
		if (pcr_boot_aggregate(&c->banks[b], want, &wlen)) {
			say(c, l, e, false, "not-checked", "PCRs 0-%d of bank %s are not all known",
			    alg->id == HASH_ALGO_SHA1 ? 7 : 9, alg->name);
			return;
		}
		if (wlen == len && !memcmp(want, md, len))
			say(c, l, e, false, "boot-aggregate-ok", "matches %s PCRs 0-%d",
			    alg->name, alg->id == HASH_ALGO_SHA1 ? 7 : 9);
		else
			say(c, l, e, true, "boot-aggregate",
			    "does not match %s PCRs 0-%d", alg->name,
			    alg->id == HASH_ALGO_SHA1 ? 7 : 9);
		return;
	}
	say(c, l, e, false, "not-checked", "no %s PCR values for boot_aggregate", alg->name);
}

/* The list to replay into bank @b: one of the bank's own, else the first. */
static size_t list_for_bank(const struct log_ctx *c, const struct pcr_bank *b)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.bank == b->alg)
			return k;
	return 0;
}

static void replay_bank(struct log_ctx *c, const struct pcr_bank *b)
{
	struct replay_result res[IMALOG_PCRS];
	const struct log_list *l = &c->lists[list_for_bank(c, b)];

	if (imalog_replay(&l->log, b, res)) {
		say(c, l, NULL, false, "error", "cannot replay into %s", b->alg->name);
		c->trouble = true;
		return;
	}
	for (unsigned p = 0; p < IMALOG_PCRS; p++) {
		const struct replay_result *r = &res[p];
		char hex[2 * HASH_MAX_DIGEST + 1];

		if (!r->used)
			continue;
		hex_encode(r->value, b->alg->len, hex);
		if (!r->known) {
			say(c, l, NULL, false, "not-checked", "%s PCR %u: no TPM value", b->alg->name, p);
			continue;
		}
		c->replayed++;
		if (r->match == r->last) {
			c->consistent++;
			say(c, l, NULL, false, "consistent",
			    "%s PCR %u matches the TPM at entry %zu, the last of its %zu entries",
			    b->alg->name, p, r->match, r->entries);
		} else if (r->match) {
			say(c, l, &l->log.v[r->match - 1], true, "list-continues",
			    "%s PCR %u matches the TPM at this entry; the list goes on to entry %zu",
			    b->alg->name, p, r->last);
		} else {
			say(c, l, NULL, true, "replay-mismatch",
			    "%s PCR %u: no entry brings the replay to the TPM value; "
			    "after all %zu entries it is %s", b->alg->name, p, r->entries, hex);
		}
	}
}

int log_check_all(struct log_ctx *c)
{
	size_t replay_before;

	for (size_t k = 0; k < c->nlists; k++) {
		struct log_list *l = &c->lists[k];

		if (l->parse)
			say(c, l, NULL, true, "malformed", "%s", l->log.err);
		if (l->log.bank)
			say(c, l, NULL, false, "list", "%zu entries, %s %s template digests",
			    l->log.n, l->log.ascii ? "ascii" : "binary", l->log.bank->name);
	}
	if (!c->nlists || !c->lists[0].log.n) {
		if (!c->findings) {
			fprintf(stderr, "ima-test log: no measurement list entries to check\n");
			c->trouble = true;
		}
	} else {
		for (size_t k = 0; k < c->nlists; k++)
			if (c->lists[k].log.n)
				check_entries(c, k);
		compare_lists(c);
		check_boot_aggregate(c);
		replay_before = c->replayed;
		for (size_t b = 0; b < c->nbanks; b++)
			replay_bank(c, &c->banks[b]);
		if (c->replayed == replay_before) {
			fprintf(stderr, "ima-test log: no TPM values to replay the list against "
				"(give --pcrs, or run where /sys/class/tpm/tpm0/pcr-* exists)\n");
			c->trouble = true;
		}
	}
	if (c->fmt == OUT_JSON)
		fprintf(c->fp, "{\"summary\":{\"lists\":%zu,\"entries\":%zu,\"findings\":%lu,"
			"\"violations\":%lu,\"padded_sha1\":%lu,\"replayed\":%lu,"
			"\"consistent\":%lu,\"errors\":%d}}\n", c->nlists,
			c->nlists ? c->lists[0].log.n : 0, c->findings, c->violations,
			c->padded, c->replayed, c->consistent, c->trouble);
	else
		fprintf(c->fp, "summary: %zu entries, %lu findings, %lu violations; "
			"%lu of %lu PCR replays consistent with the TPM\n",
			c->nlists ? c->lists[0].log.n : 0, c->findings, c->violations,
			c->consistent, c->replayed);
	fflush(c->fp);
	if (c->trouble)
		return EXIT_TROUBLE;
	return c->findings ? EXIT_FINDINGS : EXIT_OK;
}
