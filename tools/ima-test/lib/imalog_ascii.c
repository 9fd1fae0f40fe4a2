// SPDX-License-Identifier: GPL-2.0-only
/*
 * ascii_runtime_measurements: "PCR DIGEST TEMPLATE FIELD..." per line,
 * fields separated by one space (the kernel stores names with '_' for
 * spaces, so a name never contains one).  The template data is rebuilt in
 * its binary form so that its digest can be checked like a binary entry's.
 */
#include <errno.h>
#include <string.h>

#include "imalog_int.h"
#include "util.h"

/* F_STRING_OPT: a string or, when empty, an empty field; F_U32, F_U16:
 * decimal in the list, little endian in the data (x86, or
 * ima_canonical_fmt), empty when the kernel had no inode. */
enum field_kind { F_DIGEST, F_DIGEST_ALGO, F_STRING, F_HEX, F_STRING_OPT, F_U32, F_U16 };

static const struct {
	enum imalog_template tmpl;
	size_t n;
	enum field_kind kind[9];
} layouts[] = {
	{ IMALOG_T_IMA, 2, { F_DIGEST, F_STRING } },
	{ IMALOG_T_IMA_NG, 2, { F_DIGEST_ALGO, F_STRING } },
	{ IMALOG_T_IMA_SIG, 3, { F_DIGEST_ALGO, F_STRING, F_HEX } },
	{ IMALOG_T_IMA_BUF, 3, { F_DIGEST_ALGO, F_STRING, F_HEX } },
	{ IMALOG_T_IMA_MODSIG, 5, { F_DIGEST_ALGO, F_STRING, F_HEX, F_DIGEST_ALGO, F_HEX } },
	{ IMALOG_T_IMA_NGV2, 2, { F_DIGEST_ALGO, F_STRING } },
	{ IMALOG_T_IMA_SIGV2, 3, { F_DIGEST_ALGO, F_STRING, F_HEX } },
	{ IMALOG_T_EVM_SIG, 9, { F_DIGEST_ALGO, F_STRING, F_HEX, F_STRING_OPT, F_HEX, F_HEX,
				 F_U32, F_U32, F_U16 } },
};

/* A decimal field of @size bytes (F_U32, F_U16) into @dst.  0 or -1. */
static int put_uint(const char *s, size_t n, size_t size, uint8_t *dst)
{
	unsigned long long v = 0;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v >> (8 * size))
		return -EINVAL;
	for (size_t i = 0; i < size; i++)
		dst[i] = (uint8_t)(v >> (8 * i));
	return 0;
}

/* Append one field (u32 length + bytes) built from token @s of @n bytes. */
static int add_field(struct imalog_ps *ps, size_t *tlen, enum field_kind kind,
		     const char *s, size_t n, size_t idx)
{
	size_t prefix = 0, hexlen = n, blen;
	uint8_t *dst;

	if (kind == F_DIGEST_ALGO && n) {
		const char *colon = NULL;

		for (size_t i = 0; i < n; i++)
			if (s[i] == ':')
				colon = s + i;
		if (!colon)
			return imalog_fail(ps, "field %zu: digest without 'ALG:'", idx);
		prefix = (size_t)(colon - s) + 1;	/* "ALG:" then a NUL */
		hexlen = n - prefix;
	}
	if (kind == F_STRING_OPT)
		kind = n ? F_STRING : F_HEX;
	if (kind == F_STRING)
		blen = n + 1;
	else if (kind == F_U32 || kind == F_U16)
		blen = n ? (kind == F_U32 ? 4 : 2) : 0;
	else
		blen = (prefix ? prefix + 1 : 0) + hexlen / 2;
	if (blen > IMALOG_TDATA_MAX || *tlen + 4 + blen > IMALOG_TDATA_MAX)
		return imalog_fail(ps, "field %zu too long", idx);
	dst = imalog_data_reserve(ps, *tlen + 4 + blen);
	if (!dst)
		return -ENOMEM;
	dst += *tlen;
	imalog_put_le32(dst, (uint32_t)blen);
	dst += 4;
	if (kind == F_STRING) {
		if (memchr(s, '\0', n))
			return imalog_fail(ps, "field %zu: NUL in a name", idx);
		memcpy(dst, s, n);
		dst[n] = '\0';
	} else if (kind == F_U32 || kind == F_U16) {
		if (n && put_uint(s, n, blen, dst))
			return imalog_fail(ps, "field %zu is not a %zu-byte decimal", idx, blen);
	} else {
		if (prefix) {
			memcpy(dst, s, prefix);
			dst[prefix] = '\0';
			dst += prefix + 1;
		}
		if (hex_decode(s + prefix, hexlen, dst))
			return imalog_fail(ps, "field %zu is not hex", idx);
	}
	*tlen += 4 + blen;
	return 0;
}

