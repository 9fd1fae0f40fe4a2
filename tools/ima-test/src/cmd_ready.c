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
#include <sys/xattr.h>

#include "commands.h"
#include "evm_opts.h"
#include "common.h"
#include "ready.h"
#include "scan.h"
#include "util.h"

static const char help[] =
	"Usage: ima-test ready [--policy POLICY] [--cert CERT]... [OPTIONS] ROOT...\n"
	"List the files under ROOT that the IMA policy appraises and that\n"
	"ima_appraise=enforce would deny: missing, stale, bad-signature,\n"
	"unknown-key, signature-required (only a digest where the policy wants a\n"
	"signature), algorithm-not-allowed, verity-required and sigv3-required\n"
	"(digest_type=verity rules), evm-missing, evm-invalid, and files\n"
	"that cannot be checked; then a summary.  Each file is judged for the\n"
	"accesses it can meet: open for read, mmap for exec of object code (an ELF\n"
	"file or one with an execute bit; every file with --mmap-any) unless its\n"
	"file system is mounted noexec, exec if it has an execute bit, and open for\n"
	"write (read-write, append) unless mounted read-only: the kernel refuses\n"
	"that to a signed file it appraises then (write-refused).\n\n"
	"      --policy POLICY a policy file, builtin:appraise_tcb (the kernel's\n"
	"                      ima_policy=appraise_tcb), or by default the live\n"
	"                      " IMA_POLICY_LIVE ", and where the\n"
	"                      kernel does not let that be read, the file systemd\n"
	"                      loads at boot, " IMA_POLICY_BOOT_FILE "\n"
	"      --cert CERT     X.509 certificate of a key in the kernel's _ima\n"
	"                      keyring, PEM or DER (repeatable)\n"
	"      --uid N, --gid N  the process making the accesses (default: root\n"
	"                      and the ids the policy's uid/gid conditions name)\n"
	"      --access LIST   model only these accesses: read, write (opens for\n"
	"                      write: a signed file is refused them), exec, mmap\n"
	"                      (default: all of them)\n"
	"      --mmap-any      model PROT_EXEC mappings of every file, not only of\n"
	"                      object code (ELF files and files with an execute bit)\n"
	"      --evm-state FILE  EVM's state (default " EVM_STATE_SECURITYFS ")\n"
	"      --evm           model EVM as initialised whatever that file says\n"
	"      --evm-xattrs-file FILE  the kernel's list of the xattrs EVM covers\n"
	"                      (default " EVM_XATTRS_SECURITYFS ")\n"
	"      --kernel-config FILE  else the config that tells them (default\n"
	"                      /boot/config-$(uname -r), then /proc/config.gz)\n"
	"      --evm-xattrs LIST  else these (security.selinux,security.ima,...)\n"
	"      --evm-key FILE  the EVM HMAC key: raw bytes or hex digits; without\n"
	"                      it an HMAC cannot be verified and counts as a denial;\n"
	"                      with --kmk, the encrypted key blob keyctl pipe prints\n"
	"      --kmk FILE      the user key that is the blob's master key (its\n"
	"                      bytes, as keyctl pipe prints them)\n"
	"      --uuid UUID     file system UUID for the HMAC (default: asked of\n"
	"                      the file system)\n"
	"      --no-fsuuid     the kernel lacks CONFIG_EVM_ATTR_FSUUID\n"
	"      --format FMT    text (default) or json (JSON lines)\n"
	"      --xattr-user    use user.ima instead of security.ima\n"
	"  -x, --one-file-system  stay on the file system of each ROOT\n"
	"      --follow        follow symlinks (and judge their targets)\n"
	"  -j, --jobs N        worker threads (default: online CPUs)\n"
	"  -v, --verbose       also list files that pass or are not appraised\n"
	"  -h, --help          show this help\n"
	"Exit status: 0 nothing would be denied, 1 some file would be, 2 usage,\n"
	"policy or environment error.\n";

