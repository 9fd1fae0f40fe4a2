// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded parsers for the TPM 2.0 structures of a quote (lib/tpmquote.h).
 * Debian's libtss2-mu has no static library, and ima-test must link
 * statically for the VM initramfs, so the few structures needed are
 * parsed here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tpmquote.h"

/* A read cursor; after the first failure every read fails. */
struct cur {
	const uint8_t *p;
	size_t left;
	bool bad;
	const char *what;	/* the field that did not fit */
};

static bool take(struct cur *c, size_t n, const char *what)
{
	if (c->bad || n > c->left) {
		if (!c->bad)
			c->what = what;
		c->bad = true;
		return false;
	}
	return true;
}

static uint64_t get_be(struct cur *c, size_t n, const char *what)
{
	uint64_t v = 0;

	if (!take(c, n, what))
		return 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | c->p[i];
	c->p += n;
	c->left -= n;
	return v;
}

static uint64_t get_le(struct cur *c, size_t n, const char *what)
{
	uint64_t v = 0;

	if (!take(c, n, what))
		return 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | c->p[i];
	c->p += n;
	c->left -= n;
	return v;
}

static void get_bytes(struct cur *c, uint8_t *out, size_t n, const char *what)
{
	if (!take(c, n, what))
		return;
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
}

/* A TPM2B of at most @max bytes into @out. */
static size_t get_tpm2b(struct cur *c, uint8_t *out, size_t max, const char *what)
{
	size_t n = get_be(c, 2, what);

	if (!c->bad && n > max) {
		c->what = what;
		c->bad = true;
	}
	if (c->bad)
		return 0;
	get_bytes(c, out, n, what);
	return c->bad ? 0 : n;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static int cur_end(const struct cur *c, const char *structure, char *err, size_t errlen)
{
	if (c->bad)
		return fail(err, errlen, "%s: %s is truncated or too long", structure, c->what);
	if (c->left)
		return fail(err, errlen, "%s: %zu bytes after the end", structure, c->left);
	return 0;
}

const struct hash_algo *tpmq_hash(uint16_t tpm_alg)
{
	switch (tpm_alg) {
	case TPM_ALG_SHA1:
		return hash_algo_by_id(HASH_ALGO_SHA1);
	case TPM_ALG_SHA256:
		return hash_algo_by_id(HASH_ALGO_SHA256);
	case TPM_ALG_SHA384:
		return hash_algo_by_id(HASH_ALGO_SHA384);
	case TPM_ALG_SHA512:
		return hash_algo_by_id(HASH_ALGO_SHA512);
	}
	return NULL;
}

bool tpmq_selected(const struct tpmq_selection *sel, uint16_t hash, unsigned pcr)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->s[i].hash == hash && pcr / 8 < sel->s[i].size &&
		    (sel->s[i].bits[pcr / 8] >> (pcr % 8) & 1))
			return true;
	return false;
}

/* One TPMS_PCR_SELECTION, checked: a bank this tool knows, not seen before. */
static int check_select(const struct tpmq_selection *sel, size_t i, char *err, size_t errlen)
{
	const struct tpmq_pcr_select *s = &sel->s[i];

	if (s->size > TPMQ_SELECT_MAX)
		return fail(err, errlen, "PCR selection of bank 0x%04x has %u bytes (at most %d)",
			    s->hash, s->size, TPMQ_SELECT_MAX);
	if (!tpmq_hash(s->hash))
		return fail(err, errlen, "PCR selection names bank 0x%04x, not one of sha1, "
			    "sha256, sha384, sha512", s->hash);
	for (size_t k = 0; k < i; k++)
		if (sel->s[k].hash == s->hash)
			return fail(err, errlen, "PCR selection names bank %s twice",
				    tpmq_hash(s->hash)->name);
	return 0;
}

