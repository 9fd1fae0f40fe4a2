// SPDX-License-Identifier: GPL-2.0-only
/* ima-test log: verify the IMA measurement list against the TPM. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "commands.h"
#include "common.h"
#include "log_check.h"
#include "log_quote.h"
#include "scan.h"
#include "util.h"

#define SECURITYFS_LISTS "/sys/kernel/security/ima/binary_runtime_measurements_*"
#define SECURITYFS_LIST_SHA1 "/sys/kernel/security/ima/binary_runtime_measurements"
#define TPM_SYSFS "/sys/class/tpm/tpm0"
#define LIST_MAX ((size_t)1 << 31)
#define SNAPSHOT_TRIES 10

static const char help[] =
	"Usage: ima-test log [--list FILE]... [--pcrs [ALG,]FILE]... [--cert FILE]...\n"
	"                    [--quote FILE --quote-sig FILE --ak FILE --nonce HEX\n"
	"                     --quote-pcrs FILE]\n"
	"                    [--reference POLICY.json] [--ignore-violations]\n"
	"                    [--ima-pcr N] [--allow-unverified] [--print-boot-aggregate]\n"
	"                    [--format text|json]\n"
	"Check the IMA measurement list: every entry's template digest, a replay of\n"
	"each PCR it extends against the TPM, boot_aggregate (entry 1, in the IMA\n"
	"PCR) against PCRs 0-7/0-9, signatures, violations, and every measured file\n"
	"against a reference.  A check that cannot evaluate an entry is a finding.\n\n"
	"      --list FILE     a binary or ascii list, any bank (repeatable; default\n"
	"                      every " SECURITYFS_LISTS ";\n"
	"                      on older kernels, as 6.1, the one SHA-1 list)\n"
	"      --pcrs [ALG,]FILE  PCR values as 'PCR-00: hex' lines, evmctl's format\n"
	"                      (ALG defaults to sha1; repeatable; default\n"
	"                      " TPM_SYSFS "/pcr-ALG/N)\n"
	LOG_QUOTE_HELP
	"      --cert FILE     check ima-sig signatures with these certificates\n"
	"      --reference POLICY.json  a Keylime runtime policy (audit --format\n"
	"                      keylime): each measured file needs an allowed digest\n"
	"                      (repeatable: a digest any of them allows)\n"
	"      --ignore-violations  ToMToU/open-writers entries are not findings\n"
	"      --ima-pcr N     the PCR IMA measures into, 8-14 (default 10)\n"
	"      --allow-unverified  accept entries of PCRs other than the IMA PCR that\n"
	"                      have no TPM value, and a boot_aggregate whose PCRs\n"
	"                      0-7/0-9 are not known (reported, not findings)\n"
	"      --print-boot-aggregate  print entry 1's boot_aggregate digest (hex, for\n"
	"                      a reference's digests) if the list checks out\n"
	"      --format FMT    text (default) or json (JSON lines, then a summary)\n"
	"  -h, --help          show this help\n"
	"Exit status: 0 consistent with the TPM and no findings, 1 findings, 2 errors.\n";

struct pcr_arg {
	const struct hash_algo *alg;
	const char *path;
};

/* Open @path as a regular file: the fd, or -errno (-EINVAL: not regular). */
static int open_list(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e;
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		e = errno;
	} else if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	} else if ((uint64_t)st.st_size > LIST_MAX) {
		e = EFBIG;
	} else {
		return fd;
	}
	close(fd);
	return -e;
}

/*
 * Parse the list at @path; it stays open, and is read again, block by
 * block, by the checks (struct imalog): nothing of it is kept in memory
 * but each entry's PCR.
 */