/* @json: the record's "line", "access" and "signature_required" (see struct record). */
static void add_record(struct ready *r, const char *path, int v,
		       const char *detail, const struct record *json)
{
	struct record rec = *json;

	rec.verdict = v;

	pthread_mutex_lock(&r->lock);
	r->counts[v]++;
	if (v >= V_PASS && !r->verbose)
		goto out;
	if (grow_array(&r->rec, &r->caprec, r->nrec + 1, sizeof(*r->rec), 64))
		goto oom;
	rec.path = strdup(path);
	rec.detail = strdup(detail);
	if (!rec.path || !rec.detail) {
		free(rec.path);
		free(rec.detail);
		goto oom;
	}
	r->rec[r->nrec++] = rec;
out:
	pthread_mutex_unlock(&r->lock);
	return;
oom:
	r->errors++;
	pthread_mutex_unlock(&r->lock);
	out_error(&r->out, path, "out of memory");
}

static void add_assumption(char *buf, size_t cap, const struct ima_decision *d)
{
	snprintf(buf, cap, "; assumes line %u %s: %s", d->assumed->line,
		 d->assumed->action == IMA_ACT_APPRAISE ? "matches" : "does not match",
		 d->assumed_why);
}

/* Errors quote policy text: escaped like any untrusted text. */
static void ready_error(const char *err)
{
	cmd_warnx_escaped("", err);
}

/* " for uid U gid G", with the effective ids where they differ. */
static void ready_subject_name(char *buf, size_t cap, const struct ima_subject *s)
{
	int n = snprintf(buf, cap, " for uid %lu", s->uid);

	if (s->euid != s->uid)
		n += snprintf(buf + n, cap - (size_t)n, " euid %lu", s->euid);
	n += snprintf(buf + n, cap - (size_t)n, " gid %lu", s->gid);
	if (s->egid != s->gid)
		snprintf(buf + n, cap - (size_t)n, " egid %lu", s->egid);
}

/*
 * 1 when the kernel marks the file IMA_DIGSIG when it appraises it, and
 * then refuses to open it for write (process_measurement()): a signature
 * in the IMA xattr (v2 or fs-verity), or, with EVM on, a portable EVM
 * signature (INTEGRITY_PASS_IMMUTABLE); 0 when not, -errno when the
 * xattrs cannot be read.
 */
static int ready_signed(const struct ready *r, int fd)
{
	uint8_t v[IMA_XATTR_MAX];
	ssize_t n = fgetxattr(fd, r->check.user_xattr ? "user.ima" : "security.ima", v, sizeof(v));

	if (n < 0 && errno != ENODATA)
		return -errno;
	if (n > 0 && (v[0] == EVM_IMA_XATTR_DIGSIG || v[0] == IMA_VERITY_DIGSIG))
		return 1;
	if (!r->evm.state.active)
		return 0;
	n = fgetxattr(fd, evm_xattr_evm_name(r->check.user_xattr), v, sizeof(v));
	if (n < 0 && errno != ENODATA)
		return -errno;
	return n > 0 && v[0] == EVM_XATTR_PORTABLE_DIGSIG;
}

