// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ima_check.h"
#include "digest.h"
#include "evm_opts.h"
#include "evm_check.h"
#include "keylime.h"
#include "manifest.h"
#include "imaxattr.h"
#include "scan.h"
#include "util.h"

struct scan {
	const struct scan_opts *opts;
	struct check_opts check;
	struct out out;
	struct keylime_policy policy;
	pthread_mutex_t lock;
	unsigned long counts[CHECK__COUNT];
	unsigned long evm_counts[EVM__COUNT];
	unsigned long skipped, errors;
};

/* security.evm of the file the walker opened. */
static void scan_evm(struct scan *s, int fd, struct evm_result *e)
{
	evm_check(fd, &s->opts->evm_ctx, e);
}

/*
 * The JSON members of a result after its status: kind, algo, keyid, and
 * with --evm "evm", "evm_type", "evm_immutable", "evm_keyid".  NULL if out
 * of memory.
 */
static json_t *result_json(const struct check_result *r, const struct evm_result *e,
			   bool evm)
{
	char hex[9], ehex[9];
	json_t *x;

	if (r->have_keyid)
		hex_encode(r->keyid, 4, hex);
	x = json_pack("{s:s*, s:s*, s:s*}", "kind", r->kind,
		      "algo", r->algo ? r->algo->name : NULL,
		      "keyid", r->have_keyid ? hex : NULL);
	if (!x || !evm)
		return x;
	if (e->have_keyid)
		hex_encode(e->keyid, 4, ehex);
	if (json_object_update_new(x, json_pack("{s:s, s:o*, s:o*, s:s*}",
						"evm", evm_class_name(e->cls),
						"evm_type", e->type ? json_integer(e->type) : NULL,
						"evm_immutable", e->immutable ? json_true() : NULL,
						"evm_keyid", e->have_keyid ? ehex : NULL))) {
		json_decref(x);
		return NULL;
	}
	return x;
}

static int scan_one(void *arg, const char *path, int fd, const struct walk_entry *we)
{
	struct scan *s = arg;
	struct check_result r;
	char status[48];
	json_t *extra = NULL;
	struct evm_result e = { .cls = EVM_OK };
	bool bad;

	(void)we;
	check_fd(&s->check, fd, &r);
	if (s->opts->evm)
		scan_evm(s, fd, &e);
	bad = r.cls != CHECK_OK || e.cls != EVM_OK;
	out_tick(&s->out);
	pthread_mutex_lock(&s->lock);
	s->counts[r.cls]++;
	if (s->opts->evm)
		s->evm_counts[e.cls]++;
	pthread_mutex_unlock(&s->lock);
	if (s->opts->fmt == OUT_KEYLIME) {
		if (r.have_md && keylime_add(&s->policy, path, r.md, r.md_len))
			out_error(&s->out, path, "out of memory");
		if (r.cls != CHECK_OK && r.cls != CHECK_MISSING)
			out_error(&s->out, path, "%s (%s)", check_class_name(r.cls), r.detail);
		if (e.cls != EVM_OK)
			out_error(&s->out, path, "evm-%s (%s)", evm_class_name(e.cls), e.detail);
		return bad ? EXIT_FINDINGS : EXIT_OK;
	}
	if (!bad && s->opts->quiet_ok && s->opts->fmt == OUT_TEXT &&
	    !s->opts->tree.verbose)
		return EXIT_OK;
	if (s->opts->fmt == OUT_JSON && !(extra = result_json(&r, &e, s->opts->evm))) {
		out_error(&s->out, path, "out of memory");
		return EXIT_TROUBLE;
	}
	if (s->opts->fmt == OUT_TEXT && r.cls == CHECK_OK && e.cls != EVM_OK) {
		snprintf(status, sizeof(status), "evm-%s", evm_class_name(e.cls));
		out_result(&s->out, path, status, e.detail, NULL);
		return EXIT_FINDINGS;
	}
	if (r.detail[0] || e.cls == EVM_OK || s->opts->fmt != OUT_JSON)
		out_result(&s->out, path, check_class_name(r.cls),
			   r.detail[0] ? r.detail : NULL, extra);
	else
		out_result(&s->out, path, check_class_name(r.cls), e.detail, extra);
	if (s->opts->fmt == OUT_TEXT && e.cls != EVM_OK) {
		snprintf(status, sizeof(status), "evm-%s", evm_class_name(e.cls));
		out_result(&s->out, path, status, e.detail, NULL);
	}
	return bad ? EXIT_FINDINGS : EXIT_OK;
}

