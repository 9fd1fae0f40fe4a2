// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for name escaping: whatever bytes a file name holds,
 * the JSON string (written by jansson) is well formed (printable ASCII
 * only, every escape known) and decodes back to the name when the name is
 * valid UTF-8; the text form is one line of printable UTF-8; neither form
 * holds a C1 control, line or paragraph separator or bidi control, and a
 * name's text form holds no ": " (which ends the name in "PATH: STATUS").
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *render(bool json, const char *name, bool *valid)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		abort();
	if (json)
		*valid = json_write_string(fp, name);
	else
		text_write_name(fp, name);
	fclose(fp);
	return buf;
}

static void check_utf8_printable(const unsigned char *s, bool text)
{
	while (*s) {
		size_t n = utf8_seq_len(s);
		unsigned cp = s[0];

		if (n == 0 || (n == 1 && (*s < 0x20 || *s == 0x7f)))
			abort();
		for (size_t i = 1; i < n; i++)
			cp = (i == 1 ? cp & (0xffu >> (n + 1)) : cp) << 6 | (s[i] & 0x3fu);
		if (text && n > 1 && text_hidden_code_point(cp))
			abort();
		s += n;
	}
}

static unsigned hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	abort();
}

static unsigned hex4(const char **s)
{
	unsigned cp = 0;

	for (int i = 0; i < 4; i++)
		cp = cp << 4 | hexval(*(*s)++);
	return cp;
}

/* Append code point @cp as UTF-8. */
static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the JSON string at @s into @out; aborts on anything malformed. */
static size_t json_decode(const char *s, char *out)
{
	size_t n = 0;

	if (*s++ != '"')
		abort();
	while (*s != '"') {
		if (*s == '\0')
			abort();
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s++) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case '/': out[n++] = '/'; break;
		case 'u': {
			unsigned cp = hex4(&s);

			if (cp >= 0xdc00 && cp <= 0xdfff)
				abort();	/* a lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				unsigned lo;

				if (s[0] != '\\' || s[1] != 'u')
					abort();
				s += 2;
				lo = hex4(&s);
				if (lo < 0xdc00 || lo > 0xdfff)
					abort();
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0)
				abort();
			n += put_utf8(out + n, cp);
			break;
		}
		default:
			abort();
		}
	}
	if (s[1] != '\0')
		abort();
	out[n] = '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1), *json, *text, *back;
	bool valid = true;

	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';		/* a name ends at its first NUL */
	json = render(true, name, &valid);
	text = render(false, name, &valid);
	for (const unsigned char *c = (const unsigned char *)json; *c; c++)
		if (*c < 0x20 || *c >= 0x7f)
			abort();	/* ASCII only, no raw control */
	check_utf8_printable((const unsigned char *)text, true);
	if (strstr(text, ": "))
		abort();
	back = malloc(4 * strlen(name) + 1);
	if (!back)
		abort();
	json_decode(json, back);
	if (valid && strcmp(back, name))
		abort();
	free(back);
	free(json);
	free(text);
	free(name);
	return 0;
}