static int ready_file(void *arg, const char *path, int fd, const struct walk_entry *we)
{
	struct ready *r = arg;
	struct ima_decision d;
	struct ima_file_facts facts;
	struct check_result cr;
	struct check_opts copts;
	bool v3;
	const struct ima_rule *rule;
	const struct ima_subject *subj;
	enum ima_access acc;
	char why[512], detail[1024], by[96] = "";
	size_t n;
	int v, e;

	/* the walker's descriptor and stat: nothing is looked up by name again */
	e = fd < 0 ? fd : ima_file_facts_read(&facts, fd, &we->st, r->want_uuid);
	if (e) {
		snprintf(why, sizeof(why), "cannot %s: %s", fd < 0 ? "open" : "inspect",
			 strerror(-e));
		add_record(r, path, CHECK_UNREADABLE, why, &(struct record){ 0 });
		return EXIT_FINDINGS;
	}
	facts.map_any = r->map_any;
	facts.kinds = r->kinds;
	ima_policy_decide(&r->policy, &r->subjects, &facts, &d);
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
		add_record(r, path, V_NOT_APPRAISED, detail, &(struct record){
			.has_line = true, .line = d.dont_rule ? d.dont_rule->line : 0 });
		return EXIT_OK;
	}
	/* a version 3 signature is checked against the fs-verity digest under
	 * digest_type=verity, and otherwise against the content's hash */
	copts = r->check;
	copts.sigv3_content = !d.verity_required;
	check_fd(&copts, fd, &cr);
	out_tick(&r->out);
	v = cr.cls;
	rule = d.rule;
	acc = d.access;
	subj = d.subject;
	v3 = cr.kind && !strcmp(cr.kind, "verity-signature");
	snprintf(why, sizeof(why), "%s", cr.detail);
	if (d.verity_required && (!facts.verity || (cr.kind && !v3))) {
		/* ima_collect_measurement() fails first ("no-verity-digest"), then
		 * xattr_verify() refuses a digest or a v2 signature
		 * ("verity-signature-required") */
		v = facts.verity ? V_DENY_SIGV3 : V_DENY_VERITY;
		rule = d.verity_rule;
		acc = d.verity_access;
		subj = d.verity_subject;
		snprintf(why, sizeof(why), "%s", !facts.verity ?
			 "fs-verity is not enabled on the file" :
			 !strcmp(cr.kind, "signature") ?
			 "v2 signature where an fs-verity signature (sigv3) is required" :
			 "digest where an fs-verity signature (sigv3) is required");
	} else if (v3 && d.sig_required && !d.verity_required) {
		/* xattr_verify(): "IMA-signature-required" */
		v = V_DENY_SIG;
		rule = d.sig_rule;
		acc = d.sig_access;
		subj = d.sig_subject;
		snprintf(why, sizeof(why), "fs-verity signature where a v2 signature is "
			 "required (the rule has no digest_type=verity)");
	} else if (cr.cls == CHECK_OK && d.sig_required && !strstr(cr.kind, "signature")) {
		v = V_DENY_SIG;
		rule = d.sig_rule;
		acc = d.sig_access;
		subj = d.sig_subject;
		snprintf(why, sizeof(why), "%s digest where a signature is required",
			 cr.algo->name);
	} else if (cr.cls == CHECK_OK && d.algos_rule &&
		   !(d.algos & (1UL << cr.algo->id))) {
		v = V_DENY_ALGO;
		rule = d.algos_rule;
		snprintf(why, sizeof(why), "%s not in appraise_algos", cr.algo->name);
	} else if (cr.cls == CHECK_OK && r->evm.state.active) {
		char evm_why[256];

		switch (evm_appraise(&r->evm.ctx, r->evm.state.value, fd, evm_why, sizeof(evm_why))) {
		case EVM_APPRAISE_OK:
			v = V_PASS;
			snprintf(why, sizeof(why), "%s, %s", cr.kind, evm_why);
			break;
		case EVM_APPRAISE_MISSING:
			v = V_DENY_EVM_MISSING;
			snprintf(why, sizeof(why), "%s", evm_why);
			break;
		case EVM_APPRAISE_INVALID:
			v = V_DENY_EVM_INVALID;
			snprintf(why, sizeof(why), "%s", evm_why);
			break;
		default:
			v = CHECK_UNREADABLE;
			snprintf(why, sizeof(why), "%s", evm_why);
		}
	} else if (cr.cls == CHECK_OK) {
		v = V_PASS;
		snprintf(why, sizeof(why), "%s", cr.kind);
	}
	e = v == V_PASS && d.write_appraised ? ready_signed(r, fd) : 0;
	if (e) {
		v = e < 0 ? CHECK_UNREADABLE : V_DENY_WRITE;
		rule = d.write_rule;
		acc = d.write_access;
		subj = d.write_subject;
		snprintf(why, sizeof(why), "%s%s", e < 0 ? "cannot read the xattrs: " :
			 "signed: the kernel refuses to open it for write",
			 e < 0 ? strerror(-e) : "");
	}
	if (r->subjects.n > 1)
		ready_subject_name(by, sizeof(by), subj);
	n = (size_t)snprintf(detail, sizeof(detail), "%s; appraised on %s%s by line %u: %s",
			     why, ima_access_name(acc), by, rule->line, rule->text);
	if (d.assumed && n < sizeof(detail))
		add_assumption(detail + n, sizeof(detail) - n, &d);
	add_record(r, path, v, detail, &(struct record){
		.has_line = true, .line = rule->line, .access = ima_access_name(acc),
		.sig_required = d.sig_required });
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
		usage_error("%s wants a decimal id, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

/* The options that are not the walk's, the EVM key's or the certificates. */
struct ready_args {
	const char *policy, *evm_state;
	struct ready_evm_xattr_sources xattrs;
	unsigned long uid, gid;
	bool fixed_subject, evm_on;
};

/* Parse the options: -1 to go on, or the exit status (an error, or after
 * --help). */
static int ready_parse_args(int argc, char **argv, struct ready_args *a, struct ready *r,
			    struct tree_opts *tree, struct certset *certs)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "uid", required_argument, NULL, OPT_UID },
		{ "gid", required_argument, NULL, OPT_GID },
		{ "evm-state", required_argument, NULL, OPT_EVM_STATE },
		{ "mmap-any", no_argument, NULL, OPT_MMAP_ANY },
		{ "access", required_argument, NULL, OPT_ACCESS },
		{ "evm-xattrs", required_argument, NULL, OPT_EVM_XATTRS },
		{ "evm-xattrs-file", required_argument, NULL, OPT_EVM_XATTRS_FILE },
		{ "kernel-config", required_argument, NULL, OPT_KERNEL_CONFIG },
		EVM_LONG_OPTIONS,
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct evm_key_files keys = { NULL, NULL };
	char err[512];
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		int t = tree_option(opt, optarg, tree);

		if (!t)
			t = evm_option(opt, optarg, &r->evm.ctx, &a->evm_on, &keys);
		if (t < 0)
			return EXIT_TROUBLE;
		if (t)
			continue;
		switch (opt) {
		case OPT_POLICY:
			a->policy = optarg;
			break;
		case OPT_CERT:
			if (certset_add(certs, optarg, err, sizeof(err))) {
				ready_error(err);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_FORMAT:
			if (scan_parse_format(optarg, SCAN_FORMATS_TEXT_JSON, &r->fmt))
				return EXIT_TROUBLE;
			break;
		case OPT_UID:
		case OPT_GID:
			if (parse_id(opt == OPT_UID ? "--uid" : "--gid", optarg,
				     opt == OPT_UID ? &a->uid : &a->gid))
				return EXIT_TROUBLE;
			a->fixed_subject = true;
			break;
		case OPT_MMAP_ANY:
			r->map_any = true;
			break;
		case OPT_ACCESS:
			if (ima_access_kinds_parse(optarg, &r->kinds))
				return usage_error("--access wants a list of read, write, "
						   "exec and mmap, not '%s'", optarg);
			break;
		case OPT_EVM_STATE:
			a->evm_state = optarg;
			break;
		case OPT_EVM_XATTRS:
			a->xattrs.list = optarg;
			break;
		case OPT_EVM_XATTRS_FILE:
			a->xattrs.sfs = optarg;
			break;
		case OPT_KERNEL_CONFIG:
			a->xattrs.config = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case '?':
			return usage_error_option(argv, TREE_SHORT_OPTIONS, opts);
		default:
			return usage_error("bad option");
		}
	}
	if (optind >= argc)
		return usage_error("no ROOT given");
	if (evm_key_files_load(&keys, &r->evm.ctx, &a->evm_on))
		return EXIT_TROUBLE;
	return -1;
}