static int load_list(struct log_ctx *c, const char *path)
{
	struct log_list *l;
	int fd;

	if (c->nlists == LOG_LISTS_MAX) {
		cmd_warnx("at most %d lists", LOG_LISTS_MAX);
		return -1;
	}
	fd = open_list(path);
	if (fd < 0) {
		cmd_warnx("%s: cannot read: %s", path,
			fd == -EINVAL ? "not a regular file" : strerror(-fd));
		return -1;
	}
	l = &c->lists[c->nlists];
	memset(l, 0, sizeof(*l));
	l->path = strdup(path);
	l->parse = imalog_open(fd, &l->log);
	l->cur = calloc(1, sizeof(*l->cur));
	if (!l->path || !l->cur || l->parse < 0 || imalog_cursor_init(l->cur, &l->log)) {
		cmd_warnx("%s: %s", path, l->parse < 0 ?
			strerror(-l->parse) : "out of memory");
		free(l->path);
		if (l->cur)
			imalog_cursor_free(l->cur);
		free(l->cur);
		imalog_free(&l->log);
		return -1;
	}
	c->nlists++;
	return 0;
}

static void free_lists(struct log_ctx *c)
{
	for (size_t k = 0; k < c->nlists; k++) {
		imalog_cursor_free(c->lists[k].cur);
		free(c->lists[k].cur);
		imalog_free(&c->lists[k].log);
		free(c->lists[k].path);
		free(c->lists[k].dc);
		c->lists[k].dc = NULL;
	}
	c->nlists = 0;
}

/* Every pcr-ALG directory of the TPM this tool can hash. */
static int read_tpm(struct log_ctx *c)
{
	DIR *d = opendir(TPM_SYSFS);
	struct dirent *de;
	char err[512], dir[512];

	c->nbanks = 0;
	if (!d)
		return 0;
	while ((de = readdir(d)) && c->nbanks < LOG_BANKS_MAX) {
		const struct hash_algo *alg;

		if (strncmp(de->d_name, "pcr-", 4) || !(alg = hash_algo_by_name(de->d_name + 4)))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", TPM_SYSFS, de->d_name);
		if (pcr_bank_read_dir(dir, alg, &c->banks[c->nbanks], err, sizeof(err))) {
			cmd_warnx("%s", err);
			closedir(d);
			return -1;
		}
		c->nbanks++;
	}
	closedir(d);
	return 0;
}

static int load_securityfs_lists(struct log_ctx *c)
{
	glob_t g;
	int r = glob(SECURITYFS_LISTS, 0, NULL, &g);

	/* older kernels (Debian 12's 6.1) have one list, its template digests SHA-1; the other
	 * banks are replayed from its template data */
	if (r == GLOB_NOMATCH && access(SECURITYFS_LIST_SHA1, R_OK) == 0)
		return load_list(c, SECURITYFS_LIST_SHA1);
	if (r) {
		cmd_warnx("no %s nor %s (is securityfs mounted and IMA on?)",
			SECURITYFS_LISTS, SECURITYFS_LIST_SHA1);
		return -1;
	}
	for (size_t i = 0; i < g.gl_pathc && !r; i++)
		r = load_list(c, g.gl_pathv[i]);
	globfree(&g);
	return r;
}

/*
 * The kernel appends while we read: take the PCRs, then the lists, then the
 * PCRs again, until the two PCR reads agree.
 */
static int snapshot(struct log_ctx *c, bool read_lists, bool read_pcrs)
{
	struct pcr_bank before[LOG_BANKS_MAX];

	for (int t = 0; t < SNAPSHOT_TRIES; t++) {
		size_t nb;

		if (read_pcrs && read_tpm(c))
			return -1;
		memcpy(before, c->banks, sizeof(before));
		nb = c->nbanks;
		if (read_lists) {
			free_lists(c);
			if (load_securityfs_lists(c))
				return -1;
		}
		if (!read_pcrs || !read_lists)
			return 0;
		if (read_tpm(c))
			return -1;
		if (nb == c->nbanks && !memcmp(before, c->banks, sizeof(before)))
			return 0;
	}
	cmd_warnx("the measurement list kept growing while it was read");
	return -1;
}

