// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "util.h"

static const struct hash_algo *alg_by_len(size_t len)
{
	static const int ids[] = { HASH_ALGO_SHA1, HASH_ALGO_SHA224, HASH_ALGO_SHA256,
				   HASH_ALGO_SHA384, HASH_ALGO_SHA512 };

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		const struct hash_algo *a = hash_algo_by_id(ids[i]);

		if (a && a->len == len)
			return a;
	}
	return NULL;
}

/* The name as sha*sum wrote it, unescaped when @escaped. */
static char *name_decode(const char *s, size_t n, bool escaped)
{
	char *d = malloc(n + 1), *p = d;

	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!escaped || s[i] != '\\') {
			*p++ = s[i];
			continue;
		}
		/* the escapes coreutils' sha*sum writes */
		switch (i + 1 < n ? s[++i] : '\0') {
		case '\\': *p++ = '\\'; break;
		case 'n': *p++ = '\n'; break;
		case 'r': *p++ = '\r'; break;
		default:
			free(d);
			return NULL;
		}
	}
	*p = '\0';
	if (strlen(d) != (size_t)(p - d)) {	/* a NUL inside the name */
		free(d);
		return NULL;
	}
	return d;
}

int manifest_parse(const char *line, size_t len, bool is_signed,
		   const struct hash_algo *want, struct manifest_line *ml,
		   char *err, size_t errlen)
{
	const char *p = line, *end = line + len, *name, *name_end;
	bool escaped = false;
	size_t hexlen;
	struct ima_xattr x;
	char why[128];

	memset(ml, 0, sizeof(*ml));
	if (p < end && *p == '\\') {
		escaped = true;
		p++;
	}
	for (hexlen = 0; p + hexlen < end && hex_digit(p[hexlen]) >= 0; hexlen++)
		;
	if (!hexlen || p + hexlen + 2 > end || p[hexlen] != ' ' ||
	    (p[hexlen + 1] != ' ' && p[hexlen + 1] != '*')) {
		snprintf(err, errlen, "not a sha*sum line (HEX, two spaces or \" *\", NAME)");
		return -EINVAL;
	}
	ml->alg = alg_by_len(hexlen / 2);
	if (hexlen % 2 || !ml->alg || (want && want != ml->alg)) {
		if (want)
			snprintf(err, errlen, "digest has %zu hex digits, %s wants %zu",
				 hexlen, want->name, 2 * want->len);
		else
			snprintf(err, errlen, "digest of %zu hex digits is no sha1/224/256/384/512 digest",
				 hexlen);
		return -EINVAL;
	}
	ml->digest_len = hexlen / 2;
	hex_decode(p, hexlen, ml->digest);
	name = p + hexlen + 2;
	name_end = end;
	if (is_signed) {
		const char *sp = name_end;

		while (sp > name && sp[-1] != ' ')
			sp--;
		if (sp == name || sp - 1 == name) {
			snprintf(err, errlen, "no signature after the file name");
			return -EINVAL;
		}
		if ((size_t)(name_end - sp) > 2 * IMA_XATTR_MAX) {
			snprintf(err, errlen, "the signature is longer than %d bytes", IMA_XATTR_MAX);
			goto bad;
		}
		ml->value_len = (size_t)(name_end - sp) / 2;
		ml->value = malloc(ml->value_len + 1);
		if (!ml->value) {
			snprintf(err, errlen, "out of memory");
			goto bad;
		}
		if (hex_decode(sp, (size_t)(name_end - sp), ml->value)) {
			snprintf(err, errlen, "the signature is not hex");
			goto bad;
		}
		if (ima_xattr_decode(ml->value, ml->value_len, &x, why, sizeof(why)) != IMA_XATTR_OK) {
			snprintf(err, errlen, "bad signature value: %s", why);
			goto bad;
		}
		if (x.type != EVM_IMA_XATTR_DIGSIG || x.sig_version != 2 || x.algo != ml->alg) {
			snprintf(err, errlen, "the value is not a v2 %s signature", ml->alg->name);
			goto bad;
		}
		name_end = sp - 1;
	}
	if (name == name_end || memchr(name, '\0', (size_t)(name_end - name))) {
		snprintf(err, errlen, "no file name");
		goto bad;
	}
	ml->name = name_decode(name, (size_t)(name_end - name), escaped);
	if (!ml->name) {
		snprintf(err, errlen, "bad escape in the file name");
		goto bad;
	}
	return 0;
bad:
	manifest_line_free(ml);
	return -EINVAL;
}

void manifest_line_free(struct manifest_line *ml)
{
	free(ml->name);
	free(ml->value);
	memset(ml, 0, sizeof(*ml));
}
