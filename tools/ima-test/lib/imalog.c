// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imalog.h"
#include "imalog_int.h"
#include "util.h"

static const struct {
	const char *name;
	enum imalog_template tmpl;
	size_t fields;
} templates[] = {
	{ "ima", IMALOG_T_IMA, 2 },
	{ "ima-ng", IMALOG_T_IMA_NG, 2 },
	{ "ima-sig", IMALOG_T_IMA_SIG, 3 },
	{ "ima-buf", IMALOG_T_IMA_BUF, 3 },
	{ "ima-modsig", IMALOG_T_IMA_MODSIG, 5 },
	{ "ima-ngv2", IMALOG_T_IMA_NGV2, 2 },
	{ "ima-sigv2", IMALOG_T_IMA_SIGV2, 3 },
	{ "evm-sig", IMALOG_T_EVM_SIG, 9 },
};

uint32_t imalog_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

void imalog_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int imalog_fail(struct imalog_ps *ps, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ps->err, sizeof(ps->err), "entry %zu: ", ps->n + 1);

	va_start(ap, fmt);
	vsnprintf(ps->err + n, sizeof(ps->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

uint8_t *imalog_data_reserve(struct imalog_ps *ps, size_t len)
{
	if (!ps->data || len > ps->data_cap - ps->data_len) {
		size_t cap = ps->data_cap ? ps->data_cap : 4096;
		uint8_t *p;

		while (cap - ps->data_len < len)
			cap *= 2;
		p = realloc(ps->data, cap);
		if (!p)
			return NULL;
		ps->data = p;
		ps->data_cap = cap;
	}
	return ps->data + ps->data_len;
}

bool imalog_all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Template name: known, or a plausible custom name. */
int imalog_set_template(struct imalog_ps *ps, struct imalog_entry *e,
			const char *name, size_t len)
{
	if (len == 0 || len > IMALOG_TEMPLATE_NAME_MAX)
		return imalog_fail(ps, "template name length %zu (1-%d allowed)", len,
			    IMALOG_TEMPLATE_NAME_MAX);
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return imalog_fail(ps, "template name is not printable");
	memcpy(e->tname, name, len);
	e->tname[len] = '\0';
	e->tmpl = IMALOG_T_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(templates); i++)
		if (!strcmp(e->tname, templates[i].name))
			e->tmpl = templates[i].tmpl;
	return 0;
}

/*
 * The kernel writes n-ng as a C string with its NUL: no NUL inside, at
 * most PATH_MAX bytes.  Anything else would let the name the template
 * digest covers differ from the one a lookup sees.
 */
static int check_name(struct imalog_ps *ps, const struct imalog_entry *e)
{
	struct imalog_field f[2];
	const uint8_t *nul;

	if (e->tmpl == IMALOG_T_IMA || e->tmpl == IMALOG_T_OTHER ||
	    imalog_fields(e, f, 2) < 2)
		return 0;
	nul = f[1].len ? memchr(f[1].p, '\0', f[1].len) : NULL;
	if (!nul || nul != f[1].p + f[1].len - 1)
		return imalog_fail(ps, "name field is not one NUL-terminated string");
	if (f[1].len - 1 > IMALOG_NAME_MAX)
		return imalog_fail(ps, "name of %u bytes is longer than PATH_MAX", f[1].len - 1);
	return 0;
}

/* Check that @e's template data is a sequence of fields as its template wants. */
int imalog_check_fields(struct imalog_ps *ps, const struct imalog_entry *e)
{
	const uint8_t *p = e->tdata;
	size_t left = e->tdata_len, n = 0;

	while (left) {
		uint32_t flen;

		if (left < 4)
			return imalog_fail(ps, "template data ends inside a field length");
		flen = imalog_le32(p);
		if (flen > left - 4)
			return imalog_fail(ps, "field %zu length %u exceeds the template data", n + 1, flen);
		p += 4 + flen;
		left -= 4 + (size_t)flen;
		if (++n > IMALOG_FIELDS_MAX)
			return imalog_fail(ps, "more than %d fields", IMALOG_FIELDS_MAX);
	}
	for (size_t i = 0; i < ARRAY_SIZE(templates); i++)
		if (templates[i].tmpl == e->tmpl && templates[i].fields != n)
			return imalog_fail(ps, "template %s has %zu fields, not %zu",
				    e->tname, n, templates[i].fields);
	return check_name(ps, e);
}

/* The entry's bytes as the window holds them, @n from ps->pos. */
static const uint8_t *at(const struct imalog_ps *ps, size_t n)
{
	return ps->buf + ps->pos + n;
}

int imalog_parse_binary_one(struct imalog_ps *ps, struct imalog_entry *e)
{
	size_t dsize = ps->dsize, hdr = 8 + dsize, left, p;
	uint32_t nlen, tlen;
	uint8_t *dst;
	int r;

	memset(e, 0, sizeof(*e));
	e->index = ps->n;
	ps->data_len = 0;
	ps->depth = 0;
	r = imalog_need(ps, hdr);
	if (r)
		return r;
	left = ps->len - ps->pos;
	if (left < hdr)
		return imalog_fail(ps, "truncated header at byte %llu",
				   (unsigned long long)(ps->off + ps->pos));
	e->pcr = imalog_le32(at(ps, 0));
	if (e->pcr >= IMALOG_PCRS)
		return imalog_fail(ps, "PCR %u out of range", e->pcr);
	memcpy(e->digest, at(ps, 4), dsize);
	e->violation = imalog_all_zero(e->digest, dsize);
	nlen = imalog_le32(at(ps, 4 + dsize));
	/* a name longer than any template's is malformed either way; which
	 * message depends on whether the list even holds that many bytes */
	if (nlen > IMALOG_TEMPLATE_NAME_MAX) {
		r = imalog_has(ps, hdr + (uint64_t)nlen);
	} else {
		r = imalog_need(ps, hdr + nlen + 24);
		if (!r)
			r = ps->len - ps->pos >= hdr + nlen;
	}
	if (r < 0)
		return r;
	if (!r)
		return imalog_fail(ps, "template name runs past the end");
	ps->depth = 1;
	r = imalog_set_template(ps, e, (const char *)at(ps, hdr), nlen);
	if (r)
		return r;
	ps->depth = 2;
	p = hdr + nlen;
	left = ps->len - ps->pos - p;
	if (e->tmpl == IMALOG_T_IMA) {
		/* sha1 digest without length, then u32 length + name */
		if (left < 24)
			return imalog_fail(ps, "truncated ima template data");
		tlen = imalog_le32(at(ps, p + 20));
		r = tlen > IMALOG_EVENT_NAME_MAX ? 0 : imalog_need(ps, p + 24 + tlen);
		if (r)
			return r;
		left = ps->len - ps->pos - p;
		if (tlen > IMALOG_EVENT_NAME_MAX || tlen > left - 24)
			return imalog_fail(ps, "ima template name length %u", tlen);
		if (memchr(at(ps, p + 24), '\0', tlen))
			return imalog_fail(ps, "ima template name has a NUL inside");
		dst = imalog_data_reserve(ps, 28 + (size_t)tlen);
		if (!dst)
			return -ENOMEM;
		imalog_put_le32(dst, 20);
		memcpy(dst + 4, at(ps, p), 20);
		imalog_put_le32(dst + 24, tlen);
		memcpy(dst + 28, at(ps, p + 24), tlen);
		e->tdata_len = 28 + tlen;
		p += 24 + tlen;
	} else {
		if (left < 4)
			return imalog_fail(ps, "truncated template data length");
		tlen = imalog_le32(at(ps, p));
		r = tlen > IMALOG_TDATA_MAX ? 0 : imalog_need(ps, p + 4 + tlen);
		if (r)
			return r;
		left = ps->len - ps->pos - p;
		if (tlen > IMALOG_TDATA_MAX || tlen > left - 4)
			return imalog_fail(ps, "template data length %u exceeds the list", tlen);
		dst = imalog_data_reserve(ps, tlen);
		if (!dst)
			return -ENOMEM;
		memcpy(dst, at(ps, p + 4), tlen);
		e->tdata_len = tlen;
		p += 4 + (size_t)tlen;
	}
	e->tdata = ps->data;
	ps->depth = 3;
	r = imalog_check_fields(ps, e);
	if (r)
		return r;
	ps->depth = 0;
	ps->pos += p;
	return 0;
}

size_t imalog_fields(const struct imalog_entry *e, struct imalog_field *f, size_t max)
{
	const uint8_t *p = e->tdata;
	size_t left = e->tdata_len, n = 0;

	/* already validated by check_fields(); still never read past */
	while (left >= 4 && n < max) {
		uint32_t flen = imalog_le32(p);

		if (flen > left - 4)
			break;
		f[n].p = p + 4;
		f[n].len = flen;
		n++;
		p += 4 + flen;
		left -= 4 + (size_t)flen;
	}
	return n;
}

int imalog_digest_field(const struct imalog_field *f, const struct hash_algo **alg,
			const uint8_t **md, size_t *len, enum imalog_digest_type *type)
{
	const uint8_t *nul, *start, *colon;
	char name[32];
	size_t plen, nlen;

	/* "[TYPE:]ALG:" NUL digest */
	nul = memchr(f->p, '\0', f->len);
	if (!nul)
		return -EINVAL;
	plen = (size_t)(nul - f->p);
	if (plen < 2 || f->p[plen - 1] != ':')
		return -EINVAL;
	start = f->p;
	colon = memchr(f->p, ':', plen - 1);
	if (type)
		*type = IMALOG_DT_FILE;
	if (colon) {
		size_t tlen = (size_t)(colon - f->p);

		if (tlen == 6 && !memcmp(f->p, "verity", 6)) {
			if (type)
				*type = IMALOG_DT_VERITY;
		} else if (tlen != 3 || memcmp(f->p, "ima", 3)) {
			return -EINVAL;
		}
		start = colon + 1;
	}
	nlen = (size_t)(nul - 1 - start);
	if (nlen >= sizeof(name) || memchr(start, ':', nlen))
		return -EINVAL;
	memcpy(name, start, nlen);
	name[nlen] = '\0';
	*alg = hash_algo_by_name(name);
	if (!*alg)
		return -EINVAL;
	*md = nul + 1;
	*len = f->len - (size_t)(nul + 1 - f->p);
	return *len == (*alg)->len ? 0 : -1;
}

int imalog_file_digest(const struct imalog_entry *e, const struct hash_algo **alg,
		       const uint8_t **md, size_t *len, enum imalog_digest_type *type)
{
	struct imalog_field f[2];

	if (e->tmpl == IMALOG_T_OTHER || imalog_fields(e, f, 2) < 1)
		return -EINVAL;
	if (e->tmpl == IMALOG_T_IMA) {
		if (f[0].len != 20)
			return -EINVAL;
		*alg = hash_algo_by_id(HASH_ALGO_SHA1);
		*md = f[0].p;
		*len = 20;
		if (type)
			*type = IMALOG_DT_FILE;
		return 0;
	}
	/* only d-ngv2 carries a type */
	if ((e->tmpl != IMALOG_T_IMA_NGV2 && e->tmpl != IMALOG_T_IMA_SIGV2) &&
	    memchr(f[0].p, ':', f[0].len) != NULL) {
		const uint8_t *nul = memchr(f[0].p, '\0', f[0].len);
		const uint8_t *c = memchr(f[0].p, ':', f[0].len);

		if (nul && c < nul - 1)
			return -EINVAL;
	}
	return imalog_digest_field(&f[0], alg, md, len, type);
}

void imalog_name(const struct imalog_entry *e, char *name, size_t cap)
{
	struct imalog_field f[2];
	size_t n;

	name[0] = '\0';
	if (e->tmpl == IMALOG_T_OTHER || imalog_fields(e, f, 2) < 2 || cap == 0)
		return;
	n = f[1].len;
	if (n && f[1].p[n - 1] == '\0')
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(name, f[1].p, n);
	name[n] = '\0';
}