int tpmq_attest_parse(const uint8_t *p, size_t len, struct tpmq_attest *a,
		      char *err, size_t errlen)
{
	struct cur c = { .p = p, .left = len };
	uint32_t magic, count;

	memset(a, 0, sizeof(*a));
	/* A TPM2B_ATTEST: its size, then the TPMS_ATTEST. */
	if (len >= 6 && (size_t)(p[0] << 8 | p[1]) == len - 2 &&
	    get_be(&(struct cur){ .p = p + 2, .left = 4 }, 4, "") == TPM_GENERATED_VALUE) {
		c.p += 2;
		c.left -= 2;
		a->off = 2;
	}
	magic = get_be(&c, 4, "magic");
	if (!c.bad && magic != TPM_GENERATED_VALUE)
		return fail(err, errlen, "TPMS_ATTEST: magic is 0x%08x, not TPM_GENERATED_VALUE "
			    "(not made by a TPM)", magic);
	a->type = get_be(&c, 2, "type");
	if (!c.bad && a->type != TPM_ST_ATTEST_QUOTE)
		return fail(err, errlen, "TPMS_ATTEST: type 0x%04x is not a quote (0x%04x)",
			    a->type, TPM_ST_ATTEST_QUOTE);
	a->signer_len = get_tpm2b(&c, a->signer, sizeof(a->signer), "qualifiedSigner");
	a->extra_len = get_tpm2b(&c, a->extra, sizeof(a->extra), "extraData");
	a->clock = get_be(&c, 8, "clockInfo");
	a->reset_count = get_be(&c, 4, "clockInfo");
	a->restart_count = get_be(&c, 4, "clockInfo");
	a->safe = get_be(&c, 1, "clockInfo");
	a->firmware = get_be(&c, 8, "firmwareVersion");
	count = get_be(&c, 4, "pcrSelect");
	if (!c.bad && count > TPMQ_BANKS_MAX)
		return fail(err, errlen, "TPMS_ATTEST: PCR selection of %u banks (at most %d)",
			    count, TPMQ_BANKS_MAX);
	for (uint32_t i = 0; i < count && !c.bad; i++) {
		struct tpmq_pcr_select *s = &a->sel.s[i];
		int r;

		s->hash = get_be(&c, 2, "pcrSelect");
		s->size = get_be(&c, 1, "pcrSelect");
		if (c.bad)
			break;
		a->sel.n = i + 1;
		if ((r = check_select(&a->sel, i, err, errlen)))
			return r;
		get_bytes(&c, s->bits, s->size, "pcrSelect");
	}
	a->pcr_digest_len = get_tpm2b(&c, a->pcr_digest, sizeof(a->pcr_digest), "pcrDigest");
	return cur_end(&c, "TPMS_ATTEST", err, errlen);
}

int tpmq_signature_parse(const uint8_t *p, size_t len, struct tpmq_signature *s,
			 char *err, size_t errlen)
{
	struct cur c = { .p = p, .left = len };

	memset(s, 0, sizeof(*s));
	s->sig_alg = get_be(&c, 2, "sigAlg");
	s->hash = get_be(&c, 2, "hash");
	if (c.bad)
		return cur_end(&c, "TPMT_SIGNATURE", err, errlen);
	switch (s->sig_alg) {
	case TPM_ALG_RSASSA:
	case TPM_ALG_RSAPSS:
		s->a_len = get_tpm2b(&c, s->a, sizeof(s->a), "RSA signature");
		break;
	case TPM_ALG_ECDSA:
		s->a_len = get_tpm2b(&c, s->a, TPMQ_ECC_MAX, "signatureR");
		s->b_len = get_tpm2b(&c, s->b, sizeof(s->b), "signatureS");
		break;
	default:
		return fail(err, errlen, "TPMT_SIGNATURE: scheme 0x%04x is not RSASSA, RSAPSS "
			    "or ECDSA", s->sig_alg);
	}
	if (!c.bad && !tpmq_hash(s->hash))
		return fail(err, errlen, "TPMT_SIGNATURE: hash 0x%04x is not sha1, sha256, sha384 "
			    "or sha512", s->hash);
	if (!c.bad && (!s->a_len || (s->sig_alg == TPM_ALG_ECDSA && !s->b_len)))
		return fail(err, errlen, "TPMT_SIGNATURE: empty signature");
	return cur_end(&c, "TPMT_SIGNATURE", err, errlen);
}

/* The serialized -o file: sizes of the C structs in tpm2-tss 3 (x86-64 and
 * every ABI where u16 aligns to 2 and u32 to 4). */
#define SER_SELECTIONS 16	/* TPM2_NUM_PCR_BANKS */
#define SER_SELECT_SIZE 8	/* u16 hash, u8 size, u8 bits[4], 1 pad */
#define SER_SELECTION (4 + SER_SELECTIONS * SER_SELECT_SIZE)
#define SER_DIGESTS 8		/* digests in one TPML_DIGEST */
#define SER_DIGEST_SIZE (2 + TPMQ_DIGEST_MAX)
#define SER_DIGEST_LIST (4 + SER_DIGESTS * SER_DIGEST_SIZE)

struct flat {
	size_t n;
	uint16_t hash[TPMQ_VALUES_MAX];
	uint8_t pcr[TPMQ_VALUES_MAX];
};

/* The (bank, PCR) pairs of @sel in TPM order: selections in order, PCRs up. */
static void flatten(const struct tpmq_selection *sel, struct flat *f)
{
	f->n = 0;
	for (size_t i = 0; i < sel->n; i++)
		for (unsigned pcr = 0; pcr < sel->s[i].size * 8u; pcr++)
			if (sel->s[i].bits[pcr / 8] >> (pcr % 8) & 1) {
				f->hash[f->n] = sel->s[i].hash;
				f->pcr[f->n++] = pcr;
			}
}