static int parse_pcrs_arg(const char *arg, struct pcr_arg *p)
{
	const char *comma = strchr(arg, ',');
	char name[16];

	p->alg = hash_algo_by_id(HASH_ALGO_SHA1);
	p->path = arg;
	if (!comma)
		return 0;
	if ((size_t)(comma - arg) >= sizeof(name))
		return -1;
	memcpy(name, arg, (size_t)(comma - arg));
	name[comma - arg] = '\0';
	p->alg = hash_algo_by_name(name);
	p->path = comma + 1;
	return p->alg ? 0 : -1;
}

#define LOG_REFS_MAX 16

/* What the command line asks for; the certificates are loaded as read. */
struct log_args {
	const char *lists[LOG_LISTS_MAX], *refs[LOG_REFS_MAX];
	struct pcr_arg pcrs[LOG_BANKS_MAX];
	size_t nlists, npcrs, nrefs;
	struct certset certs;
	struct log_quote_args quote;
	bool print_boot_aggregate;
};

/* Parse the options into @a and @c: -1 to go on, or the exit status (an
 * error, or after --help). */
static int log_parse_args(int argc, char **argv, struct log_args *a, struct log_ctx *c)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, OPT_LIST },
		{ "pcrs", required_argument, NULL, OPT_PCRS },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "reference", required_argument, NULL, OPT_REFERENCE },
		{ "ignore-violations", no_argument, NULL, OPT_IGNORE_VIOLATIONS },
		{ "ima-pcr", required_argument, NULL, OPT_IMA_PCR },
		{ "allow-unverified", no_argument, NULL, OPT_ALLOW_UNVERIFIED },
		{ "print-boot-aggregate", no_argument, NULL, OPT_PRINT_BOOT_AGGREGATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		LOG_QUOTE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	char err[512], *end;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_LIST:
			if (a->nlists == LOG_LISTS_MAX)
				return usage_error("at most %d --list", LOG_LISTS_MAX);
			a->lists[a->nlists++] = optarg;
			break;
		case OPT_PCRS:
			if (a->npcrs == LOG_BANKS_MAX)
				return usage_error("at most %d --pcrs", LOG_BANKS_MAX);
			if (parse_pcrs_arg(optarg, &a->pcrs[a->npcrs]))
				return usage_error("--pcrs wants [ALG,]FILE with ALG one of %s, not '%s'",
						   hash_algo_supported_names(), optarg);
			a->npcrs++;
			break;
		case OPT_CERT:
			if (certset_add(&a->certs, optarg, err, sizeof(err))) {
				cmd_warnx("%s", err);
				return EXIT_TROUBLE;
			}
			break;
		case OPT_REFERENCE:
			if (a->nrefs == LOG_REFS_MAX) {
				cmd_warnx("more than %d --reference", LOG_REFS_MAX);
				return EXIT_TROUBLE;
			}
			a->refs[a->nrefs++] = optarg;
			break;
		case OPT_IGNORE_VIOLATIONS:
			c->ignore_violations = true;
			break;
		case OPT_IMA_PCR:
			/* CONFIG_IMA_MEASURE_PCR_IDX is 8-14 */
			if (strlen(optarg) != 1 && strlen(optarg) != 2)
				return usage_error("--ima-pcr wants 8-14, not '%s'", optarg);
			c->ima_pcr = (unsigned)strtoul(optarg, &end, 10);
			if (*end || c->ima_pcr < 8 || c->ima_pcr > 14)
				return usage_error("--ima-pcr wants 8-14, not '%s'", optarg);
			break;
		case OPT_ALLOW_UNVERIFIED:
			c->allow_unverified = true;
			break;
		case OPT_PRINT_BOOT_AGGREGATE:
			a->print_boot_aggregate = true;
			break;
		case OPT_FORMAT:
			if (scan_parse_format(optarg, SCAN_FORMATS_TEXT_JSON, &log_out(c)->fmt))
				return EXIT_TROUBLE;
			break;
		case 'h':
			fputs(help, stdout);
			return EXIT_OK;
		case '?':
			return usage_error_option(argv, "h", opts);
		default:
			if (log_quote_option(&a->quote, opt, optarg))
				break;
			return usage_error("bad option");
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return log_quote_check_args(&a->quote, a->npcrs);
}

