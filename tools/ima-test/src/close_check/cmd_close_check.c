// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test close-check: prove on the running kernel that security.ima is
 * rewritten on every final close of a written file, and only then.
 *
 * Prints TAP, one test per scenario (scenarios.c).  It refuses to
 * pass when nothing could fail: no IMA, a policy that does not appraise
 * DIR, or security xattrs that cannot be written end the run with
 * "Bail out!" and exit status 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "close_check.h"
#include "common.h"
#include "digest.h"
#include "evm_opts.h"
#include "out.h"
#include "xattr_io.h"

static const char help[] =
	"Usage: ima-test close-check [OPTIONS] DIR\n"
	"Run the final-close scenarios on files created in DIR and check, for\n"
	"each, that security.ima is unchanged while a writer remains and is the\n"
	"hash of the new content after the final close.  DIR must be on a file\n"
	"system IMA appraises in fix mode (ima_appraise=fix ima_policy=appraise_tcb).\n"
	"Output is TAP, one test per scenario.\n\n"
	"  -n, --iterations N    runs per scenario (with --random: runs in all)\n"
	"      --random          draw scenarios at random, reusing one file\n"
	"      --seed N          seed of the random choices (default: from the clock)\n"
	"  -s, --scenario LIST   only these scenarios (comma separated)\n"
	"      --timeout-ms MS   bound for asynchronous rewrites (default 10000)\n"
	"      --no-trace        do not use the ima:ima_update_xattr tracepoint\n"
	"      --format FMT      tap (default) or json (JSON lines)\n"
	"      --json            the same as --format json\n"
	"      --evm-key FILE    also check that security.evm is the kernel's HMAC\n"
	"                        after every final close (EVM initialised with the\n"
	"                        key in FILE: raw bytes or hex digits, or with\n"
	"                        --kmk the encrypted key blob keyctl pipe prints)\n"
	"      --kmk FILE        the user key that is the blob's master key\n"
	"      --uuid UUID       file system UUID for the HMAC (default: asked of\n"
	"                        the file system)\n"
	"      --no-fsuuid       the kernel lacks CONFIG_EVM_ATTR_FSUUID\n"
	"  -l, --list            list the scenarios\n"
	"  -h, --help            show this help\n\n"
	"Exit status: 0 all passed (skips are reported, never counted as passes),\n"
	"1 a scenario failed, 2 the environment cannot show a failure.\n";

static void bail(const struct cc_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bail(const struct cc_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o->json) {
		/* stderr below says it in any case */
		(void)json_emit(stdout, json_pack("{s:o}", "bail", json_text(msg, NULL)));
	} else {
		printf("Bail out! %s\n", msg);
	}
	fflush(stdout);
	cmd_warnx("%s", msg);
}

/* A diagnostic line of TAP (a "note" in JSON). */
static void diag_line(const struct cc_opts *o, const char *msg)
{
	if (o->json) {
		if (json_emit(stdout, json_pack("{s:o}", "note", json_text(msg, NULL))))
			cmd_warnx("%s", msg);
	} else {
		printf("# %s\n", msg);
	}
	fflush(stdout);
}

static void trace_note(const struct cc_state *s, size_t i, char *out, size_t cap)
{
	const struct cc_stats *st = &s->stats[i];

	if (!s->trace.available) {
		snprintf(out, cap, "context unknown (%s)", s->trace.reason);
		return;
	}
	if (!st->ev.found) {
		snprintf(out, cap, "context unknown (no traced run)");
		return;
	}
	snprintf(out, cap, "rewritten in %s context by %s, rc=%d%s%s; %lu of %lu runs traced",
		 st->ev.kthread ? "kthread" : "task", st->ev.task, st->ev.rc,
		 st->ev.kthread != cc_scenarios[i].kthread ? ", expected " : "",
		 st->ev.kthread != cc_scenarios[i].kthread ?
		 (cc_scenarios[i].kthread ? "kthread" : "task") : "",
		 st->traced_runs, st->runs);
}

