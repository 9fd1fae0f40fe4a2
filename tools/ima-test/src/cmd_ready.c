// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test ready: before switching to ima_appraise=enforce, list the files
 * the policy appraises that enforce mode would deny.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "common.h"
#include "out.h"
#include "ready_eval.h"
#include "ready_policy.h"
#include "scan.h"

static const char help[] =
	"Usage: ima-test ready [--policy POLICY] [--cert CERT]... [OPTIONS] ROOT...\n"
	"List the files under ROOT that the IMA policy appraises and that\n"
	"ima_appraise=enforce would deny: missing, stale, bad-signature,\n"
	"unknown-key, signature-required (only a digest where the policy wants a\n"
	"signature), algorithm-not-allowed, and files that cannot be checked;\n"
	"then a summary.  Each file is judged for the accesses it will meet: open\n"
	"for read, and exec and mmap if it has an execute bit.\n\n"
	"      --policy POLICY a policy file, builtin:appraise_tcb (the kernel's\n"
	"                      ima_policy=appraise_tcb), or by default the live\n"
	"                      " IMA_POLICY_LIVE "\n"
	"      --cert CERT     X.509 certificate of a key in the kernel's _ima\n"
	"                      keyring, PEM or DER (repeatable)\n"
	"      --uid N, --gid N  the process making the accesses (default 0)\n"
	"      --format FMT    text (default) or json (JSON lines)\n"
	"      --xattr-user    use user.ima instead of security.ima\n"
	"  -x, --one-file-system  stay on the file system of each ROOT\n"
	"      --follow        follow symlinks (and judge their targets)\n"
	"  -j, --jobs N        worker threads (default: online CPUs)\n"
	"  -v, --verbose       also list files that pass or are not appraised\n"
	"  -h, --help          show this help\n"
	"Exit status: 0 nothing would be denied, 1 some file would be, 2 usage,\n"
	"policy or environment error.\n";

enum { OPT_POLICY = 0x200, OPT_UID, OPT_GID };

enum verdict {
	V_DENY_SIG = CHECK__COUNT,	/* after the check classes */
	V_DENY_ALGO,
	V_PASS,
	V_NOT_APPRAISED,
	V__COUNT
};

struct record {
	char *path;
	int verdict;		/* enum check_class or enum verdict */
	char *detail;
	char extra[192];
};

struct ready {
	struct ima_policy policy;
	struct ready_subject subject;
	struct check_opts check;
	struct out out;
	enum out_format fmt;
	bool verbose;
	pthread_mutex_t lock;
	struct record *rec;
	size_t nrec, caprec;
	unsigned long counts[V__COUNT];
	unsigned long skipped, errors, assumed;
};

static const char *verdict_name(int v)
{
	switch (v) {
	case V_DENY_SIG: return "signature-required";
	case V_DENY_ALGO: return "algorithm-not-allowed";
	case V_PASS: return "ok";
	case V_NOT_APPRAISED: return "not-appraised";
	default: return check_class_name((enum check_class)v);
	}
}

static void add_record(struct ready *r, const char *path, int v,
		       const char *detail, const char *extra)
{
	struct record rec = { .verdict = v };

	pthread_mutex_lock(&r->lock);
	r->counts[v]++;
	if (v >= V_PASS && !r->verbose)
		goto out;
	if (r->nrec == r->caprec) {
		size_t cap = r->caprec ? 2 * r->caprec : 64;
		struct record *n = realloc(r->rec, cap * sizeof(*n));

		if (!n)
			goto oom;
		r->rec = n;
		r->caprec = cap;
	}
	rec.path = strdup(path);
	rec.detail = strdup(detail);
	if (!rec.path || !rec.detail) {
		free(rec.path);
		free(rec.detail);
		goto oom;
	}
	snprintf(rec.extra, sizeof(rec.extra), "%s", extra);
	r->rec[r->nrec++] = rec;
out:
	pthread_mutex_unlock(&r->lock);
	return;
oom:
	r->errors++;
	pthread_mutex_unlock(&r->lock);
	out_error(&r->out, path, "out of memory");
}

static void add_assumption(char *buf, size_t cap, const struct ready_decision *d)
{
	snprintf(buf, cap, "; assumes line %u %s: %s", d->assumed->line,
		 d->assumed->action == IMA_ACT_APPRAISE ? "matches" : "does not match",
		 d->assumed_why);
}

/* Errors quote policy text: escaped like any untrusted text. */
static void ready_error(const char *err)
{
	fputs("ima-test ready: ", stderr);
	text_write_escaped(stderr, err);
	fputc('\n', stderr);
}

