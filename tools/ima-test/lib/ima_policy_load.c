// SPDX-License-Identifier: GPL-2.0-only
/* Reading a policy: a built-in one, a file, or the live one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const char *path = spec ? spec : IMA_POLICY_LIVE;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	if (spec && !strncmp(spec, "builtin:", 8)) {
		if (strcmp(spec + 8, "appraise_tcb")) {
			snprintf(err, errlen, "unknown built-in policy '%s' (known: builtin:appraise_tcb)",
				 spec);
			return -ENOENT;
		}
		return ima_policy_parse(p, spec, appraise_tcb, sizeof(appraise_tcb) - 1,
					err, errlen);
	}
	r = read_file(path, &buf, &len, 1 << 20);
	if (r) {
		snprintf(err, errlen, "cannot read the policy %s: %s%s", path, strerror(-r),
			 spec ? "" : " (needs securityfs and CONFIG_IMA_READ_POLICY;"
			 " or name one: --policy FILE|builtin:appraise_tcb)");
		return r;
	}
	r = ima_policy_parse(p, path, (const char *)buf, len, err, errlen);
	free(buf);
	return r;
}