static int scan_skip(void *arg, const char *path, const char *why, int status)
{
	struct scan *s = arg;

	pthread_mutex_lock(&s->lock);
	if (status)
		s->errors++;
	else
		s->skipped++;
	pthread_mutex_unlock(&s->lock);
	if (s->opts->fmt == OUT_JSON)
		out_result(&s->out, path, status ? "error" : "skipped", why, NULL);
	if (status || s->opts->fmt != OUT_JSON)
		out_error(&s->out, path, "%s", why);
	return status;
}

static int print_summary(struct scan *s, FILE *fp)
{
	unsigned long files = 0;

	for (int i = 0; i < CHECK__COUNT; i++)
		files += s->counts[i];
	if (s->opts->fmt == OUT_JSON) {
		json_t *sum = json_object(), *evm = NULL;
		int r;

		json_put(&sum, "files", json_count(files));
		for (int i = 0; sum && i < CHECK__COUNT; i++)
			json_put(&sum, check_class_name(i), json_count(s->counts[i]));
		json_put(&sum, "skipped", json_count(s->skipped));
		json_put(&sum, "errors", json_count(s->errors));
		if (s->opts->evm) {
			evm = json_object();
			for (int i = 0; evm && i < EVM__COUNT; i++)
				json_put(&evm, evm_class_name(i), json_count(s->evm_counts[i]));
			json_put(&sum, "evm", evm);
		}
		r = json_emit(fp, sum ? json_pack("{s:o}", "summary", sum) : NULL);
		if (r)
			cmd_warnx("cannot write the summary: %s", strerror(-r));
		return r;
	}
	fprintf(fp, "summary: %lu files:", files);
	for (int i = 0; i < CHECK__COUNT; i++)
		fprintf(fp, "%s %lu %s", i ? "," : "", s->counts[i], check_class_name(i));
	fprintf(fp, "; %lu skipped, %lu errors\n", s->skipped, s->errors);
	if (!s->opts->evm)
		return 0;
	fprintf(fp, "evm:");
	for (int i = 0; i < EVM__COUNT; i++)
		fprintf(fp, "%s %lu %s", i ? "," : "", s->evm_counts[i], evm_class_name(i));
	fputc('\n', fp);
	return 0;
}

/*
 * Start the Keylime policy: its boot_aggregate (--boot-aggregate, else the
 * first record of the measurement list) and the --cert keys.  0, or -1
 * after an error was printed.
 */
static int keylime_prepare(const struct scan_opts *o, struct keylime_policy *p)
{
	const char *list = o->measurement_list ? o->measurement_list : IMA_MEASUREMENT_LIST;
	char err[512];
	int r;

	if (keylime_init(p)) {
		cmd_warnx("cannot determine the current directory");
		keylime_free(p);
		return -1;
	}
	if (o->boot_aggregate)
		r = keylime_set_boot_aggregate(p, o->boot_aggregate, err, sizeof(err));
	else
		r = keylime_boot_aggregate_from_list(p, list, err, sizeof(err));
	if (r && (o->boot_aggregate || o->measurement_list)) {
		cmd_warnx("%s", err);
		keylime_free(p);
		return -1;
	}
	if (r)
		cmd_warnx("warning: no boot_aggregate in the policy (%s%s); "
			  "Keylime rejects a log whose first record it does not list: "
			  "give --boot-aggregate HEX",
			r == -ENOENT ? "no measurement list " : "", r == -ENOENT ? list : err);
	if (keylime_set_keys(p, &o->certs, err, sizeof(err))) {
		cmd_warnx("%s", err);
		keylime_free(p);
		return -1;
	}
	return 0;
}