/* Load the policy and the EVM state, and pick the processes to model. */
static int ready_setup(struct ready *r, const struct ready_args *a, const struct tree_opts *tree,
		       struct certset *certs)
{
	char err[512];
	int e;

	e = a->policy ? ima_policy_load(&r->policy, a->policy, err, sizeof(err)) :
	    ima_policy_load_running(&r->policy, IMA_POLICY_LIVE, IMA_POLICY_BOOT_FILE,
				    r->policy_note, sizeof(r->policy_note), err, sizeof(err));
	if (e || ready_evm_state(&r->evm, a->evm_state, tree->user_xattr, err, sizeof(err))) {
		ready_error(err);
		return -1;
	}
	if (a->evm_on)
		ready_evm_force(&r->evm);
	/* the list matters only to an HMAC or signature that is checked */
	if (r->evm.state.active && ready_evm_xattrs(&r->evm, &a->xattrs, err, sizeof(err))) {
		ready_error(err);
		return -1;
	}
	r->evm.ctx.certs = certs;
	e = a->fixed_subject ? ima_subjects_one(&r->subjects, a->uid, a->gid) :
			       ima_subjects_from_policy(&r->policy, &r->subjects);
	if (e) {
		snprintf(err, sizeof(err), "%s: %s", r->policy.source,
			 e == -E2BIG ? "the policy compares too many uids and gids to model"
			 " each; name one process with --uid and --gid" : strerror(-e));
		ready_error(err);
		return -1;
	}
	r->want_uuid = ima_policy_uses_fsuuid(&r->policy);
	for (size_t i = 0; i < r->policy.n; i++)
		r->verity |= r->policy.rules[i].action == IMA_ACT_APPRAISE &&
			     r->policy.rules[i].verity_required;
	r->verbose = tree->verbose;
	r->check = (struct check_opts){ .certs = certs, .user_xattr = tree->user_xattr,
					.follow = tree->walk.follow };
	return 0;
}

