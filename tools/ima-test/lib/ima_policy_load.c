// SPDX-License-Identifier: GPL-2.0-only
/* Reading a policy: a built-in one, a file, or the one the kernel enforces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ima_policy.h"
#include "util.h"

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

int ima_policy_load(struct ima_policy *p, const char *spec, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if (!strncmp(spec, "builtin:", 8)) {
		if (strcmp(spec + 8, "appraise_tcb")) {
			snprintf(err, errlen, "unknown built-in policy '%s' (known: builtin:appraise_tcb)",
				 spec);
			return -ENOENT;
		}
		return ima_policy_parse(p, spec, appraise_tcb, sizeof(appraise_tcb) - 1,
					err, errlen);
	}
	r = read_file(spec, &buf, &len, 1 << 20);
	if (r) {
		snprintf(err, errlen, "cannot read the policy %s: %s", spec, strerror(-r));
		return r;
	}
	r = ima_policy_parse(p, spec, (const char *)buf, len, err, errlen);
	free(buf);
	return r;
}

/* Why @live (which failed with @r) cannot be read, as a clause. */
static const char *live_unreadable_why(const char *live, int r)
{
	char dir[256];
	const char *slash = strrchr(live, '/');
	struct stat st;

	if (r == -EACCES)
		return "the kernel does not let it be read back (CONFIG_IMA_READ_POLICY is "
		       "not set)";
	if (r != -ENOENT || !slash || (size_t)(slash - live) >= sizeof(dir))
		return "";
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - live), live);
	if (stat(dir, &st))
		return "securityfs is not mounted, or the kernel has no IMA";
	return "the kernel removes it once a policy is written (neither "
	       "CONFIG_IMA_READ_POLICY nor CONFIG_IMA_WRITE_POLICY is set)";
}

int ima_policy_load_running(struct ima_policy *p, const char *live, const char *boot,
			    char *note, size_t notelen, char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	const char *why;
	int r, rb;

	note[0] = '\0';
	r = read_file(live, &buf, &len, 1 << 20);
	if (!r) {
		r = ima_policy_parse(p, live, (const char *)buf, len, err, errlen);
		free(buf);
		return r;
	}
	why = live_unreadable_why(live, r);
	rb = read_file(boot, &buf, &len, 1 << 20);
	if (rb) {
		snprintf(err, errlen, "cannot read the live policy %s: %s%s%s; %s %s: name the "
			 "policy the kernel enforces, the file systemd loaded at boot: --policy "
			 "FILE (or builtin:appraise_tcb for ima_policy=appraise_tcb)",
			 live, strerror(-r), why[0] ? ": " : "", why,
			 rb == -ENOENT ? "and there is no" : "and cannot read", boot);
		return r;
	}
	snprintf(note, notelen, "the live policy %s cannot be read (%s%s%s), so this is "
		 "the file systemd loads at boot; if the kernel's policy came from "
		 "elsewhere, name it with --policy FILE", live, strerror(-r),
		 why[0] ? ": " : "", why);
	r = ima_policy_parse(p, boot, (const char *)buf, len, err, errlen);
	free(buf);
	return r;
}