static void report_tap(const struct cc_state *s, size_t i, unsigned num)
{
	const struct cc_scenario *sc = &cc_scenarios[i];
	const struct cc_stats *st = &s->stats[i];
	char note[256];

	if (st->failed)
		printf("not ok %u - %s: %s\n#   %lu of %lu runs failed; first: %s\n",
		       num, sc->name, sc->what, st->failed, st->runs, st->why);
	else if (st->skipped || !st->runs)
		printf("ok %u - %s: %s # SKIP %s\n", num, sc->name, sc->what,
		       st->runs ? st->why : "not drawn in this run");
	else
		printf("ok %u - %s: %s (%lu runs)\n", num, sc->name, sc->what, st->runs);
	if (st->async_runs)
		printf("#   %s: asynchronous rewrite after %.1f ms on average, %.1f ms at most\n",
		       sc->name, st->lat_sum / (double)st->async_runs, st->lat_max);
	if (st->passed && s->trace.available) {
		trace_note(s, i, note, sizeof(note));
		printf("#   %s: %s\n", sc->name, note);
	}
	fflush(stdout);
}

/* A number of seconds or milliseconds as JSON, to two decimals. */
static json_t *json_2dp(double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.2f", v);
	return json_real(strtod(buf, NULL));
}

static void report_json(const struct cc_state *s, size_t i)
{
	const struct cc_scenario *sc = &cc_scenarios[i];
	const struct cc_stats *st = &s->stats[i];
	const char *status = st->failed ? "fail" : st->skipped || !st->runs ? "skip" : "pass";
	json_t *rec = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "scenario", sc->name,
				"status", status, "runs", json_count(st->runs),
				"passed", json_count(st->passed), "failed", json_count(st->failed),
				"skipped", json_count(st->skipped), "async", sc->async);

	if (st->why[0])
		json_put(&rec, "reason", json_text(st->why, NULL));
	if (st->async_runs) {
		json_put(&rec, "latency_ms_avg", json_2dp(st->lat_sum / (double)st->async_runs));
		json_put(&rec, "latency_ms_max", json_2dp(st->lat_max));
	}
	if (st->ev.found) {
		json_put(&rec, "context", json_string(st->ev.kthread ? "kthread" : "task"));
		json_put(&rec, "trace_rc", json_integer(st->ev.rc));
		json_put(&rec, "traced_runs", json_count(st->traced_runs));
	}
	if (json_emit(stdout, rec))
		cmd_warnx("cannot write the %s record", sc->name);
}

/* Refuse to run where no scenario could fail.  0, or 2 after a bail. */
static int preflight(struct cc_state *s)
{
	const struct cc_opts *o = &s->opts;
	struct cc_run r = { .env = &s->env, .rng = 1 };
	struct cc_env probe;
	uint8_t buf[IMA_XATTR_MAX];
	struct ima_xattr x;
	char why[160];
	struct stat st;
	ssize_t n;
	int fd, status = EXIT_TROUBLE;

	if (access("/sys/kernel/security/ima", F_OK)) {
		bail(o, "IMA is not active on this kernel (no /sys/kernel/security/ima): "
		     "nothing here could fail");
		return status;
	}
	if (stat(s->env.dir, &st) || !S_ISDIR(st.st_mode)) {
		bail(o, "%s is not a directory", s->env.dir);
		return status;
	}
	snprintf(r.path, sizeof(r.path), "%s/cc-%ld-probe", s->env.dir, (long)getpid());
	unlink(r.path);
	fd = open(r.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || cc_write_all(fd, (const uint8_t *)"close-check probe\n", 18) || close(fd)) {
		bail(o, "cannot create a file in %s: %s", s->env.dir, strerror(errno));
		return status;
	}
	n = cc_read_label(&r, buf, sizeof(buf));
	if (n == -ENODATA) {
		bail(o, "the IMA policy does not appraise %s: a file written and closed there "
		     "got no security.ima (boot with ima_appraise=fix ima_policy=appraise_tcb; "
		     "files must be root-owned on a file system with security xattrs)", s->env.dir);
		goto out;
	}
	if (n < 0) {
		bail(o, "cannot read security.ima in %s: %s", s->env.dir, strerror((int)-n));
		goto out;
	}
	if (ima_xattr_decode(buf, (size_t)n, &x, why, sizeof(why)) != IMA_XATTR_OK ||
	    (x.type != IMA_XATTR_DIGEST && x.type != IMA_XATTR_DIGEST_NG) || !x.algo->supported) {
		bail(o, "a new file in %s got a security.ima that is not a digest close-check "
		     "can compute (%s)", s->env.dir, why[0] ? why : "type or algorithm");
		goto out;
	}
	s->env.algo = x.algo;
	/* 01 for sha1 before the series' fix, 04|algo with it: the same for the whole run */
	s->env.legacy_sha1 = x.type == IMA_XATTR_DIGEST;
	/* security.evm is left to the scenarios: a wrong key fails each of them */
	probe = s->env;
	probe.evm = NULL;
	r.env = &probe;
	if (cc_model_pwrite(&r.m, 0, (const uint8_t *)"close-check probe\n", 18) ||
	    cc_final_check(&r)) {
		bail(o, "the kernel labels new files in %s with something other than their "
		     "hash: %s", s->env.dir, r.why);
		goto out;
	}
	if (setxattr(r.path, XATTR_IMA_SECURITY, buf, (size_t)n, XATTR_REPLACE)) {
		/*
		 * EVM refuses to change a protected xattr of a file whose
		 * HMAC it finds invalid: that is the probe's final close
		 * leaving security.evm stale, which the scenarios show.
		 */
		if (errno == EPERM && s->env.evm && geteuid() == 0) {
			diag_line(o, "EVM refused a rewrite of security.ima on the first file: "
				  "the kernel finds its security.evm invalid after the final close");
		} else {
			bail(o, "cannot write security.* xattrs in %s (%s): run as root on a file "
			     "system with security xattrs", s->env.dir, strerror(errno));
			goto out;
		}
	}
	status = EXIT_OK;
out:
	cc_model_free(&r.m);
	unlink(r.path);
	return status;
}