/* Read the PCR files and the lists @a names into @c; what is not named
 * comes from this machine (snapshot()), or from a verified quote.  0,
 * EXIT_FINDINGS (the quote failed a check) or EXIT_TROUBLE. */
static int log_load_inputs(struct log_ctx *c, const struct log_args *a)
{
	char err[512];

	for (size_t i = 0; i < a->npcrs; i++) {
		for (size_t k = 0; k < c->nbanks; k++)
			if (c->banks[k].alg == a->pcrs[i].alg)
				return usage_error("two --pcrs for %s", a->pcrs[i].alg->name);
		if (pcr_bank_read_file(a->pcrs[i].path, a->pcrs[i].alg, &c->banks[c->nbanks],
				       err, sizeof(err))) {
			cmd_warnx("%s", err);
			return EXIT_TROUBLE;
		}
		c->nbanks++;
	}
	for (size_t i = 0; i < a->nlists; i++)
		if (load_list(c, a->lists[i]))
			return EXIT_TROUBLE;
	if ((!a->nlists || !a->npcrs) && snapshot(c, !a->nlists, !a->npcrs && !a->quote.quote))
		return EXIT_TROUBLE;
	if (a->quote.quote)
		return log_quote_load(c, &a->quote);
	log_pcrs_read(c, a->npcrs ? "--pcrs" : TPM_SYSFS);
	return 0;
}

/*
 * The value a reference needs for entry 1: only from a list that checks
 * out against the TPM, so that a forged boot_aggregate is never approved.
 */
static int print_boot_aggregate(struct log_ctx *c)
{
	FILE *null = fopen("/dev/null", "w");
	int r;

	if (!null) {
		cmd_warnx("/dev/null: %s", strerror(errno));
		return EXIT_TROUBLE;
	}
	log_out(c)->fp = null;
	c->ref = NULL;
	c->certs = NULL;
	c->allow_unverified = false;	/* a value not checked is not printed */
	r = log_check_all(c);
	fclose(null);
	log_out(c)->fp = stdout;
	if (r == EXIT_OK)
		return log_print_boot_aggregate(c);
	cmd_warnx("the list does not check out against the TPM "
		  "(run ima-test log without --print-boot-aggregate to see why); "
		  "no boot_aggregate printed");
	return r;
}

static int cmd_log(int argc, char **argv)
{
	static struct log_ctx zero;
	struct log_out out = { OUT_TEXT, stdout };
	struct log_ctx *c = malloc(sizeof(*c));
	struct log_args *a = calloc(1, sizeof(*a));
	struct ref_policy ref;
	char err[512];
	int r = EXIT_TROUBLE;
	bool have_ref = false;

	if (!c || !a) {
		cmd_warnx("out of memory");
		free(c);
		free(a);
		return EXIT_TROUBLE;
	}
	*c = zero;
	log_report_to(c, &out);
	c->ima_pcr = LOG_IMA_PCR_DEFAULT;
	r = log_parse_args(argc, argv, a, c);
	if (r >= 0)
		goto out;
	r = EXIT_TROUBLE;
	for (size_t i = 0; i < a->nrefs; i++) {
		if (i ? ref_policy_load_more(a->refs[i], &ref, err, sizeof(err)) :
			ref_policy_load(a->refs[i], &ref, err, sizeof(err))) {
			cmd_warnx("%s", err);
			goto out;
		}
		have_ref = true;
		c->ref = &ref;
	}
	if (a->certs.n)
		c->certs = &a->certs;
	/* with --print-boot-aggregate, stdout carries the value alone */
	if (a->print_boot_aggregate)
		out.fp = stderr;
	r = log_load_inputs(c, a);
	out.fp = stdout;
	if (!r)
		r = a->print_boot_aggregate ? print_boot_aggregate(c) : log_check_all(c);
out:
	free_lists(c);
	free(c->cell);
	if (have_ref)
		ref_policy_free(&ref);
	certset_free(&a->certs);
	free(a);
	free(c);
	return r;
}

COMMAND("log", 80, "verify the IMA measurement list against the TPM and a reference", cmd_log);
