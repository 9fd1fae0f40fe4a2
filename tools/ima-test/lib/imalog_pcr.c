// SPDX-License-Identifier: GPL-2.0-only
/* Template digests, PCR values and replay of a parsed measurement list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "imalog_int.h"
#include "util.h"

#define PCR_FILE_MAX (1u << 16)

/* H(@a || @b) with @md reusing @ctx.  0 or -1. */
static int hash2(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *a, size_t alen,
		 const uint8_t *b, size_t blen, uint8_t *out)
{
	return EVP_DigestInit_ex(ctx, md, NULL) > 0 &&
	       EVP_DigestUpdate(ctx, a, alen) > 0 &&
	       (!blen || EVP_DigestUpdate(ctx, b, blen) > 0) &&
	       EVP_DigestFinal_ex(ctx, out, NULL) > 0 ? 0 : -1;
}

static int template_digest(EVP_MD_CTX *ctx, const EVP_MD *md, const struct imalog_entry *e,
			   uint8_t *out)
{
	static const uint8_t zeros[IMALOG_EVENT_NAME_MAX + 1];
	const uint8_t *t = e->tdata;

	if (e->tmpl == IMALOG_T_IMA) {
		/* digest, then the name padded to 256 bytes: no lengths */
		uint32_t nlen = imalog_le32(t + 24);

		return EVP_DigestInit_ex(ctx, md, NULL) > 0 &&
		       EVP_DigestUpdate(ctx, t + 4, 20) > 0 &&
		       EVP_DigestUpdate(ctx, t + 28, nlen) > 0 &&
		       EVP_DigestUpdate(ctx, zeros, sizeof(zeros) - nlen) > 0 &&
		       EVP_DigestFinal_ex(ctx, out, NULL) > 0 ? 0 : -1;
	}
	return hash2(ctx, md, t, e->tdata_len, NULL, 0, out);
}

/* An explicitly fetched digest: no method lookup per entry.  Free with EVP_MD_free(). */
static EVP_MD *fetch_md(const struct hash_algo *alg)
{
	return alg && alg->supported ? EVP_MD_fetch(NULL, alg->name, NULL) : NULL;
}

static enum imalog_digest_check check_one(EVP_MD_CTX *ctx, const EVP_MD *md,
					  const EVP_MD *sha1md,
					  const struct imalog *log,
					  const struct imalog_entry *e)
{
	uint8_t d[HASH_MAX_DIGEST];
	size_t n = log->bank->len;

	if (e->violation)
		return IMALOG_DIGEST_VIOLATION;
	if (!template_digest(ctx, md, e, d) && !memcmp(d, e->digest, n))
		return IMALOG_DIGEST_OK;
	if (sha1md && n > 20 && imalog_all_zero(e->digest + 20, n - 20) &&
	    !template_digest(ctx, sha1md, e, d) && !memcmp(d, e->digest, 20))
		return IMALOG_DIGEST_PADDED_SHA1;
	return IMALOG_DIGEST_MISMATCH;
}

int imalog_check_digests(const struct imalog *log, uint8_t *out, char *err, size_t errlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = fetch_md(log->bank), *sha1md = NULL;
	struct imalog_cursor cur;
	int r = -EINVAL;

	snprintf(err, errlen, "cannot compute %s template digests",
		 log->bank ? log->bank->name : "?");
	if (imalog_cursor_init(&cur, log))
		goto out;
	if (log->bank && log->bank->id != HASH_ALGO_SHA1)
		sha1md = fetch_md(hash_algo_by_id(HASH_ALGO_SHA1));
	if (ctx && md && (sha1md || log->bank->id == HASH_ALGO_SHA1)) {
		r = 0;
		for (size_t i = 0; i < log->n && !r; i++) {
			const struct imalog_entry *e = imalog_at(&cur, i);

			if (e) {
				out[i] = (uint8_t)check_one(ctx, md, sha1md, log, e);
			} else {
				snprintf(err, errlen, "%s", cur.err);
				r = -EINVAL;
			}
		}
	}
out:
	imalog_cursor_free(&cur);
	EVP_MD_free(sha1md);
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
	return r;
}

enum imalog_digest_check imalog_check_digest(const struct imalog *log,
					     const struct imalog_entry *e)
{
	const struct hash_algo *sha1 = hash_algo_by_id(HASH_ALGO_SHA1);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	enum imalog_digest_check r = IMALOG_DIGEST_MISMATCH;

	if (ctx && hash_algo_md(log->bank))
		r = check_one(ctx, hash_algo_md(log->bank),
			      log->bank == sha1 ? NULL : hash_algo_md(sha1), log, e);
	EVP_MD_CTX_free(ctx);
	return r;
}

int imalog_replay(const struct imalog *log, const struct pcr_bank *b,
		  struct replay_result res[IMALOG_PCRS], char *err, size_t errlen)
{
	EVP_MD *md = fetch_md(b->alg);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t ff[HASH_MAX_DIGEST], d[HASH_MAX_DIGEST];
	struct imalog_cursor cur;
	size_t n = b->alg->len;
	int r = -EINVAL;

