// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refpolicy.h"
#include "util.h"

#define REF_FILE_MAX (256u << 20)
#define JSON_DEPTH_MAX 64

struct json {
	const char *s, *start, *end;
	const char *err;
};

static void ws(struct json *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\n' || *j->s == '\t' || *j->s == '\r'))
		j->s++;
}

static int bad(struct json *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return -1;
}

static int expect(struct json *j, char c)
{
	ws(j);
	if (j->s >= j->end || *j->s != c)
		return bad(j, c == ':' ? "':' expected" : c == '{' ? "'{' expected" :
			   c == '[' ? "'[' expected" : "unexpected character");
	j->s++;
	return 0;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* A string, decoded to UTF-8 into a malloc'ed buffer (@out NULL: skip). */
static int string(struct json *j, char **out)
{
	size_t cap, n = 0;
	char *buf = NULL;

	ws(j);
	if (j->s >= j->end || *j->s != '"')
		return bad(j, "string expected");
	j->s++;
	cap = 16;
	if (out && !(buf = malloc(cap)))
		return bad(j, "out of memory");
	while (j->s < j->end && *j->s != '"') {
		char tmp[4];
		size_t tn = 1;
		unsigned cp;

		tmp[0] = *j->s++;
		if ((unsigned char)tmp[0] < 0x20)
			goto fail_ctl;
		if (tmp[0] == '\\') {
			if (j->s >= j->end)
				break;
			switch (*j->s++) {
			case '"': tmp[0] = '"'; break;
			case '\\': tmp[0] = '\\'; break;
			case '/': tmp[0] = '/'; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case 'n': tmp[0] = '\n'; break;
			case 'r': tmp[0] = '\r'; break;
			case 't': tmp[0] = '\t'; break;
			case 'u':
				if (j->end - j->s < 4 || hex4(j->s, &cp))
					goto fail_esc;
				j->s += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned lo;

					if (j->end - j->s < 6 || j->s[0] != '\\' || j->s[1] != 'u' ||
					    hex4(j->s + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
						goto fail_esc;
					j->s += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					goto fail_esc;
				}
				if (cp == 0)
					goto fail_esc;	/* no NUL inside a C string */
				if (cp < 0x80) {
					tmp[0] = (char)cp;
				} else if (cp < 0x800) {
					tmp[0] = (char)(0xc0 | cp >> 6);
					tmp[1] = (char)(0x80 | (cp & 0x3f));
					tn = 2;
				} else if (cp < 0x10000) {
					tmp[0] = (char)(0xe0 | cp >> 12);
					tmp[1] = (char)(0x80 | (cp >> 6 & 0x3f));
					tmp[2] = (char)(0x80 | (cp & 0x3f));
					tn = 3;
				} else {
					tmp[0] = (char)(0xf0 | cp >> 18);
					tmp[1] = (char)(0x80 | (cp >> 12 & 0x3f));
					tmp[2] = (char)(0x80 | (cp >> 6 & 0x3f));
					tmp[3] = (char)(0x80 | (cp & 0x3f));
					tn = 4;
				}
				break;
			default:
				goto fail_esc;
			}
		}
		if (!out)
			continue;
		if (n + tn + 1 > cap) {
			char *nb;

			cap = 2 * cap + tn;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return bad(j, "out of memory");
			}
			buf = nb;
		}
		memcpy(buf + n, tmp, tn);
		n += tn;
	}
	if (j->s >= j->end) {
		free(buf);
		return bad(j, "unterminated string");
	}
	j->s++;
	if (out) {
		buf[n] = '\0';
		*out = buf;
	}
	return 0;
fail_ctl:
	free(buf);
	return bad(j, "control character in a string");
fail_esc:
	free(buf);
	return bad(j, "bad escape in a string");
}

static int value(struct json *j, int depth);

static int skip_container(struct json *j, char close, int depth)
{
	j->s++;
	ws(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		return 0;
	}
	for (;;) {
		if (close == '}' && (string(j, NULL) || expect(j, ':')))
			return -1;
		if (value(j, depth + 1))
			return -1;
		ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		return expect(j, close);
	}
}

static int value(struct json *j, int depth)
{
	static const char *const words[] = { "true", "false", "null" };

	if (depth > JSON_DEPTH_MAX)
		return bad(j, "nested too deeply");
	ws(j);
	if (j->s >= j->end)
		return bad(j, "value expected");
	if (*j->s == '{')
		return skip_container(j, '}', depth);
	if (*j->s == '[')
		return skip_container(j, ']', depth);
	if (*j->s == '"')
		return string(j, NULL);
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(j->end - j->s) >= n && !strncmp(j->s, words[i], n)) {
			j->s += n;
			return 0;
		}
	}
	if (*j->s == '-' || (*j->s >= '0' && *j->s <= '9')) {
		while (j->s < j->end && strchr("+-.eE0123456789", *j->s))
			j->s++;
		return 0;
	}
	return bad(j, "value expected");
}