static int ready_file(void *arg, const char *path, int fd, const struct stat *st)
{
	struct ready *r = arg;
	struct ready_decision d;
	struct check_result cr;
	const struct ima_rule *rule;
	enum ready_access acc;
	char why[512], detail[1024], extra[192];
	size_t n;
	int v;

	if (fd < 0)
		snprintf(why, sizeof(why), "cannot open: %s", strerror(-fd));
	else if (!ready_decide(&r->policy, &r->subject, fd, st, &d, why, sizeof(why)))
		why[0] = '\0';
	if (why[0]) {
		add_record(r, path, CHECK_UNREADABLE, why, "");
		return EXIT_FINDINGS;
	}
	if (d.assumed) {
		pthread_mutex_lock(&r->lock);
		r->assumed++;
		pthread_mutex_unlock(&r->lock);
	}
	if (!d.appraised) {
		if (d.dont_rule)
			n = (size_t)snprintf(detail, sizeof(detail), "line %u: %s",
					     d.dont_rule->line, d.dont_rule->text);
		else
			n = (size_t)snprintf(detail, sizeof(detail), "no appraise rule matches");
		if (d.assumed && n < sizeof(detail))
			add_assumption(detail + n, sizeof(detail) - n, &d);
		snprintf(extra, sizeof(extra), "\"line\":%u",
			 d.dont_rule ? d.dont_rule->line : 0);
		add_record(r, path, V_NOT_APPRAISED, detail, extra);
		return EXIT_OK;
	}
	check_fd(&r->check, fd, &cr);
	out_tick(&r->out);
	v = cr.cls;
	rule = d.rule;
	acc = d.access;
	snprintf(why, sizeof(why), "%s", cr.detail);
	if (cr.cls == CHECK_OK && d.sig_required && strcmp(cr.kind, "signature")) {
		v = V_DENY_SIG;
		rule = d.sig_rule;
		acc = d.sig_access;
		snprintf(why, sizeof(why), "%s digest where a signature is required",
			 cr.algo->name);
	} else if (cr.cls == CHECK_OK && d.algos_rule &&
		   !(d.algos & (1UL << cr.algo->id))) {
		v = V_DENY_ALGO;
		rule = d.algos_rule;
		snprintf(why, sizeof(why), "%s not in appraise_algos", cr.algo->name);
	} else if (cr.cls == CHECK_OK) {
		v = V_PASS;
		snprintf(why, sizeof(why), "%s", cr.kind);
	}
	n = (size_t)snprintf(detail, sizeof(detail), "%s; appraised on %s by line %u: %s",
			     why, ready_access_name(acc), rule->line, rule->text);
	if (d.assumed && n < sizeof(detail))
		add_assumption(detail + n, sizeof(detail) - n, &d);
	snprintf(extra, sizeof(extra), "\"line\":%u,\"access\":\"%s\",\"signature_required\":%s",
		 rule->line, ready_access_name(acc), d.sig_required ? "true" : "false");
	add_record(r, path, v, detail, extra);
	return v == V_PASS ? EXIT_OK : EXIT_FINDINGS;
}

static int ready_skip(void *arg, const char *path, const char *why, int status)
{
	struct ready *r = arg;

	pthread_mutex_lock(&r->lock);
	if (status)
		r->errors++;
	else
		r->skipped++;
	pthread_mutex_unlock(&r->lock);
	if (status || r->verbose)
		out_error(&r->out, path, "%s", why);
	return status;
}

static void print_header(struct ready *r)
{
	const struct ima_policy *p = &r->policy;
	size_t nappr = 0;
	FILE *fp = stdout;
	bool json = r->fmt == OUT_JSON;

	for (size_t i = 0; i < p->n; i++)
		nappr += p->rules[i].action == IMA_ACT_APPRAISE ||
			 p->rules[i].action == IMA_ACT_DONT_APPRAISE;
	if (json) {
		fputs("{\"policy\":", fp);
		json_write_string(fp, p->source);
		fprintf(fp, ",\"rules\":%zu,\"appraisal_rules\":%zu,\"uid\":%lu,\"gid\":%lu}\n",
			p->n, nappr, r->subject.uid, r->subject.gid);
	} else {
		fputs("policy: ", fp);
		text_write_name(fp, p->source);
		fprintf(fp, ": %zu rules, %zu about appraisal\n", p->n, nappr);
		fprintf(fp, "accesses: open for read; exec and mmap of files with an execute bit;"
			" by uid %lu gid %lu\n", r->subject.uid, r->subject.gid);
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct ima_rule *rule = &p->rules[i];
		char note[512];

		if (rule->action != IMA_ACT_APPRAISE && rule->action != IMA_ACT_DONT_APPRAISE)
			continue;
		if (!ready_rule_in_scope(rule))
			snprintf(note, sizeof(note), "applies to no access checked here");
		else if (rule->unevaluable[0])
			snprintf(note, sizeof(note), "cannot evaluate %s: assumed to %s",
				 rule->unevaluable, rule->action == IMA_ACT_APPRAISE ?
				 "match (the file is checked)" : "not match");
		else if (rule->unchecked[0])
			snprintf(note, sizeof(note), "not checked: %s", rule->unchecked);
		else if (rule->has_fsuuid)
			snprintf(note, sizeof(note),
				 "fsuuid is read from each file system (FS_IOC_GETFSUUID); "
				 "where it cannot be, the rule is assumed to %s",
				 rule->action == IMA_ACT_APPRAISE ? "match" : "not match");
		else
			continue;
		if (json) {
			fprintf(fp, "{\"note\":");
			json_write_string(fp, note);
			fprintf(fp, ",\"line\":%u,\"rule\":", rule->line);
			json_write_string(fp, rule->text);
			fputs("}\n", fp);
		} else {
			fprintf(fp, "note: line %u: ", rule->line);
			text_write_escaped(fp, rule->text);
			fputs(": ", fp);
			text_write_escaped(fp, note);
			fputc('\n', fp);
		}
	}
}

