// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs.h"
#include "hashalgo.h"
#include "ready_policy.h"

/*
 * The kernel's built-in ima_policy=appraise_tcb rules (ima_policy.c,
 * default_appraise_rules, with CONFIG_IMA_WRITE_POLICY), as
 * /sys/kernel/security/ima/policy shows them.
 */
static const char appraise_tcb[] =
	"dont_appraise fsmagic=0x9fa0\n"	/* proc */
	"dont_appraise fsmagic=0x62656572\n"	/* sysfs */
	"dont_appraise fsmagic=0x64626720\n"	/* debugfs */
	"dont_appraise fsmagic=0x1021994\n"	/* tmpfs */
	"dont_appraise fsmagic=0x858458f6\n"	/* ramfs */
	"dont_appraise fsmagic=0x1cd1\n"	/* devpts */
	"dont_appraise fsmagic=0x42494e4d\n"	/* binfmt_misc */
	"dont_appraise fsmagic=0x73636673\n"	/* securityfs */
	"dont_appraise fsmagic=0xf97cff8c\n"	/* selinuxfs */
	"dont_appraise fsmagic=0x43415d53\n"	/* smackfs */
	"dont_appraise fsmagic=0x6e736673\n"	/* nsfs */
	"dont_appraise fsmagic=0xde5e81e4\n"	/* efivarfs */
	"dont_appraise fsmagic=0x27e0eb\n"	/* cgroup */
	"dont_appraise fsmagic=0x63677270\n"	/* cgroup2 */
	"appraise func=POLICY_CHECK appraise_type=imasig\n"
	"appraise fowner=0\n";

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

const char *ima_func_name(enum ima_func f)
{
	return f < sizeof(func_names) / sizeof(func_names[0]) ? func_names[f] : "?";
}

static int parse_func(const char *v, enum ima_func *f)
{
	/* older spellings the kernel still accepts */
	if (!strcmp(v, "PATH_CHECK"))
		v = "FILE_CHECK";
	else if (!strcmp(v, "FILE_MMAP"))
		v = "MMAP_CHECK";
	for (size_t i = 1; i < sizeof(func_names) / sizeof(func_names[0]); i++)
		if (!strcmp(v, func_names[i])) {
			*f = (enum ima_func)i;
			return 0;
		}
	return -1;
}

static int parse_mask(const char *v, struct ima_rule *r)
{
	static const struct { const char *name; unsigned bit; } masks[] = {
		{ "MAY_EXEC", IMA_MAY_EXEC }, { "MAY_WRITE", IMA_MAY_WRITE },
		{ "MAY_READ", IMA_MAY_READ }, { "MAY_APPEND", IMA_MAY_APPEND },
	};

	r->inmask = v[0] == '^';
	v += r->inmask;
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		if (!strcmp(v, masks[i].name)) {
			r->mask = masks[i].bit;
			r->has_mask = true;
			return 0;
		}
	return -1;
}

static int parse_ulong(const char *v, int base, unsigned long *out)
{
	char *end;

	if (!*v || *v == '-' || *v == '+' || *v == ' ')
		return -1;
	errno = 0;
	*out = strtoul(v, &end, base);
	return errno || *end ? -1 : 0;
}

static int parse_uuid(const char *v, uint8_t out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t k = 0, d = 0;

	if (strlen(v) != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		char hex[3] = { 0 };

		if (d < 4 && (int)i == dash[d]) {
			if (v[i] != '-')
				return -1;
			d++;
			continue;
		}
		hex[0] = v[i];
		hex[1] = v[++i];
		if (!strchr("0123456789abcdefABCDEF", hex[0]) || !hex[0] ||
		    !strchr("0123456789abcdefABCDEF", hex[1]) || !hex[1])
			return -1;
		out[k++] = (uint8_t)strtoul(hex, NULL, 16);
	}
	return k == 16 ? 0 : -1;
}

static int parse_algos(const char *v, unsigned long *algos)
{
	char buf[256], *save = NULL;

	if (strlen(v) >= sizeof(buf))
		return -1;
	strcpy(buf, v);
	*algos = 0;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		/* any name the kernel knows, computable here or not */
		int id = HASH_ALGO_LAST;

		for (int i = 0; i < HASH_ALGO_LAST; i++)
			if (!strcmp(hash_algo_by_id(i)->name, t))
				id = i;
		if (id == HASH_ALGO_LAST)
			return -1;
		*algos |= 1UL << id;
	}
	return *algos ? 0 : -1;
}