static int parse_serialized(const uint8_t *p, size_t len, const struct flat *want,
			    struct tpmq_pcr_values *out, char *err, size_t errlen)
{
	static const char what[] = "PCR values (serialized)";
	struct cur c = { .p = p, .left = len };
	struct tpmq_selection sel = { 0 };
	uint32_t nsel, nlists, got = 0;
	struct flat have;

	nsel = get_le(&c, 4, "TPML_PCR_SELECTION");
	if (nsel > TPMQ_BANKS_MAX)
		return fail(err, errlen, "%s: %u banks (at most %d)", what, nsel, TPMQ_BANKS_MAX);
	for (uint32_t i = 0; i < SER_SELECTIONS && !c.bad; i++) {
		struct tpmq_pcr_select s;
		char why[160];

		s.hash = get_le(&c, 2, "TPMS_PCR_SELECTION");
		s.size = get_le(&c, 1, "TPMS_PCR_SELECTION");
		get_bytes(&c, s.bits, TPMQ_SELECT_MAX, "TPMS_PCR_SELECTION");
		get_le(&c, 1, "TPMS_PCR_SELECTION");
		if (i >= nsel || c.bad)
			continue;
		sel.s[i] = s;
		sel.n = i + 1;
		if (check_select(&sel, i, why, sizeof(why)))
			return fail(err, errlen, "%s: %s", what, why);
	}
	flatten(&sel, &have);
	if (have.n != want->n)
		return fail(err, errlen, "%s: the file selects %zu PCRs, the quote %zu", what,
			    have.n, want->n);
	nlists = get_le(&c, 4, "TPML_DIGEST count");
	if (!c.bad && (nlists > TPMQ_VALUES_MAX || len - SER_SELECTION - 4 !=
		       (size_t)nlists * SER_DIGEST_LIST))
		return fail(err, errlen, "%s: %u digest lists do not fill %zu bytes", what,
			    nlists, len);
	out->n = want->n;
	for (uint32_t l = 0; l < nlists && !c.bad; l++) {
		uint32_t count = get_le(&c, 4, "TPML_DIGEST");

		if (count > SER_DIGESTS)
			return fail(err, errlen, "%s: a list of %u digests (at most %d)", what,
				    count, SER_DIGESTS);
		for (uint32_t k = 0; k < SER_DIGESTS && !c.bad; k++) {
			size_t size = get_le(&c, 2, "TPM2B_DIGEST"), i;
			uint8_t buf[TPMQ_DIGEST_MAX];

			get_bytes(&c, buf, sizeof(buf), "TPM2B_DIGEST");
			if (k >= count || c.bad)
				continue;
			if (got == have.n)
				return fail(err, errlen, "%s: more values than selected PCRs", what);
			/* The value of the file's got-th pair goes where the quote has it. */
			for (i = 0; i < want->n; i++)
				if (want->hash[i] == have.hash[got] && want->pcr[i] == have.pcr[got])
					break;
			if (i == want->n)
				return fail(err, errlen, "%s: %s PCR %u is not in the quote", what,
					    tpmq_hash(have.hash[got])->name, have.pcr[got]);
			if (size != tpmq_hash(have.hash[got])->len)
				return fail(err, errlen, "%s: %s PCR %u has %zu bytes", what,
					    tpmq_hash(have.hash[got])->name, have.pcr[got], size);
			out->v[i].hash = want->hash[i];
			out->v[i].pcr = want->pcr[i];
			out->v[i].len = size;
			memcpy(out->v[i].v, buf, size);
			got++;
		}
	}
	if (!c.bad && got != have.n)
		return fail(err, errlen, "%s: %u values for %zu selected PCRs", what, got, have.n);
	return cur_end(&c, what, err, errlen);
}

int tpmq_pcr_values_parse(const uint8_t *p, size_t len, const struct tpmq_selection *quoted,
			  struct tpmq_pcr_values *out, char *err, size_t errlen)
{
	struct flat want;
	size_t total = 0;

	memset(out, 0, sizeof(*out));
	flatten(quoted, &want);
	if (!want.n)
		return fail(err, errlen, "the quote selects no PCR");
	for (size_t i = 0; i < want.n; i++)
		total += tpmq_hash(want.hash[i])->len;
	if (len >= SER_SELECTION + 4 && (len - SER_SELECTION - 4) % SER_DIGEST_LIST == 0)
		return parse_serialized(p, len, &want, out, err, errlen);
	if (len != total)
		return fail(err, errlen, "PCR values: %zu bytes are neither tpm2_quote's serialized "
			    "file nor the %zu bytes of the %zu quoted values", len, total, want.n);
	for (size_t i = 0; i < want.n; i++) {
		out->v[i].hash = want.hash[i];
		out->v[i].pcr = want.pcr[i];
		out->v[i].len = tpmq_hash(want.hash[i])->len;
		memcpy(out->v[i].v, p, out->v[i].len);
		p += out->v[i].len;
	}
	out->n = want.n;
	return 0;
}
