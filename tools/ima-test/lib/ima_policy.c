// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashalgo.h"
#include "ima_policy.h"
#include "util.h"

#ifndef ARRAY_SIZE
#endif

static const char *const func_names[] = {
	[IMA_FUNC_ANY] = "",
	[IMA_FUNC_FILE] = "FILE_CHECK",
	[IMA_FUNC_MMAP] = "MMAP_CHECK",
	[IMA_FUNC_MMAP_REQPROT] = "MMAP_CHECK_REQPROT",
	[IMA_FUNC_BPRM] = "BPRM_CHECK",
	[IMA_FUNC_CREDS] = "CREDS_CHECK",
	[IMA_FUNC_MODULE] = "MODULE_CHECK",
	[IMA_FUNC_FIRMWARE] = "FIRMWARE_CHECK",
	[IMA_FUNC_KEXEC_KERNEL] = "KEXEC_KERNEL_CHECK",
	[IMA_FUNC_KEXEC_INITRAMFS] = "KEXEC_INITRAMFS_CHECK",
	[IMA_FUNC_POLICY] = "POLICY_CHECK",
	[IMA_FUNC_KEXEC_CMDLINE] = "KEXEC_CMDLINE",
	[IMA_FUNC_KEY] = "KEY_CHECK",
	[IMA_FUNC_CRITICAL_DATA] = "CRITICAL_DATA",
	[IMA_FUNC_SETXATTR] = "SETXATTR_CHECK",
};

/* The policy name of @f ("FILE_CHECK", ...). */
static const char *ima_func_name(enum ima_func f)
{
	return f < ARRAY_SIZE(func_names) ? func_names[f] : "?";
}