/* Walk @paths, then print the records sorted and the summary. */
static int ready_run(struct ready *r, const struct tree_opts *tree, char **paths, size_t n)
{
	int status, hdr;

	hdr = ready_print_header(r);
	fflush(stdout);
	out_init(&r->out, r->fmt, true);
	status = walk_paths(&tree->walk, paths, n, ready_file, ready_skip, r);
	out_finish(&r->out);
	if (r->nrec)
		qsort(r->rec, r->nrec, sizeof(*r->rec), cmp_record);
	out_init(&r->out, r->fmt, false);
	for (size_t i = 0; i < r->nrec; i++) {
		const struct record *c = &r->rec[i];
		json_t *x = NULL;

		if (r->fmt == OUT_JSON && c->has_line && c->access)
			x = json_pack("{s:i, s:s, s:b}", "line", (int)c->line, "access", c->access,
				      "signature_required", c->sig_required);
		else if (r->fmt == OUT_JSON && c->has_line)
			x = json_pack("{s:i}", "line", (int)c->line);
		if (r->fmt == OUT_JSON && c->has_line && !x) {
			out_error(&r->out, c->path, "out of memory");
			status = EXIT_TROUBLE;
			continue;
		}
		out_result(&r->out, c->path, ready_verdict_name(c->verdict), c->detail, x);
	}
	out_finish(&r->out);
	if (ready_print_summary(r) || hdr) {
		cmd_warnx("cannot write the report");
		status = EXIT_TROUBLE;
	}
	fflush(stdout);
	return status;
}

static int cmd_ready(int argc, char **argv)
{
	struct tree_opts tree = { .walk.recursive = true };
	struct certset certs = { 0 };
	struct ready r = { .fmt = OUT_TEXT, .lock = PTHREAD_MUTEX_INITIALIZER,
			   .kinds = IMA_ACCESS_KIND_ALL };
	struct ready_args a = { .evm_state = EVM_STATE_SECURITYFS,
				.xattrs.sfs = EVM_XATTRS_SECURITYFS };
	int status;

	evm_ctx_init(&r.evm.ctx);
	status = ready_parse_args(argc, argv, &a, &r, &tree, &certs);
	if (status < 0) {
		tree.walk.recursive = true;
		status = ready_setup(&r, &a, &tree, &certs) ? EXIT_TROUBLE :
			 ready_run(&r, &tree, argv + optind, (size_t)(argc - optind));
	}
	for (size_t i = 0; i < r.nrec; i++) {
		free(r.rec[i].path);
		free(r.rec[i].detail);
	}
	free(r.rec);
	ima_policy_free(&r.policy);
	ima_subjects_free(&r.subjects);
	certset_free(&certs);
	pthread_mutex_destroy(&r.lock);
	return status;
}

COMMAND("ready", 60, "list what ima_appraise=enforce would deny under a policy", cmd_ready);
