// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log --quote: the PCR values the list is replayed against come
 * from a TPM quote checked here, never from the machine being judged.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log_quote.h"
#include "out.h"
#include "tpmquote.h"
#include "util.h"

#define QUOTE_FILE_MAX (1u << 16)
#define PCRS_FILE_MAX (1u << 20)

bool log_quote_option(struct log_quote_args *q, int opt, const char *arg)
{
	switch (opt) {
	case OPT_QUOTE: q->quote = arg; return true;
	case OPT_QUOTE_SIG: q->sig = arg; return true;
	case OPT_QUOTE_AK: q->ak = arg; return true;
	case OPT_QUOTE_NONCE: q->nonce_hex = arg; return true;
	case OPT_QUOTE_PCRS: q->pcrs = arg; return true;
	}
	return false;
}

int log_quote_check_args(struct log_quote_args *q, size_t npcrs)
{
	size_t n;

	if (!q->quote && !q->sig && !q->ak && !q->nonce_hex && !q->pcrs)
		return -1;
	if (!q->quote || !q->sig || !q->ak || !q->nonce_hex || !q->pcrs)
		return usage_error("--quote, --quote-sig, --ak, --nonce and --quote-pcrs "
				   "go together");
	if (npcrs)
		return usage_error("--quote and --pcrs: the PCR values come from the quote "
				   "or from a file, not both");
	n = strlen(q->nonce_hex);
	if (n % 2 || n / 2 < LOG_QUOTE_NONCE_MIN || n / 2 > LOG_QUOTE_NONCE_MAX ||
	    hex_decode(q->nonce_hex, n, q->nonce))
		return usage_error("--nonce wants %d to %d bytes in hex (a fresh random "
				   "value per quote, e.g. openssl rand -hex 20)",
				   LOG_QUOTE_NONCE_MIN, LOG_QUOTE_NONCE_MAX);
	q->nonce_len = n / 2;
	return -1;
}

static void line(struct log_ctx *c, const char *key, const char *name, const char *status,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void line(struct log_ctx *c, const char *key, const char *name, const char *status,
		 const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	log_line(c, key, name, NULL, status, detail);
}

void log_pcrs_read(struct log_ctx *c, const char *source)
{
	line(c, "pcr_values", source, "pcr-values-read",
	     "not quoted: anyone who is root on the measured machine can write these values; "
	     "give --quote to check a TPM quote instead");
}

/* A failed check: its line, a summary, EXIT_FINDINGS. */
static int failed(struct log_ctx *c, const struct log_quote_args *q, const char *check,
		  const char *detail)
{
	FILE *fp = log_out(c)->fp;

	line(c, "quote", q->quote, check, "%s", detail);
	if (log_out(c)->fmt == OUT_JSON) {
		int r = json_emit(fp, json_pack("{s:{s:s, s:i}}", "summary",
						"quote", "failed", "findings", 1));

		if (r) {
			cmd_warnx("cannot write the summary: %s",
				strerror(-r));
			fflush(fp);
			return EXIT_TROUBLE;
		}
	} else {
		fputs("summary: the quote does not vouch for any PCR value; the list was not "
		      "replayed\n", fp);
	}
	fflush(fp);
	return EXIT_FINDINGS;
}

static int read_input(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int r = read_file(path, buf, len, max);

	if (r)
		cmd_warnx("%s: cannot read: %s", path,
			r == -EINVAL ? "not a regular file" : r == -EFBIG ? "too large" : strerror(-r));
	return r;
}

/* Every PCR the lists extend; PCR 10 (the IMA default) if they have none. */
static uint32_t pcrs_extended(const struct log_ctx *c)
{
	uint32_t m = 0;

	for (size_t k = 0; k < c->nlists; k++)
		for (size_t i = 0; i < c->lists[k].log.n; i++)
			if (c->lists[k].log.pcr[i] < 32)
				m |= 1u << c->lists[k].log.pcr[i];
	return m ? m : 1u << 10;
}

/* "sha1 PCR 10; sha256 PCRs 0,10" into @out. */
static void describe(const struct tpmq_selection *sel, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sel->n && n < cap; i++) {
		unsigned count = 0;

		for (unsigned p = 0; p < sel->s[i].size * 8u; p++)
			count += tpmq_selected(sel, sel->s[i].hash, p);
		n += snprintf(out + n, cap - n, "%s%s PCR%s ", i ? "; " : "",
			      tpmq_hash(sel->s[i].hash)->name, count == 1 ? "" : "s");
		for (unsigned p = 0, first = 1; p < sel->s[i].size * 8u && n < cap; p++)
			if (tpmq_selected(sel, sel->s[i].hash, p)) {
				n += snprintf(out + n, cap - n, "%s%u", first ? "" : ",", p);
				first = 0;
			}
	}
}

/* The checks in order; the buffers and key are the caller's. */
struct quote_in {
	uint8_t *msg, *sig, *pcrs;
	size_t msg_len, sig_len, pcrs_len;
	EVP_PKEY *ak;
	bool ak_checked;
	struct tpmq_attest a;
	struct tpmq_signature s;
	struct tpmq_pcr_values v;
};