/* Items of an array of strings, each handed to @add. */
static int string_array(struct json *j, int (*add)(void *, char *), void *arg)
{
	if (expect(j, '['))
		return -1;
	ws(j);
	if (j->s < j->end && *j->s == ']') {
		j->s++;
		return 0;
	}
	for (;;) {
		char *s;

		if (string(j, &s))
			return -1;
		if (add(arg, s)) {
			free(s);
			return bad(j, "unusable item (an excludes expression that is not a bounded POSIX ERE, or out of memory)");
		}
		ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		return expect(j, ']');
	}
}

static int add_digest(void *arg, char *s)
{
	struct ref_entry *e = arg;
	char **v = realloc(e->digests, (e->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	for (char *c = s; *c; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
	e->digests = v;
	e->digests[e->n++] = s;
	return 0;
}

#define EXCLUDE_MAX 1024	/* bytes of one expression */
#define EXCLUDE_QUANT_MAX 32	/* quantifiers in one expression */

/*
 * glibc's regcomp() takes time and memory exponential in stacked
 * quantifiers ("a+++"): refuse them (POSIX leaves them undefined), and
 * overlong expressions or ones with many quantifiers, so a hostile policy cannot exhaust the machine.
 */
static bool exclude_sane(const char *s)
{
	bool quant = false, esc = false;
	size_t n = 0, quants = 0;

	for (; *s; s++, n++) {
		bool q = !esc && (*s == '*' || *s == '+' || *s == '?' || *s == '{');

		if (q && (quant || ++quants > EXCLUDE_QUANT_MAX))
			return false;
		quant = !esc && (q || *s == '}');
		esc = !esc && *s == '\\';
	}
	return n <= EXCLUDE_MAX;
}

static int add_exclude(void *arg, char *s)
{
	struct ref_policy *p = arg;
	size_t len = strlen(s) + 5;
	char *anchored = malloc(len);
	regex_t *v = realloc(p->excludes, (p->nexcl + 1) * sizeof(*v));
	int r = -1;

	if (v)
		p->excludes = v;
	if (anchored && v && exclude_sane(s)) {
		snprintf(anchored, len, "^(%s)", s);
		if (!regcomp(&p->excludes[p->nexcl], anchored, REG_EXTENDED | REG_NOSUB)) {
			p->nexcl++;
			r = 0;
		}
	}
	free(anchored);
	if (!r)
		free(s);
	return r;
}

static int digests(struct json *j, struct ref_table *p)
{
	if (expect(j, '{'))
		return -1;
	ws(j);
	if (j->s < j->end && *j->s == '}') {
		j->s++;
		return 0;
	}
	for (;;) {
		struct ref_entry e = { 0 };

		if (string(j, &e.path) || expect(j, ':'))
			goto fail;
		if (grow_array(&p->v, &p->cap, p->n + 1, sizeof(*p->v), 64)) {
			bad(j, "out of memory");
			goto fail;
		}
		p->v[p->n++] = e;
		if (string_array(j, add_digest, &p->v[p->n - 1]))
			return -1;
		ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		return expect(j, '}');
fail:
		free(e.path);
		return -1;
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ref_entry *)a)->path, ((const struct ref_entry *)b)->path);
}

static int add_ignored(void *arg, char *s)
{
	struct ref_policy *p = arg;
	char **v = realloc(p->ignored_keyrings, (p->nignored + 1) * sizeof(*v));

	if (!v)
		return -1;
	p->ignored_keyrings = v;
	p->ignored_keyrings[p->nignored++] = s;
	return 0;
}

/* "ima": {"ignored_keyrings": [...], ...} */
static int ima_section(struct json *j, struct ref_policy *p)
{
	if (expect(j, '{'))
		return -1;
	ws(j);
	if (j->s < j->end && *j->s == '}') {
		j->s++;
		return 0;
	}
	for (;;) {
		char *key;
		int r;

		if (string(j, &key))
			return -1;
		if (expect(j, ':')) {
			free(key);
			return -1;
		}
		r = strcmp(key, "ignored_keyrings") ? value(j, 2) :
		    string_array(j, add_ignored, p);
		free(key);
		if (r)
			return -1;
		ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		return expect(j, '}');
	}
}

static int top(struct json *j, struct ref_policy *p)
{
	static const char *const sections[REF_SECTIONS] = {
		[REF_DIGESTS] = "digests", [REF_KEYRINGS] = "keyrings", [REF_IMA_BUF] = "ima-buf",
	};
	bool have_digests = false;

	if (expect(j, '{'))
		return -1;
	for (;;) {
		char *key;
		int r = 1;

		if (string(j, &key))
			return -1;
		if (expect(j, ':')) {
			free(key);
			return -1;
		}
		for (int s = 0; s < REF_SECTIONS && r == 1; s++)
			if (!strcmp(key, sections[s])) {
				have_digests |= s == REF_DIGESTS;
				r = digests(j, &p->t[s]);
			}
		if (r == 1)
			r = !strcmp(key, "excludes") ? string_array(j, add_exclude, p) :
			    !strcmp(key, "ima") ? ima_section(j, p) : value(j, 1);
		free(key);
		if (r)
			return -1;
		ws(j);
		if (j->s < j->end && *j->s == ',') {
			j->s++;
			continue;
		}
		if (expect(j, '}'))
			return -1;
		ws(j);
		if (j->s != j->end)
			return bad(j, "data after the policy object");
		return have_digests ? 0 : bad(j, "no \"digests\" member");
	}
}

int ref_policy_parse(const char *buf, size_t len, struct ref_policy *p,
		     char *err, size_t errlen)
{
	struct json j = { buf, buf, buf + len, NULL };

	memset(p, 0, sizeof(*p));
	if (top(&j, p)) {
		snprintf(err, errlen, "%s at byte %zu", j.err ? j.err : "syntax error",
			 (size_t)(j.s - j.start));
		ref_policy_free(p);
		return -1;
	}
	for (int s = 0; s < REF_SECTIONS; s++)
		if (p->t[s].n)
			qsort(p->t[s].v, p->t[s].n, sizeof(*p->t[s].v), cmp_entry);
	return 0;
}

int ref_policy_load(const char *path, struct ref_policy *p, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char why[160];
	int r = read_file(path, &buf, &len, REF_FILE_MAX);

	memset(p, 0, sizeof(*p));
	if (r) {
		snprintf(err, errlen, "%s: cannot read the reference policy: %s", path,
			 r == -EINVAL ? "not a regular file" : strerror(-r));
		return -1;
	}
	r = ref_policy_parse((const char *)buf, len, p, why, sizeof(why));
	free(buf);
	if (r)
		snprintf(err, errlen, "%s: not a Keylime runtime policy: %s", path, why);
	return r;
}

void ref_policy_free(struct ref_policy *p)
{
	for (int s = 0; s < REF_SECTIONS; s++) {
		struct ref_table *t = &p->t[s];

		for (size_t i = 0; i < t->n; i++) {
			for (size_t k = 0; k < t->v[i].n; k++)
				free(t->v[i].digests[k]);
			free(t->v[i].digests);
			free(t->v[i].path);
		}
		free(t->v);
	}
	for (size_t i = 0; i < p->nexcl; i++)
		regfree(&p->excludes[i]);
	free(p->excludes);
	for (size_t i = 0; i < p->nignored; i++)
		free(p->ignored_keyrings[i]);
	free(p->ignored_keyrings);
	memset(p, 0, sizeof(*p));
}
