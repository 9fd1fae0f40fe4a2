/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IMA policy language (Documentation/ABI/testing/ima_policy): one rule
 * per line, '#' comments, the action first.  Tokens are matched against a
 * table of patterns, as the kernel's ima_parse_rule() does with
 * match_token(), and a rule the kernel would refuse is refused here.
 *
 * Every keyword the kernel accepts is parsed.  The appraisal conditions
 * ready can decide for a file at rest are kept as fields; the ones it
 * cannot (LSM labels, fsname, ...) are kept as text in @unevaluable so the
 * report can name them.  A policy is read-only once parsed and may be
 * shared between threads.
 */
#ifndef IMA_TEST_IMA_POLICY_H
#define IMA_TEST_IMA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ima_action {
	IMA_ACT_MEASURE,
	IMA_ACT_DONT_MEASURE,
	IMA_ACT_APPRAISE,
	IMA_ACT_DONT_APPRAISE,
	IMA_ACT_AUDIT,
	IMA_ACT_HASH,
	IMA_ACT_DONT_HASH,
};

/* The kernel's enum ima_hooks, by policy name. */
enum ima_func {
	IMA_FUNC_ANY = 0,	/* no func= condition */
	IMA_FUNC_FILE,
	IMA_FUNC_MMAP,
	IMA_FUNC_MMAP_REQPROT,
	IMA_FUNC_BPRM,
	IMA_FUNC_CREDS,
	IMA_FUNC_MODULE,
	IMA_FUNC_FIRMWARE,
	IMA_FUNC_KEXEC_KERNEL,
	IMA_FUNC_KEXEC_INITRAMFS,
	IMA_FUNC_POLICY,
	IMA_FUNC_KEXEC_CMDLINE,
	IMA_FUNC_KEY,
	IMA_FUNC_CRITICAL_DATA,
	IMA_FUNC_SETXATTR,
};

/* include/linux/fs.h */
#define IMA_MAY_EXEC	0x01
#define IMA_MAY_WRITE	0x02
#define IMA_MAY_READ	0x04
#define IMA_MAY_APPEND	0x08

enum id_op { ID_EQ, ID_LT, ID_GT };

struct id_cond {
	bool set;
	enum id_op op;
	unsigned long id;
};

struct ima_rule {
	unsigned line;		/* line in the policy text, from 1 */
	char *text;		/* the rule, whitespace collapsed */
	enum ima_action action;
	enum ima_func func;
	bool has_mask, inmask;	/* mask=X (equal) or mask=^X (includes) */
	unsigned mask;
	bool has_fsmagic, has_fsuuid;
	unsigned long fsmagic;
	uint8_t fsuuid[16];
	/* at most one of uid/euid and one of gid/egid, as in the kernel */
	struct id_cond uid, euid, gid, egid, fowner, fgroup;
	bool sig_required;	/* appraise_type=imasig[|modsig] or sigv3 */
	bool verity_required;	/* digest_type=verity (appraise: with sigv3) */
	unsigned long algos;	/* appraise_algos=: bit per hash_info id; 0 = any */
	char unevaluable[160];	/* conditions ready cannot decide, or "" */
	char unchecked[160];	/* requirements ready does not check, or "" */
};

struct ima_policy {
	char *source;		/* file name, "builtin:NAME" or the live path */
	struct ima_rule *rules;
	size_t n;
};

#define IMA_POLICY_LIVE "/sys/kernel/security/ima/policy"
/* The policy systemd writes to IMA_POLICY_LIVE at boot (ima_setup). */
#define IMA_POLICY_BOOT_FILE "/etc/ima/ima-policy"

/*
 * Parse @len bytes of policy text from @source into @p.  0; -EINVAL with a
 * message naming the line in @err; -ENOMEM.  On error @p is empty.
 */
int ima_policy_parse(struct ima_policy *p, const char *source,
		     const char *text, size_t len, char *err, size_t errlen);

/*
 * Load @spec: "builtin:appraise_tcb" or a file name.  0, or -errno with
 * @err set.
 */
int ima_policy_load(struct ima_policy *p, const char *spec,
		    char *err, size_t errlen);

/*
 * Load the policy the running kernel enforces, when none is named: @live
 * (IMA_POLICY_LIVE) when it can be read, which is the truth; else @boot
 * (IMA_POLICY_BOOT_FILE), the file systemd wrote to @live at boot, with
 * @note saying why @live was not used.  A kernel without
 * CONFIG_IMA_READ_POLICY refuses to read @live (EACCES), and one without
 * CONFIG_IMA_WRITE_POLICY either removes it once a policy is written
 * (ENOENT).  0 (@note "" when @live was read), or -errno with @err telling
 * the user to name the policy.
 */
int ima_policy_load_running(struct ima_policy *p, const char *live, const char *boot,
			    char *note, size_t notelen, char *err, size_t errlen);

void ima_policy_free(struct ima_policy *p);

/* Whether @r has a condition on the accessing process (uid, euid, gid, egid). */
bool ima_rule_has_subject(const struct ima_rule *r);

#endif