	snprintf(err, errlen, "cannot replay into %s", b->alg->name);
	memset(res, 0, IMALOG_PCRS * sizeof(*res));
	memset(ff, 0xff, sizeof(ff));
	if (imalog_cursor_init(&cur, log) || !ctx || !md)
		goto out;
	for (size_t i = 0; i < log->n; i++) {
		const struct imalog_entry *e = imalog_at(&cur, i);
		struct replay_result *p;
		const uint8_t *ext = d;

		if (!e) {
			snprintf(err, errlen, "%s", cur.err);
			goto out;
		}
		p = &res[e->pcr];

		if (e->violation)
			ext = ff;
		else if (b->alg == log->bank)
			ext = e->digest;
		else if (template_digest(ctx, md, e, d))
			goto out;
		if (hash2(ctx, md, p->value, n, ext, n, p->value))
			goto out;
		p->used = true;
		p->entries++;
		p->last = i + 1;
		if (!p->match && (b->have >> e->pcr & 1) && !memcmp(p->value, b->v[e->pcr], n))
			p->match = i + 1;
	}
	for (int i = 0; i < IMALOG_PCRS; i++)
		res[i].known = b->have >> i & 1;
	r = 0;
out:
	imalog_cursor_free(&cur);
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
	return r;
}

int pcr_boot_aggregate(const struct pcr_bank *b, uint8_t *md, size_t *len)
{
	int npcr = b->alg->id == HASH_ALGO_SHA1 ? 8 : 10;
	const EVP_MD *m = hash_algo_md(b->alg);
	EVP_MD_CTX *ctx;
	int ok;

	if (!m || (b->have & ((1u << npcr) - 1)) != (1u << npcr) - 1)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, m, NULL) > 0;
	for (int i = 0; ok && i < npcr; i++)
		ok = EVP_DigestUpdate(ctx, b->v[i], b->alg->len) > 0;
	ok = ok && EVP_DigestFinal_ex(ctx, md, NULL) > 0;
	EVP_MD_CTX_free(ctx);
	*len = b->alg->len;
	return ok ? 0 : -1;
}

/* Exactly 2 * @n hex digits at @s, then optional blanks up to @end. */
static int parse_value(const char *s, const char *end, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (end - s < 2)
			return -EINVAL;
		hi = hex_digit(s[0]);
		lo = hex_digit(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s == end ? 0 : -1;
}

int pcr_bank_read_file(const char *path, const struct hash_algo *alg,
		       struct pcr_bank *b, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len, line = 0;
	const char *s, *end;
	int r = read_file(path, &buf, &len, PCR_FILE_MAX);

	memset(b, 0, sizeof(*b));
	b->alg = alg;
	if (r) {
		snprintf(err, errlen, "%s: cannot read PCR file: %s", path,
			 r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	s = (const char *)buf;
	end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *le = nl ? nl : end;
		unsigned idx;

		line++;
		if (le > s && !(le - s == 1 && *s == '\r')) {
			if (le - s < 8 || strncmp(s, "PCR-", 4) || hex_digit(s[4]) < 0 ||
			    s[4] > '9' || s[5] < '0' || s[5] > '9' || s[6] != ':')
				goto bad;
			idx = (unsigned)(s[4] - '0') * 10 + (unsigned)(s[5] - '0');
			s += 7;
			while (s < le && *s == ' ')
				s++;
			if (idx >= IMALOG_PCRS || parse_value(s, le, alg->len, b->v[idx]))
				goto bad;
			b->have |= 1u << idx;
		}
		s = nl ? nl + 1 : end;
	}
	free(buf);
	if (!b->have) {
		snprintf(err, errlen, "%s: no PCR values", path);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s:%zu: not a 'PCR-NN: %zu-hex-digit' line for %s",
		 path, line, 2 * alg->len, alg->name);
	free(buf);
	return -EINVAL;
}

int pcr_bank_read_dir(const char *dir, const struct hash_algo *alg,
		      struct pcr_bank *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->alg = alg;
	for (unsigned i = 0; i < IMALOG_PCRS; i++) {
		char path[512];
		uint8_t *buf;
		size_t len;
		int r;

		snprintf(path, sizeof(path), "%s/%u", dir, i);
		r = read_file(path, &buf, &len, 8192);	/* sysfs reports 4096 bytes */
		if (r == -ENOENT)
			continue;
		/* sysfs attributes are not S_ISREG-special: read what is there */
		if (r) {
			snprintf(err, errlen, "%s: %s", path, strerror(-r));
			return r;
		}
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
			len--;
		if (parse_value((const char *)buf, (const char *)buf + len, alg->len, b->v[i])) {
			snprintf(err, errlen, "%s: not a %s PCR value", path, alg->name);
			free(buf);
			return -EINVAL;
		}
		free(buf);
		b->have |= 1u << i;
	}
	if (!b->have) {
		snprintf(err, errlen, "%s: no PCR values", dir);
		return -EINVAL;
	}
	return 0;
}