/*
 * --manifest: the signed lines of sign-hash manifests go into the policy
 * under "/NAME", each only once its signature verifies with --cert (a
 * reference trusts what was signed, not what a disk holds).  0, or -1
 * after an error was printed.
 */
static int keylime_add_manifest(const struct scan_opts *o, const char *path,
				struct keylime_policy *p)
{
	uint8_t *buf;
	size_t len, lineno = 0;
	char *line, *end, err[256];
	int r = read_file(path, &buf, &len, 256u << 20);

	if (r) {
		cmd_warnx("--manifest %s: %s", path, strerror(-r));
		return -1;
	}
	for (line = (char *)buf; line < (char *)buf + len && !r; line = end + 1) {
		struct manifest_line ml;
		struct ima_xattr x;
		char *name = NULL;
		bool other;

		end = memchr(line, '\n', (size_t)((char *)buf + len - line));
		if (!end)
			end = (char *)buf + len;
		lineno++;
		if (manifest_parse(line, (size_t)(end - line), true, o->keylime_md, &ml, err, sizeof(err))) {
			cmd_warnx("%s:%zu: %s", path, lineno, err);
			r = -1;
			break;
		}
		if (ima_xattr_decode(ml.value, ml.value_len, &x, err, sizeof(err)) != IMA_XATTR_OK ||
		    x.type != EVM_IMA_XATTR_DIGSIG ||
		    certset_verify(&o->certs, x.keyid, x.algo, ml.digest, ml.digest_len, x.sig,
				   x.sig_len, &other) != 1) {
			cmd_warnx("%s:%zu: the signature does not verify with "
				  "--cert: not taken", path, lineno);
			r = -1;
		} else if (asprintf(&name, "/%s", ml.name) < 0 ||
			   keylime_add(p, name, ml.digest, ml.digest_len)) {
			cmd_warnx("out of memory");
			r = -1;
		}
		free(name);
		manifest_line_free(&ml);
	}
	if (!r && !lineno) {
		cmd_warnx("--manifest %s: empty", path);
		r = -1;
	}
	free(buf);
	return r;
}