static int select_scenarios(struct cc_state *s)
{
	char *list, *tok, *save = NULL;
	int n = 0;

	for (size_t i = 0; i < cc_nscenarios; i++)
		s->selected[i] = !s->opts.only;
	if (!s->opts.only)
		return (int)cc_nscenarios;
	list = strdup(s->opts.only);
	if (!list)
		return -1;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < cc_nscenarios; i++)
			if (!strcmp(tok, cc_scenarios[i].name))
				break;
		if (i == cc_nscenarios) {
			usage_error("no scenario '%s' (see --list)", tok);
			free(list);
			return -1;
		}
		if (!s->selected[i])
			n++;
		s->selected[i] = true;
	}
	free(list);
	return n;
}

/*
 * 0: run with @o; 1: nothing to run (--help or --list printed); -EINVAL: a
 * usage error, already reported.
 */
static int parse_opts(int argc, char **argv, struct cc_opts *o)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "random", no_argument, NULL, OPT_RANDOM },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "scenario", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT },
		{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "evm-key", required_argument, NULL, OPT_EVM_KEY },
		{ "kmk", required_argument, NULL, OPT_KMK },
		{ "uuid", required_argument, NULL, OPT_UUID },
		{ "no-fsuuid", no_argument, NULL, OPT_EVM_NO_FSUUID },
		{ NULL, 0, NULL, 0 }
	};
	struct evm_key_files keys = { NULL, NULL };
	unsigned long long v;
	char *end;
	int opt;

	evm_ctx_init(&o->evm);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "n:s:lh", longopts, NULL)) != -1) {
		int r = evm_option(opt, optarg, &o->evm, &o->evm_on, &keys);

		if (r < 0)
			return -EINVAL;
		if (r)
			continue;
		switch (opt) {
		case 'n':
		case OPT_SEED:
		case OPT_TIMEOUT:
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (*optarg < '0' || *optarg > '9' || *end || errno ||
			    (opt != OPT_SEED && (v < 1 || v > 100000000)))
				goto bad_number;
			if (opt == 'n')
				o->iterations = (unsigned long)v;
			else if (opt == OPT_SEED)
				o->seed = v;
			else
				o->timeout_ms = (unsigned)v;
			break;
		case OPT_RANDOM: o->random = true; break;
		case 's': o->only = optarg; break;
		case OPT_NO_TRACE: o->trace = false; break;
		case OPT_JSON: o->json = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "tap") && strcmp(optarg, "json")) {
				usage_error("--format: tap or json, not '%s'", optarg);
				return -EINVAL;
			}
			o->json = !strcmp(optarg, "json");
			break;
		case 'l':
			for (size_t i = 0; i < cc_nscenarios; i++)
				printf("%-16s %s%s\n", cc_scenarios[i].name, cc_scenarios[i].what,
				       cc_scenarios[i].async ? " (asynchronous)" : "");
			return 1;
		case 'h':
			fputs(help, stdout);
			return 1;
		case '?':
			usage_error_option(argv, "n:s:lh", longopts);
			return -EINVAL;
		default:
			usage_error("unknown option");
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		usage_error("exactly one DIR expected");
		return -EINVAL;
	}
	if (evm_key_files_load(&keys, &o->evm, &o->evm_on))
		return -EINVAL;
	return 0;