static void append_note(char *buf, size_t cap, const char *tok)
{
	size_t len = strlen(buf);

	snprintf(buf + len, cap - len, "%s%s", len ? " " : "", tok);
}

struct parse_ctx {
	const char *source;
	unsigned line;
	char *err;
	size_t errlen;
};

static int fail(struct parse_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s: line %u: ", c->source, c->line);

	if (n < 0 || (size_t)n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static struct id_cond *id_field(struct ima_rule *r, const char *key)
{
	if (!strcmp(key, "uid")) return &r->uid;
	if (!strcmp(key, "euid")) return &r->euid;
	if (!strcmp(key, "gid")) return &r->gid;
	if (!strcmp(key, "egid")) return &r->egid;
	if (!strcmp(key, "fowner")) return &r->fowner;
	if (!strcmp(key, "fgroup")) return &r->fgroup;
	return NULL;
}

static int set_action(struct parse_ctx *c, struct ima_rule *r, bool *have,
		      const char *tok)
{
	static const char *const names[] = {
		[IMA_ACT_MEASURE] = "measure", [IMA_ACT_DONT_MEASURE] = "dont_measure",
		[IMA_ACT_APPRAISE] = "appraise", [IMA_ACT_DONT_APPRAISE] = "dont_appraise",
		[IMA_ACT_AUDIT] = "audit", [IMA_ACT_HASH] = "hash",
		[IMA_ACT_DONT_HASH] = "dont_hash",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(tok, names[i])) {
			if (*have)
				return fail(c, "second action '%s' in one rule", tok);
			r->action = (enum ima_action)i;
			*have = true;
			return 1;
		}
	return 0;
}

/* One KEY OP VALUE token of a rule whose action is known (or not yet). */
static int parse_token(struct parse_ctx *c, struct ima_rule *r, bool have_action,
		       char *tok)
{
	size_t klen = strcspn(tok, "=<>");
	char op = tok[klen], *v = tok + klen + (op != '\0');
	struct id_cond *id;
	bool appraise = have_action && r->action == IMA_ACT_APPRAISE;

	tok[klen] = '\0';
	if (!strcmp(tok, "permit_directio") && !op)
		return 0;
	if (!op)
		return fail(c, "unknown keyword '%s'", tok);
	if (op != '=' && !id_field(r, tok))
		return fail(c, "'%s' takes '=', not '%c'", tok, op);
	if (!*v)
		return fail(c, "%s%c needs a value", tok, op);
	if (!strcmp(tok, "func")) {
		if (r->func || parse_func(v, &r->func))
			return fail(c, r->func ? "second func=" : "unknown func=%s", v);
	} else if (!strcmp(tok, "mask")) {
		if (r->has_mask || parse_mask(v, r))
			return fail(c, r->has_mask ? "second mask=" : "unknown mask=%s", v);
	} else if (!strcmp(tok, "fsmagic")) {
		if (r->has_fsmagic || parse_ulong(v, 16, &r->fsmagic))
			return fail(c, "bad or second fsmagic=%s (hex)", v);
		r->has_fsmagic = true;
	} else if (!strcmp(tok, "fsuuid")) {
		if (r->has_fsuuid || parse_uuid(v, r->fsuuid))
			return fail(c, "bad or second fsuuid=%s", v);
		r->has_fsuuid = true;
	} else if ((id = id_field(r, tok))) {
		if (id->set || parse_ulong(v, 10, &id->id))
			return fail(c, "bad or second %s%c%s (decimal id)", tok, op, v);
		id->set = true;
		id->op = op == '=' ? ID_EQ : op == '<' ? ID_LT : ID_GT;
	} else if (!strcmp(tok, "appraise_type")) {
		if (!appraise)
			return fail(c, "appraise_type= needs the appraise action before it");
		if (!strcmp(v, "sigv3")) {
			append_note(r->unchecked, sizeof(r->unchecked),
				    "appraise_type=sigv3 (checked as imasig)");
		} else if (strcmp(v, "imasig") && strcmp(v, "imasig|modsig")) {
			return fail(c, "unknown appraise_type=%s", v);
		}
		r->sig_required = true;
	} else if (!strcmp(tok, "appraise_algos")) {
		if (!appraise || parse_algos(v, &r->algos))
			return fail(c, appraise ? "bad appraise_algos=%s" :
				    "appraise_algos= needs the appraise action before it", v);
	} else if (!strcmp(tok, "appraise_flag")) {
		if (!appraise || strcmp(v, "check_blacklist"))
			return fail(c, "bad appraise_flag=%s", v);
		append_note(r->unchecked, sizeof(r->unchecked), "appraise_flag=check_blacklist");
	} else if (!strcmp(tok, "digest_type")) {
		if (strcmp(v, "verity"))
			return fail(c, "unknown digest_type=%s", v);
		append_note(r->unchecked, sizeof(r->unchecked), "digest_type=verity");
	} else if (!strcmp(tok, "fsname") || !strncmp(tok, "obj_", 4) ||
		   !strncmp(tok, "subj_", 5)) {
		static const char *const lsm[] = {
			"obj_user", "obj_role", "obj_type",
			"subj_user", "subj_role", "subj_type",
		};
		bool known = !strcmp(tok, "fsname");

		for (size_t i = 0; i < sizeof(lsm) / sizeof(lsm[0]); i++)
			known |= !strcmp(tok, lsm[i]);
		if (!known)
			return fail(c, "unknown keyword '%s'", tok);
		tok[klen] = op;
		append_note(r->unevaluable, sizeof(r->unevaluable), tok);
	} else if (!strcmp(tok, "pcr") || !strcmp(tok, "template") ||
		   !strcmp(tok, "keyrings") || !strcmp(tok, "label")) {
		/* measurement options: no bearing on appraisal */
	} else {
		return fail(c, "unknown keyword '%s'", tok);
	}
	return 0;
}

static int parse_rule(struct parse_ctx *c, char *line, struct ima_rule *r)
{
	char *save = NULL, text[1024] = "";
	bool have_action = false;
	size_t len = 0;

	memset(r, 0, sizeof(*r));
	r->line = c->line;
	for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		int a;

		len += (size_t)snprintf(text + len, len < sizeof(text) ? sizeof(text) - len : 0,
					"%s%s", len ? " " : "", t);
		if (len >= sizeof(text))
			return fail(c, "rule longer than %zu bytes", sizeof(text) - 1);
		a = set_action(c, r, &have_action, t);
		if (a < 0)
			return -1;
		if (!a && parse_token(c, r, have_action, t))
			return -1;
	}
	if (!have_action)
		return fail(c, "rule has no action (measure, appraise, dont_appraise, ...)");
	r->text = strdup(text);
	if (!r->text)
		return fail(c, "out of memory");
	return 0;
}

int ima_policy_parse(struct ima_policy *p, const char *source,
		     const char *text, size_t len, char *err, size_t errlen)
{
	struct parse_ctx c = { .source = source, .err = err, .errlen = errlen };
	size_t pos = 0, cap = 0;

	memset(p, 0, sizeof(*p));
	p->source = strdup(source);
	if (!p->source)
		goto oom;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *line = strndup(text + pos, n), *s;
		int r;

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
		if (p->n == cap) {
			struct ima_rule *v = realloc(p->rules, (cap ? 2 * cap : 32) * sizeof(*v));

			if (!v) {
				free(line);
				goto oom;
			}
			p->rules = v;
			cap = cap ? 2 * cap : 32;
		}
		r = parse_rule(&c, s, &p->rules[p->n]);
		free(line);
		if (r)
			goto bad;
		p->n++;
	}
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", source);
bad:
	ima_policy_free(p);
	return -1;
}

int ima_policy_load(struct ima_policy *p, const char *spec, char *err, size_t errlen)
{
	const char *path = spec ? spec : IMA_POLICY_LIVE;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if (spec && !strncmp(spec, "builtin:", 8)) {
		if (strcmp(spec + 8, "appraise_tcb")) {
			snprintf(err, errlen, "unknown built-in policy '%s' (known: builtin:appraise_tcb)",
				 spec);
			return -1;
		}
		return ima_policy_parse(p, spec, appraise_tcb, sizeof(appraise_tcb) - 1,
					err, errlen);
	}
	r = file_slurp(path, &buf, &len, 1 << 20);
	if (r) {
		snprintf(err, errlen, "cannot read the policy %s: %s%s", path, strerror(-r),
			 spec ? "" : " (needs securityfs and CONFIG_IMA_READ_POLICY;"
			 " or name one: --policy FILE|builtin:appraise_tcb)");
		return -1;
	}
	r = ima_policy_parse(p, path, (const char *)buf, len, err, errlen);
	free(buf);
	return r;
}

void ima_policy_free(struct ima_policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rules[i].text);
	free(p->rules);
	free(p->source);
	memset(p, 0, sizeof(*p));
}