static int verify(struct log_ctx *c, const struct log_quote_args *q, struct quote_in *in)
{
	const struct hash_algo *alg;
	uint8_t md[HASH_MAX_DIGEST];
	char why[512], sel[256];
	uint32_t need;
	size_t md_len;

	if (tpmq_attest_parse(in->msg, in->msg_len, &in->a, why, sizeof(why)))
		return failed(c, q, "quote-malformed", why);
	if (tpmq_signature_parse(in->sig, in->sig_len, &in->s, why, sizeof(why)))
		return failed(c, q, "quote-malformed", why);
	/* The TPM signs the TPMS_ATTEST, without a TPM2B_ATTEST's size. */
	if (tpmq_signature_verify(in->ak, &in->s, in->msg + in->a.off, in->msg_len - in->a.off,
				  why, sizeof(why)))
		return failed(c, q, "quote-signature", why);
	if (in->a.extra_len != q->nonce_len || memcmp(in->a.extra, q->nonce, q->nonce_len))
		return failed(c, q, "quote-nonce", "the quote's extraData is not the --nonce given: "
			      "an old quote replayed, or a quote made for another verifier");
	need = pcrs_extended(c);
	describe(&in->a.sel, sel, sizeof(sel));
	for (unsigned p = 0; p < 32; p++) {
		bool any = false;

		for (size_t i = 0; i < in->a.sel.n && !any; i++)
			any = tpmq_selected(&in->a.sel, in->a.sel.s[i].hash, p);
		if (need >> p & 1 && !any) {
			snprintf(why, sizeof(why), "the list extends PCR %u, which the quote does not "
				 "select in any bank (it selects %s)", p, sel[0] ? sel : "nothing");
			return failed(c, q, "quote-pcr-selection", why);
		}
	}
	if (tpmq_pcr_values_parse(in->pcrs, in->pcrs_len, &in->a.sel, &in->v, why, sizeof(why)))
		return failed(c, q, "quote-pcr-digest", why);
	alg = tpmq_hash(in->s.hash);
	if (tpmq_pcr_digest(&in->v, alg, md, &md_len)) {
		cmd_warnx("cannot compute %s", alg->name);
		return EXIT_TROUBLE;
	}
	if (md_len != in->a.pcr_digest_len || memcmp(md, in->a.pcr_digest, md_len))
		return failed(c, q, "quote-pcr-digest", "the PCR values given are not the ones "
			      "quoted: their digest differs from the quote's pcrDigest");
	line(c, "pcr_values", q->quote, "pcr-values-quoted",
	     "quote of %s; signed by the attestation key%s; extraData equals the nonce; the "
	     "values match its %s pcrDigest; TPM reset count %u, restart count %u",
	     sel, in->ak_checked ? " (a restricted signing key)" : "", alg->name,
	     in->a.reset_count, in->a.restart_count);
	return 0;
}

/* Only now do the values become PCR banks for the replay. */
static int add_banks(struct log_ctx *c, const struct tpmq_pcr_values *v)
{
	for (size_t i = 0; i < v->n; i++) {
		const struct hash_algo *alg = tpmq_hash(v->v[i].hash);
		struct pcr_bank *b = NULL;

		for (size_t k = 0; k < c->nbanks && !b; k++)
			if (c->banks[k].alg == alg)
				b = &c->banks[k];
		if (!b) {
			if (c->nbanks == LOG_BANKS_MAX) {
				cmd_warnx("the quote has too many banks");
				return EXIT_TROUBLE;
			}
			b = &c->banks[c->nbanks++];
			memset(b, 0, sizeof(*b));
			b->alg = alg;
		}
		if (v->v[i].pcr >= IMALOG_PCRS)
			continue;
		b->have |= 1u << v->v[i].pcr;
		memcpy(b->v[v->v[i].pcr], v->v[i].v, v->v[i].len);
	}
	return 0;
}

int log_quote_load(struct log_ctx *c, const struct log_quote_args *q)
{
	struct quote_in *in = calloc(1, sizeof(*in));
	char err[512];
	int r = EXIT_TROUBLE;

	if (!in) {
		cmd_warnx("out of memory");
		return EXIT_TROUBLE;
	}
	if (tpmq_ak_load(q->ak, &in->ak, &in->ak_checked, err, sizeof(err))) {
		cmd_warnx("--ak %s", err);
		goto out;
	}
	if (read_input(q->quote, QUOTE_FILE_MAX, &in->msg, &in->msg_len) ||
	    read_input(q->sig, QUOTE_FILE_MAX, &in->sig, &in->sig_len) ||
	    read_input(q->pcrs, PCRS_FILE_MAX, &in->pcrs, &in->pcrs_len))
		goto out;
	r = verify(c, q, in);
	if (!r)
		r = add_banks(c, &in->v);
out:
	EVP_PKEY_free(in->ak);
	free(in->msg);
	free(in->sig);
	free(in->pcrs);
	free(in);
	return r;
}