bad_number:
	usage_error("bad number '%s'", optarg);
	return -EINVAL;
}

static int cmd_close_check(int argc, char **argv)
{
	struct cc_state s = { .opts = { .iterations = 1, .trace = true, .timeout_ms = 10000 } };
	uint64_t rng;
	double start;
	int rc, n;
	unsigned long passed = 0, failed = 0, skipped = 0, runs = 0;
	bool trouble = false;
	unsigned num = 0;

	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return cc_exec_child(argc, argv);
	s.opts.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rc = parse_opts(argc, argv, &s.opts);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_TROUBLE;
	s.env.dir = argv[argc - 1];
	s.env.timeout_ms = s.opts.timeout_ms;
	s.env.evm = s.opts.evm_on ? &s.opts.evm : NULL;
	s.stats = calloc(cc_nscenarios, sizeof(*s.stats));
	s.selected = calloc(cc_nscenarios, sizeof(*s.selected));
	if (!s.stats || !s.selected) {
		free(s.stats);
		free(s.selected);
		return EXIT_TROUBLE;
	}
	n = select_scenarios(&s);
	if (n <= 0 || preflight(&s)) {
		free(s.stats);
		free(s.selected);
		return EXIT_TROUBLE;
	}
	if (s.opts.trace)
		cc_trace_start(&s.trace);
	else
		snprintf(s.trace.reason, sizeof(s.trace.reason), "--no-trace");
	if (!s.opts.json) {
		printf("1..%d\n# close-check in %s: %s labels%s%s, seed %llu, %s\n", n, s.env.dir,
		       s.env.algo->name, s.env.legacy_sha1 ? " (legacy type 01)" : "",
		       s.env.evm ? " and EVM HMACs" : "",
		       (unsigned long long)s.opts.seed,
		       s.trace.available ? "tracepoint ima:ima_update_xattr enabled" :
		       s.trace.reason);
		fflush(stdout);
	}
	rng = s.opts.seed;
	start = cc_now_ms();
	if (s.opts.random)
		cc_run_random(&s, &rng);
	else
		cc_run_sequential(&s, &rng);
	cc_trace_stop(&s.trace);
	for (size_t i = 0; i < cc_nscenarios; i++) {
		const struct cc_stats *st = &s.stats[i];

		if (!s.selected[i])
			continue;
		if (s.opts.json)
			report_json(&s, i);
		else
			report_tap(&s, i, ++num);
		runs += st->runs;
		if (st->failed)
			failed++;
		else if (st->skipped || !st->runs)
			skipped++;
		else
			passed++;
	}
	if (s.opts.json) {
		if (json_emit(stdout, json_pack("{s:{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:b}}",
						"summary", "scenarios", n,
						"passed", json_count(passed),
						"failed", json_count(failed),
						"skipped", json_count(skipped),
						"runs", json_count(runs),
						"final_closes", json_count(s.closes),
						"seconds", json_2dp((cc_now_ms() - start) / 1e3),
						"tracepoint", s.trace.available))) {
			cmd_warnx("cannot write the summary");
			trouble = true;
		}
	} else {
		printf("# close-check: %lu passed, %lu failed, %lu skipped of %d scenarios; "
		       "%lu runs, %lu final closes checked in %.2f s\n", passed, failed, skipped,
		       n, runs, s.closes, (cc_now_ms() - start) / 1e3);
	}
	free(s.stats);
	free(s.selected);
	return trouble ? EXIT_TROUBLE : failed ? EXIT_FINDINGS : EXIT_OK;
}

COMMAND("close-check", 70, "prove security.ima is rewritten on every final close", cmd_close_check);