static void print_summary(struct ready *r)
{
	static const int deny[] = {
		CHECK_MISSING, CHECK_STALE, CHECK_BAD_SIGNATURE, CHECK_UNKNOWN_KEY, V_DENY_SIG,
	};
	unsigned long files = 0, denied = 0, other;

	for (int v = 0; v < V__COUNT; v++)
		files += r->counts[v];
	denied = files - r->counts[V_PASS] - r->counts[V_NOT_APPRAISED];
	if (r->fmt == OUT_JSON) {
		printf("{\"summary\":{\"files\":%lu,\"appraised\":%lu,\"not_appraised\":%lu,"
		       "\"denied\":%lu", files, files - r->counts[V_NOT_APPRAISED],
		       r->counts[V_NOT_APPRAISED], denied);
		for (int v = 0; v < V_PASS; v++)
			if (v != CHECK_OK)
				printf(",\"%s\":%lu", verdict_name(v), r->counts[v]);
		printf(",\"assumed\":%lu,\"skipped\":%lu,\"errors\":%lu}}\n",
		       r->assumed, r->skipped, r->errors);
		return;
	}
	other = denied;
	printf("summary: %lu files: %lu appraised, %lu not appraised; enforce would deny %lu (",
	       files, files - r->counts[V_NOT_APPRAISED], r->counts[V_NOT_APPRAISED], denied);
	for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
		printf("%lu %s, ", r->counts[deny[i]], verdict_name(deny[i]));
		other -= r->counts[deny[i]];
	}
	printf("%lu other)", other);
	if (r->assumed)
		printf("; %lu decided by assumption", r->assumed);
	if (r->skipped || r->errors)
		printf("; %lu skipped, %lu errors", r->skipped, r->errors);
	putchar('\n');
}

static int cmp_record(const void *a, const void *b)
{
	return strcmp(((const struct record *)a)->path, ((const struct record *)b)->path);
}

static int parse_id(const char *opt, const char *arg, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno) {
		usage_error("ready", "%s wants a decimal id, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

int cmd_ready(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct tree_opts tree = { .walk.recursive = true };
	struct certset certs = { 0 };
	struct ready r = { .fmt = OUT_TEXT, .lock = PTHREAD_MUTEX_INITIALIZER };
	const char *policy = NULL;
	char err[512];
	int opt, status = EXIT_TROUBLE;

	optind = 1;
	while ((opt = getopt_long(argc, argv, TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		int t = tree_option("ready", opt, optarg, &tree);

		if (t < 0)
			goto out;
		if (t)
			continue;
		switch (opt) {
		case OPT_POLICY:
			policy = optarg;
			break;
		case OPT_CERT:
			if (certset_add(&certs, optarg, err, sizeof(err))) {
				ready_error(err);
				goto out;
			}
			break;
		case OPT_FORMAT:
			if (scan_parse_format("ready", optarg, &r.fmt))
				goto out;
			break;
		case OPT_UID:
		case OPT_GID:
			if (parse_id(opt == OPT_UID ? "--uid" : "--gid", optarg,
				     opt == OPT_UID ? &r.subject.uid : &r.subject.gid))
				goto out;
			break;
		case 'h':
			fputs(help, stdout);
			status = EXIT_OK;
			goto out;
		default:
			usage_error("ready", "bad option");
			goto out;
		}
	}
	if (optind >= argc) {
		usage_error("ready", "no ROOT given");
		goto out;
	}
	if (ima_policy_load(&r.policy, policy, err, sizeof(err))) {
		ready_error(err);
		goto out;
	}
	tree.walk.recursive = true;
	r.verbose = tree.verbose;
	r.check = (struct check_opts){ .certs = &certs, .user_xattr = tree.user_xattr,
				       .follow = tree.walk.follow };
	print_header(&r);
	fflush(stdout);
	out_init(&r.out, r.fmt, true);
	status = walk_paths(&tree.walk, argv + optind, (size_t)(argc - optind),
			    ready_file, ready_skip, &r);
	out_finish(&r.out);
	if (r.nrec)
		qsort(r.rec, r.nrec, sizeof(*r.rec), cmp_record);
	out_init(&r.out, r.fmt, false);
	for (size_t i = 0; i < r.nrec; i++)
		out_result(&r.out, r.rec[i].path, verdict_name(r.rec[i].verdict),
			   r.rec[i].detail, r.rec[i].extra[0] ? r.rec[i].extra : NULL);
	out_finish(&r.out);
	print_summary(&r);
	fflush(stdout);
out:
	for (size_t i = 0; i < r.nrec; i++) {
		free(r.rec[i].path);
		free(r.rec[i].detail);
	}
	free(r.rec);
	ima_policy_free(&r.policy);
	certset_free(&certs);
	pthread_mutex_destroy(&r.lock);
	return status;
}