int scan_run(const struct scan_opts *opts, char *const *paths, size_t n)
{
	struct scan s = {
		.opts = opts,
		.check = {
			.certs = &opts->certs,
			.user_xattr = opts->tree.user_xattr,
			.follow = opts->tree.walk.follow,
			.want_md = opts->fmt == OUT_KEYLIME ? opts->keylime_md : NULL,
		},
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	int status;

	if (opts->fmt == OUT_KEYLIME && keylime_prepare(opts, &s.policy))
		return EXIT_TROUBLE;
	for (size_t i = 0; i < opts->nmanifests; i++)
		if (keylime_add_manifest(opts, opts->manifests[i], &s.policy)) {
			keylime_free(&s.policy);
			return EXIT_TROUBLE;
		}
	out_init(&s.out, opts->fmt, true);
	status = walk_paths(&opts->tree.walk, paths, n, scan_one, scan_skip, &s);
	out_finish(&s.out);
	if (opts->fmt == OUT_KEYLIME) {
		size_t invalid;
		int r = keylime_write(&s.policy, stdout, &invalid);

		if (r) {
			cmd_warnx("cannot write the Keylime policy: %s",
				strerror(-r));
			status = EXIT_TROUBLE;
		} else if (invalid)
			cmd_warnx("warning: %zu path(s) are not valid UTF-8; "
				  "written with U+FFFD, they will not match the IMA log", invalid);
		keylime_free(&s.policy);
	}
	if (opts->summary && print_summary(&s, opts->fmt == OUT_KEYLIME ? stderr : stdout))
		status = EXIT_TROUBLE;
	fflush(stdout);
	return status;
}

int scan_parse_format(const char *arg, unsigned allowed,
		      enum out_format *fmt)
{
	static const struct {
		const char *name;
		enum out_format fmt;
	} formats[] = {
		{ .name = "text", .fmt = OUT_TEXT },
		{ .name = "json", .fmt = OUT_JSON },
		{ .name = "keylime", .fmt = OUT_KEYLIME },
	};

	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if ((allowed & SCAN_FORMAT(formats[i].fmt)) && !strcmp(arg, formats[i].name)) {
			*fmt = formats[i].fmt;
			return 0;
		}
	usage_error("unknown format '%s'", arg);
	return -1;
}

int scan_main(const char *help, int argc, char **argv, struct scan_opts *so)
{
	static const struct option opts[] = {
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "hash-algo", required_argument, NULL, OPT_HASH_ALGO },
		{ "boot-aggregate", required_argument, NULL, OPT_BOOT_AGGREGATE },
		{ "ima-measurement-list", required_argument, NULL, OPT_MEASUREMENT_LIST },
		{ "manifest", required_argument, NULL, OPT_MANIFEST },
		EVM_LONG_OPTIONS,
		TREE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct evm_key_files keys = { NULL, NULL };
	const char *keylime_only = NULL;
	char err[512];
	int opt, r = EXIT_TROUBLE;

	evm_ctx_init(&so->evm_ctx);
	so->evm_ctx.certs = &so->certs;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, TREE_SHORT_OPTIONS, opts, NULL)) != -1) {
		r = tree_option(opt, optarg, &so->tree);
		if (!r)
			r = evm_option(opt, optarg, &so->evm_ctx, &so->evm, &keys);
		if (r < 0) {
			r = EXIT_TROUBLE;
			goto out;
		}
		if (r)
			continue;
		r = EXIT_TROUBLE;
		switch (opt) {
		case OPT_CERT:
			if (certset_add(&so->certs, optarg, err, sizeof(err))) {
				cmd_warnx("%s", err);
				goto out;
			}
			break;
		case OPT_FORMAT:
			if (scan_parse_format(optarg, so->formats, &so->fmt))
				goto out;
			break;
		case OPT_HASH_ALGO:
			if (!(so->keylime_md = parse_hash(optarg)))
				goto out;
			keylime_only = "--hash-algo";
			break;
		case OPT_BOOT_AGGREGATE:
			so->boot_aggregate = optarg;
			keylime_only = "--boot-aggregate";
			break;
		case OPT_MEASUREMENT_LIST:
			so->measurement_list = optarg;
			keylime_only = "--ima-measurement-list";
			break;
		case OPT_MANIFEST:
			if (!(so->formats & SCAN_FORMAT(OUT_KEYLIME))) {
				usage_error("bad option");
				goto out;
			}
			if (so->nmanifests == SCAN_MANIFESTS_MAX) {
				usage_error("more than %d --manifest", SCAN_MANIFESTS_MAX);
				goto out;
			}
			so->manifests[so->nmanifests++] = optarg;
			keylime_only = "--manifest";
			break;
		case 'h':
			fputs(help, stdout);
			r = EXIT_OK;
			goto out;
		case '?':
			usage_error_option(argv, TREE_SHORT_OPTIONS, opts);
			goto out;
		default:
			usage_error("bad option");
			goto out;
		}
	}
	r = EXIT_TROUBLE;
	if (optind >= argc && !so->nmanifests) {
		usage_error("no files given");
		goto out;
	}
	if (so->nmanifests && !so->certs.n) {
		usage_error("--manifest needs --cert: only signed digests go into the policy");
		goto out;
	}
	if (keylime_only && so->fmt != OUT_KEYLIME) {
		usage_error("%s is for --format keylime", keylime_only);
		goto out;
	}
	if (evm_key_files_load(&keys, &so->evm_ctx, &so->evm))
		goto out;
	if (!so->keylime_md)
		so->keylime_md = hash_algo_by_id(HASH_ALGO_SHA256);
	so->evm_ctx.user_xattr = so->tree.user_xattr;
	if (so->fmt == OUT_JSON)
		so->summary = true;	/* JSON lines end with a summary object */
	r = scan_run(so, argv + optind, (size_t)(argc - optind));
out:
	certset_free(&so->certs);
	return r;
}
