// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "refpolicy.h"
#include "util.h"

#define REF_FILE_MAX (256u << 20)

/* A parse error: the first reason found wins. */
struct ref_err {
	char *buf;
	size_t len;
	bool set;
};

static int bad(struct ref_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct ref_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->set) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
		e->set = true;
	}
	return -EINVAL;
}

/*
 * Hand each string of the array @v (the member @what) to @add, which takes
 * the malloc'ed copy on success.
 */
static int string_array(const json_t *v, const char *what, int (*add)(void *, char *),
			void *arg, struct ref_err *e)
{
	size_t i;
	const json_t *item;

	if (!json_is_array(v))
		return bad(e, "%s: not an array", what);
	json_array_foreach(v, i, item) {
		char *s;

		if (!json_is_string(item))
			return bad(e, "%s: item %zu is not a string", what, i + 1);
		s = strdup(json_string_value(item));
		if (!s)
			return bad(e, "out of memory");
		if (add(arg, s)) {
			free(s);
			return bad(e, "unusable item (an excludes expression that is not a "
				   "bounded POSIX ERE, or out of memory): %s item %zu", what, i + 1);
		}
	}
	return 0;
}

static int add_digest(void *arg, char *s)
{
	struct ref_entry *e = arg;
	char **v = realloc(e->digests, (e->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
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
	int r = -EINVAL;

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

static int add_ignored(void *arg, char *s)
{
	struct ref_policy *p = arg;
	char **v = realloc(p->ignored_keyrings, (p->nignored + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	p->ignored_keyrings = v;
	p->ignored_keyrings[p->nignored++] = s;
	return 0;
}

/* A map of name to digests ("digests", "keyrings", "ima-buf"). */
static int digest_map(const json_t *v, const char *what, struct ref_table *t,
		      struct ref_err *e)
{
	const char *name;
	const json_t *digests;
	char label[32];

	snprintf(label, sizeof(label), "a value in \"%s\"", what);
	if (!json_is_object(v))
		return bad(e, "\"%s\": not an object", what);
	if (grow_array(&t->v, &t->cap, json_object_size(v), sizeof(*t->v), 64))
		return bad(e, "out of memory");
	json_object_foreach((json_t *)v, name, digests) {
		struct ref_entry *r = &t->v[t->n];

		memset(r, 0, sizeof(*r));
		r->path = strdup(name);
		if (!r->path)
			return bad(e, "out of memory");
		t->n++;
		if (string_array(digests, label, add_digest, r, e))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ref_entry *)a)->path, ((const struct ref_entry *)b)->path);
}

static int policy_from_json(const json_t *root, struct ref_policy *p, struct ref_err *e)
{
	static const char *const sections[REF_SECTIONS] = {
		[REF_DIGESTS] = "digests", [REF_KEYRINGS] = "keyrings", [REF_IMA_BUF] = "ima-buf",
	};
	const json_t *v, *ima;

	if (!json_is_object(root))
		return bad(e, "not a JSON object");
	if (!json_object_get(root, "digests"))
		return bad(e, "no \"digests\" member");
	for (int s = 0; s < REF_SECTIONS; s++)
		if ((v = json_object_get(root, sections[s])) &&
		    digest_map(v, sections[s], &p->t[s], e))
			return -EINVAL;
	if ((v = json_object_get(root, "excludes")) &&
	    string_array(v, "\"excludes\"", add_exclude, p, e))
		return -EINVAL;
	if (!(ima = json_object_get(root, "ima")))
		return 0;
	if (!json_is_object(ima))
		return bad(e, "\"ima\": not an object");
	v = json_object_get(ima, "ignored_keyrings");
	return v ? string_array(v, "\"ima\".\"ignored_keyrings\"", add_ignored, p, e) : 0;
}

/*
 * jansson reads the JSON: UTF-8 only, no NUL in a string, nesting bounded;
 * a name given twice in one object keeps its last value, as Keylime's
 * Python reader does.
 */
int ref_policy_parse(const char *buf, size_t len, struct ref_policy *p,
		     char *err, size_t errlen)
{
	struct ref_err e = { err, errlen, false };
	json_error_t je;
	json_t *root;
	int r;

	memset(p, 0, sizeof(*p));
	root = json_loadb(buf, len, 0, &je);
	if (!root) {
		/* jansson quotes the offending token: keep the message printable */
		for (char *c = je.text; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		snprintf(err, errlen, "%s at byte %d", je.text, je.position);
		return -EINVAL;
	}
	r = policy_from_json(root, p, &e);
	json_decref(root);
	if (r) {
		ref_policy_free(p);
		return -EINVAL;
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
		return r;
	}
	r = ref_policy_parse((const char *)buf, len, p, why, sizeof(why));
	free(buf);
	if (r)
		snprintf(err, errlen, "%s: not a Keylime runtime policy: %s", path, why);
	return r;
}

/* Append @n elements of @size at @src to the array *@dst of *@dn. */
static int append(void *dst, size_t *dn, const void *src, size_t n, size_t size)
{
	char *v;

	if (!n)
		return 0;
	v = realloc(*(void **)dst, (*dn + n) * size);
	if (!v)
		return -ENOMEM;
	memcpy(v + *dn * size, src, n * size);
	*(void **)dst = v;
	*dn += n;
	return 0;
}

/* Sorted @t with each path once: the digests of equal paths joined. */
static int coalesce(struct ref_table *t)
{
	size_t out = 0;

	if (!t->n)
		return 0;
	qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
	for (size_t i = 0; i < t->n; i++) {
		struct ref_entry *r = &t->v[out - (out > 0)];

		if (out && !strcmp(r->path, t->v[i].path)) {
			if (append(&r->digests, &r->n, t->v[i].digests, t->v[i].n, sizeof(char *)))
				return -EINVAL;
			free(t->v[i].digests);
			free(t->v[i].path);
			continue;
		}
		t->v[out++] = t->v[i];
	}
	t->n = t->cap = out;
	return 0;
}

int ref_policy_load_more(const char *path, struct ref_policy *p, char *err, size_t errlen)
{
	struct ref_policy more;
	int r = 0;

	if (ref_policy_load(path, &more, err, errlen))
		return -EINVAL;
	for (int s = 0; s < REF_SECTIONS && !r; s++) {
		r = append(&p->t[s].v, &p->t[s].n, more.t[s].v, more.t[s].n, sizeof(*more.t[s].v));
		if (!r) {
			free(more.t[s].v);
			more.t[s] = (struct ref_table){ 0 };
			r = coalesce(&p->t[s]);
		}
	}
	if (!r && !(r = append(&p->excludes, &p->nexcl, more.excludes, more.nexcl, sizeof(regex_t)))) {
		free(more.excludes);
		more.excludes = NULL;
		more.nexcl = 0;
	}
	if (!r && !(r = append(&p->ignored_keyrings, &p->nignored, more.ignored_keyrings,
			       more.nignored, sizeof(char *)))) {
		free(more.ignored_keyrings);
		more.ignored_keyrings = NULL;
		more.nignored = 0;
	}
	ref_policy_free(&more);
	if (r)
		snprintf(err, errlen, "%s: out of memory", path);
	return r ? -1 : 0;
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