static int parse_func(const char *v, enum ima_func *f)
{
	/* older spellings the kernel still accepts */
	if (!strcmp(v, "PATH_CHECK"))
		v = "FILE_CHECK";
	else if (!strcmp(v, "FILE_MMAP"))
		v = "MMAP_CHECK";
	for (size_t i = 1; i < ARRAY_SIZE(func_names); i++)
		if (!strcmp(v, func_names[i])) {
			*f = (enum ima_func)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_mask(const char *v, struct ima_rule *r)
{
	static const struct { const char *name; unsigned bit; } masks[] = {
		{ "MAY_EXEC", IMA_MAY_EXEC }, { "MAY_WRITE", IMA_MAY_WRITE },
		{ "MAY_READ", IMA_MAY_READ }, { "MAY_APPEND", IMA_MAY_APPEND },
	};

	r->inmask = v[0] == '^';
	v += r->inmask;
	for (size_t i = 0; i < ARRAY_SIZE(masks); i++)
		if (!strcmp(v, masks[i].name)) {
			r->mask = masks[i].bit;
			r->has_mask = true;
			return 0;
		}
	return -EINVAL;
}

static int parse_ulong(const char *v, int base, unsigned long *out)
{
	char *end;

	if (!*v || *v == '-' || *v == '+' || *v == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoul(v, &end, base);
	return errno || *end ? -1 : 0;
}

static int parse_uuid(const char *v, uint8_t out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t k = 0, d = 0;

	if (strlen(v) != 36)
		return -EINVAL;
	for (size_t i = 0; i < 36; i++) {
		char hex[3] = { 0 };

		if (d < 4 && (int)i == dash[d]) {
			if (v[i] != '-')
				return -EINVAL;
			d++;
			continue;
		}
		hex[0] = v[i];
		hex[1] = v[++i];
		if (!strchr("0123456789abcdefABCDEF", hex[0]) || !hex[0] ||
		    !strchr("0123456789abcdefABCDEF", hex[1]) || !hex[1])
			return -EINVAL;
		out[k++] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return k == 16 ? 0 : -EINVAL;
}

static int parse_algos(const char *v, unsigned long *algos)
{
	char buf[256], *save = NULL;

	if (strlen(v) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, v);
	*algos = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		/* any name the kernel knows, computable here or not */
		int id = HASH_ALGO_LAST;

		for (int i = 0; i < HASH_ALGO_LAST; i++)
			if (!strcmp(hash_algo_by_id(i)->name, t))
				id = i;
		if (id == HASH_ALGO_LAST)
			return -EINVAL;
		*algos |= 1UL << id;
	}
	return *algos ? 0 : -EINVAL;
}

static void append_note(char *buf, size_t cap, const char *tok)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "%s%s", len ? " " : "", tok);
}

struct parse_ctx {
	const char *source;
	/*
	 * The live policy as ima_policy_show() prints it: appraise_type=sigv3
	 * before digest_type=verity, the order ima_parse_rule() refuses in a
	 * written rule.
	 */
	bool shown;
	bool sigv3_first;	/* this rule: sigv3 came before digest_type=verity */
	unsigned line;
	char *err;
	size_t errlen;
};

static int fail(struct parse_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes "SOURCE: line N: MESSAGE" to the error buffer; -EINVAL. */
static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s: line %u: ", c->source, c->line);

	if (n < 0 || (size_t)n >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The kernel's enum policy_opt, less the options it keeps apart by value. */
enum policy_opt {
	OPT_ACTION, OPT_LSM, OPT_FUNC, OPT_MASK, OPT_FSMAGIC, OPT_FSNAME,
	OPT_FSUUID, OPT_ID, OPT_DIGEST_TYPE, OPT_APPRAISE_TYPE,
	OPT_APPRAISE_FLAG, OPT_APPRAISE_ALGOS, OPT_PERMIT_DIRECTIO,
	OPT_MEASURE_ONLY,
};

enum id_field { IDF_UID, IDF_EUID, IDF_GID, IDF_EGID, IDF_FOWNER, IDF_FGROUP };

/*
 * A pattern is a bare word, or a keyword ending in its operator ('=', '<'
 * or '>') followed by a value: the kernel's "func=%s".
 */
struct policy_token {
	const char *pattern;
	enum policy_opt opt;
	int arg;		/* enum ima_action, enum id_field */
	enum id_op op;		/* OPT_ID */
};

#define ID_TOKENS(name, field) \
	{ name "=", OPT_ID, field, ID_EQ }, \
	{ name ">", OPT_ID, field, ID_GT }, \
	{ name "<", OPT_ID, field, ID_LT }

static const struct policy_token policy_tokens[] = {
	{ "measure", OPT_ACTION, IMA_ACT_MEASURE, 0 },
	{ "dont_measure", OPT_ACTION, IMA_ACT_DONT_MEASURE, 0 },
	{ "appraise", OPT_ACTION, IMA_ACT_APPRAISE, 0 },
	{ "dont_appraise", OPT_ACTION, IMA_ACT_DONT_APPRAISE, 0 },
	{ "audit", OPT_ACTION, IMA_ACT_AUDIT, 0 },
	{ "hash", OPT_ACTION, IMA_ACT_HASH, 0 },
	{ "dont_hash", OPT_ACTION, IMA_ACT_DONT_HASH, 0 },
	{ "obj_user=", OPT_LSM, 0, 0 },
	{ "obj_role=", OPT_LSM, 0, 0 },
	{ "obj_type=", OPT_LSM, 0, 0 },
	{ "subj_user=", OPT_LSM, 0, 0 },
	{ "subj_role=", OPT_LSM, 0, 0 },
	{ "subj_type=", OPT_LSM, 0, 0 },
	{ "func=", OPT_FUNC, 0, 0 },
	{ "mask=", OPT_MASK, 0, 0 },
	{ "fsmagic=", OPT_FSMAGIC, 0, 0 },
	{ "fsname=", OPT_FSNAME, 0, 0 },
	{ "fsuuid=", OPT_FSUUID, 0, 0 },
	ID_TOKENS("uid", IDF_UID),
	ID_TOKENS("euid", IDF_EUID),
	ID_TOKENS("gid", IDF_GID),
	ID_TOKENS("egid", IDF_EGID),
	ID_TOKENS("fowner", IDF_FOWNER),
	ID_TOKENS("fgroup", IDF_FGROUP),
	{ "digest_type=", OPT_DIGEST_TYPE, 0, 0 },
	{ "appraise_type=", OPT_APPRAISE_TYPE, 0, 0 },
	{ "appraise_flag=", OPT_APPRAISE_FLAG, 0, 0 },
	{ "appraise_algos=", OPT_APPRAISE_ALGOS, 0, 0 },
	{ "permit_directio", OPT_PERMIT_DIRECTIO, 0, 0 },
	/* measurement options: no bearing on appraisal */
	{ "pcr=", OPT_MEASURE_ONLY, 0, 0 },
	{ "template=", OPT_MEASURE_ONLY, 0, 0 },
	{ "keyrings=", OPT_MEASURE_ONLY, 0, 0 },
	{ "label=", OPT_MEASURE_ONLY, 0, 0 },
};

static bool is_op(char c)
{
	return c == '=' || c == '<' || c == '>';
}

/* The table entry @tok matches, with its value in *@value; NULL if none. */
static const struct policy_token *match_token(const char *tok, const char **value)
{
	for (size_t i = 0; i < ARRAY_SIZE(policy_tokens); i++) {
		const char *pat = policy_tokens[i].pattern;
		size_t n = strlen(pat);

		if (!is_op(pat[n - 1])) {
			if (!strcmp(tok, pat)) {
				*value = NULL;
				return &policy_tokens[i];
			}
		} else if (!strncmp(tok, pat, n)) {
			*value = tok + n;
			return &policy_tokens[i];
		}
	}
	return NULL;
}

/* Why @tok matches no pattern: an unknown keyword or the wrong operator. */
static int no_match(struct parse_ctx *c, const char *tok)
{
	size_t klen = strcspn(tok, "=<>");

	if (!tok[klen])
		return fail(c, "unknown keyword '%s'", tok);
	for (size_t i = 0; i < ARRAY_SIZE(policy_tokens); i++) {
		const char *pat = policy_tokens[i].pattern;

		if (strlen(pat) == klen + 1 && !strncmp(pat, tok, klen))
			return fail(c, "'%.*s' takes '%c', not '%c'", (int)klen, tok,
				    pat[klen], tok[klen]);
	}
	return fail(c, "unknown keyword '%.*s'", (int)klen, tok);
}

static struct id_cond *id_cond_of(struct ima_rule *r, enum id_field f)
{
	struct id_cond *const fields[] = {
		[IDF_UID] = &r->uid, [IDF_EUID] = &r->euid,
		[IDF_GID] = &r->gid, [IDF_EGID] = &r->egid,
		[IDF_FOWNER] = &r->fowner, [IDF_FGROUP] = &r->fgroup,
	};

	return fields[f];
}

static int parse_id(struct parse_ctx *c, struct ima_rule *r,
		    const struct policy_token *t, const char *tok, const char *v)
{
	struct id_cond *id = id_cond_of(r, (enum id_field)t->arg);
	/* the kernel keeps uid and euid (gid and egid) in one field */
	bool shared = (t->arg == IDF_UID || t->arg == IDF_EUID) ? r->uid.set || r->euid.set :
		      (t->arg == IDF_GID || t->arg == IDF_EGID) ? r->gid.set || r->egid.set :
		      id->set;

	if (shared || parse_ulong(v, 10, &id->id) || id->id > UINT32_MAX)
		return fail(c, "bad or second %s (decimal id; one of uid/euid, one of gid/egid)",
			    tok);
	id->set = true;
	id->op = t->op;
	return 0;
}

/* One token of a rule, after its action (or before: then an error). */
static int parse_token(struct parse_ctx *c, struct ima_rule *r, bool *have_action,
		       const char *tok)
{
	const char *v;
	const struct policy_token *t = match_token(tok, &v);
	bool appraise = *have_action && r->action == IMA_ACT_APPRAISE;

	if (!t)
		return no_match(c, tok);
	if (v && !*v)
		return fail(c, "%s needs a value", tok);
	switch (t->opt) {
	case OPT_ACTION:
		if (*have_action)
			return fail(c, "second action '%s' in one rule", tok);
		r->action = (enum ima_action)t->arg;
		*have_action = true;
		return 0;
	case OPT_FUNC:
		if (r->func || parse_func(v, &r->func))
			return fail(c, r->func ? "second func=" : "unknown func=%s", v);
		return 0;
	case OPT_MASK:
		if (r->has_mask || parse_mask(v, r))
			return fail(c, r->has_mask ? "second mask=" : "unknown mask=%s", v);
		return 0;
	case OPT_FSMAGIC:
		if (r->has_fsmagic || parse_ulong(v, 16, &r->fsmagic))
			return fail(c, "bad or second fsmagic=%s (hex)", v);
		r->has_fsmagic = true;
		return 0;
	case OPT_FSUUID:
		if (r->has_fsuuid || parse_uuid(v, r->fsuuid))
			return fail(c, "bad or second fsuuid=%s", v);
		r->has_fsuuid = true;
		return 0;
	case OPT_ID:
		return parse_id(c, r, t, tok, v);
	case OPT_APPRAISE_TYPE:
		if (!appraise)
			return fail(c, "appraise_type= needs the appraise action before it");
		/* ima_parse_rule(): only fs-verity files take sigv3, and only they */
		if (!strcmp(v, "sigv3")) {
			if (!r->verity_required && !c->shown)
				return fail(c, "appraise_type=sigv3 needs digest_type=verity "
					    "before it");
			c->sigv3_first = !r->verity_required;
		} else if (strcmp(v, "imasig") && strcmp(v, "imasig|modsig")) {
			return fail(c, "unknown appraise_type=%s", v);
		} else if (r->verity_required) {
			return fail(c, "appraise_type=%s cannot go with digest_type=verity "
				    "(fs-verity signatures are appraise_type=sigv3)", v);
		}
		r->sig_required = true;
		return 0;
	case OPT_APPRAISE_ALGOS:
		if (!appraise || parse_algos(v, &r->algos))
			return fail(c, appraise ? "bad appraise_algos=%s" :
				    "appraise_algos= needs the appraise action before it", v);
		return 0;
	case OPT_APPRAISE_FLAG:
		if (!appraise || strcmp(v, "check_blacklist"))
			return fail(c, "bad appraise_flag=%s", v);
		append_note(r->unchecked, sizeof(r->unchecked), "appraise_flag=check_blacklist");
		return 0;
	case OPT_DIGEST_TYPE:
		if (strcmp(v, "verity"))
			return fail(c, "unknown digest_type=%s", v);
		if (r->sig_required && !c->sigv3_first)
			return fail(c, "digest_type=verity must come before appraise_type=");
		r->verity_required = true;
		return 0;
	case OPT_LSM:
	case OPT_FSNAME:
		append_note(r->unevaluable, sizeof(r->unevaluable), tok);
		return 0;
	case OPT_PERMIT_DIRECTIO:
	case OPT_MEASURE_ONLY:
		return 0;
	}
	return fail(c, "unknown keyword '%s'", tok);
}

bool ima_rule_has_subject(const struct ima_rule *r)
{
	return r->uid.set || r->euid.set || r->gid.set || r->egid.set;
}

static int parse_rule(struct parse_ctx *c, char *line, struct ima_rule *r)
{
	char *save = NULL, text[1024] = "";
	bool have_action = false;
	size_t len = 0;

	memset(r, 0, sizeof(*r));
	r->line = c->line;
	c->sigv3_first = false;
	for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		int e;

		len += (size_t)snprintf(text + len, len < sizeof(text) ? sizeof(text) - len : 0,
					"%s%s", len ? " " : "", t);
		if (len >= sizeof(text))
			return fail(c, "rule longer than %zu bytes", sizeof(text) - 1);
		e = parse_token(c, r, &have_action, t);
		if (e)
			return e;
	}
	if (!have_action)
		return fail(c, "rule has no action (measure, appraise, dont_appraise, ...)");
	if (c->sigv3_first && !r->verity_required)
		return fail(c, "appraise_type=sigv3 without digest_type=verity");
	if (r->verity_required) {
		/* ima_validate_rule() */
		if (r->action == IMA_ACT_APPRAISE && !r->sig_required)
			return fail(c, "an appraise rule with digest_type=verity needs "
				    "appraise_type=sigv3");
		if (r->func >= IMA_FUNC_MODULE && r->func != IMA_FUNC_FIRMWARE &&
		    r->func != IMA_FUNC_POLICY)
			return fail(c, "digest_type=verity does not go with func=%s",
				    ima_func_name(r->func));
	}
	r->text = strdup(text);
	if (!r->text) {
		fail(c, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int ima_policy_parse(struct ima_policy *p, const char *source,
		     const char *text, size_t len, char *err, size_t errlen)
{
	struct parse_ctx c = { .source = source, .err = err, .errlen = errlen,
			       .shown = !strcmp(source, IMA_POLICY_LIVE) };
	size_t pos = 0, cap = 0;
	int rc = -EINVAL;

	memset(p, 0, sizeof(*p));
	p->source = strdup(source);
	if (!p->source)
		goto oom;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *line = strndup(text + pos, n), *s;

		pos += n + 1;
		c.line++;
		if (!line)
			goto oom;
		if (strlen(line) != n) {
			free(line);
			fail(&c, "NUL byte in the policy");
			goto bad;
		}
		s = line + strspn(line, " \t\r");
		if (*s == '#' || !*s) {
			free(line);
			continue;
		}
		if (grow_array(&p->rules, &cap, p->n + 1, sizeof(*p->rules), 32)) {
			free(line);
			goto oom;
		}
		rc = parse_rule(&c, s, &p->rules[p->n]);
		free(line);
		if (rc)
			goto bad;
		p->n++;
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", source);
	rc = -ENOMEM;
bad:
	ima_policy_free(p);
	return rc;
}

void ima_policy_free(struct ima_policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rules[i].text);
	free(p->rules);
	free(p->source);
	memset(p, 0, sizeof(*p));
}