/* The 'ima' template keeps its name without the NUL, as the binary list does. */
static void strip_ima_name_nul(struct imalog_ps *ps, struct imalog_entry *e)
{
	uint8_t *t = ps->data;
	uint32_t nlen = imalog_le32(t + 24);

	imalog_put_le32(t + 24, nlen - 1);
	e->tdata_len--;
}

static int parse_line(struct imalog_ps *ps, struct imalog_entry *e, const char *s, size_t n,
		      size_t line)
{
	const char *tok[12];
	size_t tlen[12], ntok = 0, dlen, t = 0, layout = 0;
	const char *p = s, *end = s + n;
	unsigned long pcr = 0;
	int r;

	while (p < end && *p == ' ')
		p++;
	while (ntok < ARRAY_SIZE(tok)) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));

		tok[ntok] = p;
		tlen[ntok] = (size_t)((sp ? sp : end) - p);
		ntok++;
		if (!sp)
			break;
		p = sp + 1;
	}
	if (ntok < 4)
		return imalog_fail(ps, "line %zu: fewer than four columns", line);
	for (size_t i = 0; i < tlen[0]; i++) {
		if (tok[0][i] < '0' || tok[0][i] > '9' || i > 2)
			return imalog_fail(ps, "line %zu: bad PCR number", line);
		pcr = pcr * 10 + (unsigned long)(tok[0][i] - '0');
	}
	if (!tlen[0] || pcr >= IMALOG_PCRS)
		return imalog_fail(ps, "line %zu: PCR out of range", line);
	e->pcr = (uint32_t)pcr;
	dlen = tlen[1] / 2;
	if (!ps->bank) {
		ps->bank = dlen == 20 ? hash_algo_by_id(HASH_ALGO_SHA1) :
			    dlen == 32 ? hash_algo_by_id(HASH_ALGO_SHA256) :
			    dlen == 48 ? hash_algo_by_id(HASH_ALGO_SHA384) :
			    dlen == 64 ? hash_algo_by_id(HASH_ALGO_SHA512) :
			    dlen == 28 ? hash_algo_by_id(HASH_ALGO_SHA224) : NULL;
		if (!ps->bank)
			return imalog_fail(ps, "line %zu: template digest of %zu hex digits",
					   line, tlen[1]);
	}
	if (tlen[1] != 2 * ps->bank->len || hex_decode(tok[1], tlen[1], e->digest))
		return imalog_fail(ps, "line %zu: template digest is not %zu hex digits",
				   line, 2 * ps->bank->len);
	e->violation = imalog_all_zero(e->digest, ps->bank->len);
	r = imalog_set_template(ps, e, tok[2], tlen[2]);
	if (r)
		return r;
	for (layout = 0; layout < ARRAY_SIZE(layouts); layout++)
		if (layouts[layout].tmpl == e->tmpl)
			break;
	if (layout == ARRAY_SIZE(layouts))
		return imalog_fail(ps, "line %zu: template %s cannot be rebuilt from ascii",
				   line, e->tname);
	if (ntok - 3 != layouts[layout].n)
		return imalog_fail(ps, "line %zu: %s wants %zu fields, line has %zu",
				   line, e->tname, layouts[layout].n, ntok - 3);
	for (size_t i = 0; i < layouts[layout].n; i++) {
		enum field_kind k = layouts[layout].kind[i];

		r = add_field(ps, &t, k, tok[3 + i], tlen[3 + i], i + 1);
		if (r)
			return r;
	}
	e->tdata = ps->data;
	e->tdata_len = (uint32_t)t;
	if (e->tmpl == IMALOG_T_IMA) {
		if (imalog_le32(ps->data) != 20 || t < 29)
			return imalog_fail(ps, "line %zu: ima digest is not sha1", line);
		strip_ima_name_nul(ps, e);
	}
	return imalog_check_fields(ps, e);
}

int imalog_parse_ascii_one(struct imalog_ps *ps, struct imalog_entry *e)
{
	size_t line = ps->n + 1, want = 256, avail;
	const uint8_t *nl;
	int r;

	memset(e, 0, sizeof(*e));
	e->index = ps->n;
	ps->data_len = 0;
	for (;;) {
		r = imalog_need(ps, want);
		if (r)
			return r;
		avail = ps->len - ps->pos;
		nl = memchr(ps->buf + ps->pos, '\n', avail);
		if (nl)
			break;
		if (avail < want)
			return imalog_fail(ps, "line %zu: no newline at the end", line);
		want *= 2;
	}
	r = parse_line(ps, e, (const char *)ps->buf + ps->pos,
		       (size_t)(nl - (ps->buf + ps->pos)), line);
	if (r)
		return r;
	ps->pos += (size_t)(nl - (ps->buf + ps->pos)) + 1;
	return 0;
}
