// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: the IMA policy parser and the appraisal decision. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ima_policy.h"
#include "ima_policy_eval.h"
#include "tap.h"
#include "util.h"

static int parse(struct ima_policy *p, const char *text, char *err, size_t errlen)
{
	return ima_policy_parse(p, "t", text, strlen(text), err, errlen);
}

/* A rule that parses; the policy is freed again. */
static void good(struct tap *t, const char *text)
{
	struct ima_policy p;
	char err[256] = "";
	int rc = parse(&p, text, err, sizeof(err));
	bool pass = rc == 0;

	tap_ok(t, pass, "parses: %s (rc %d, %s)", text, rc, err);
	ima_policy_free(&p);
}

/* A policy refused with -EINVAL and an error naming its line and cause. */
static void bad(struct tap *t, const char *text, const char *want)
{
	struct ima_policy p;
	char err[256] = "";
	int rc = parse(&p, text, err, sizeof(err));
	bool pass = rc == -EINVAL && strstr(err, want) && p.n == 0 && !p.rules;

	char shown[256];

	snprintf(shown, sizeof(shown), "%s", text);
	for (char *c = shown; (c = strchr(c, '\n')); )
		*c = '|';
	tap_ok(t, pass, "refused: %s -> rc %d '%s' (want '%s')", shown, rc, err, want);
	ima_policy_free(&p);
}

/* A shared library as Debian ships it: ELF, mode 0644. */
static const struct ima_file_facts lib0644 = {
	.uid = 0, .gid = 0, .mode = 0100644, .fsmagic = 0xef53, .uuid_state = -ENODATA,
	.elf = true,
};

/* Decide @text for @f by @s (root alone if NULL); the policy is kept in @p. */
static void decide(struct ima_policy *p, const char *text, const struct ima_subjects *s,
		   const struct ima_file_facts *f, struct ima_decision *d)
{
	struct ima_subject root = { 0 };
	struct ima_subjects one = { &root, 1 };
	char err[256];

	if (parse(p, text, err, sizeof(err)))
		memset(p, 0, sizeof(*p));
	ima_policy_decide(p, s ? s : &one, f, d);
}

static void test_fields(struct tap *t)
{
	struct ima_policy p;
	char err[256] = "";
	int rc = parse(&p, "# c\n\n  appraise func=FILE_MMAP mask=^MAY_EXEC fowner>99 "
		       "fsmagic=0xEF53 appraise_type=imasig appraise_algos=sha256,sha512\n"
		       "dont_appraise euid<5 fgroup=7\tobj_type=x_t\n", err, sizeof(err));
	const struct ima_rule *a = p.rules, *b = p.rules + 1;
	bool pass = rc == 0 && p.n == 2 && a->line == 3 && a->action == IMA_ACT_APPRAISE &&
		    a->func == IMA_FUNC_MMAP && a->has_mask && a->inmask &&
		    a->mask == IMA_MAY_EXEC && a->fowner.set && a->fowner.op == ID_GT &&
		    a->fowner.id == 99 && a->has_fsmagic && a->fsmagic == 0xef53 &&
		    a->sig_required && a->algos == (1UL << 4 | 1UL << 6) &&
		    !strcmp(a->text, "appraise func=FILE_MMAP mask=^MAY_EXEC fowner>99 fsmagic=0xEF53 "
			    "appraise_type=imasig appraise_algos=sha256,sha512");

	tap_ok(t, pass, "the fields of an appraise rule (rc %d, %s)", rc, err);
	pass = rc == 0 && b->line == 4 && b->action == IMA_ACT_DONT_APPRAISE &&
	       b->euid.set && b->euid.op == ID_LT && b->euid.id == 5 && !b->uid.set &&
	       b->fgroup.set && b->fgroup.id == 7 && !strcmp(b->unevaluable, "obj_type=x_t") &&
	       ima_rule_has_subject(b) && !ima_rule_has_subject(a);
	tap_ok(t, pass, "a dont_appraise rule: euid<, fgroup=, an LSM label kept as text");
	ima_policy_free(&p);
}

static void test_syntax(struct tap *t)
{
	static const char *const ok_rules[] = {
		"measure", "dont_measure", "audit", "hash", "dont_hash",
		"measure func=KEY_CHECK keyrings=.ima|.evm template=ima-buf pcr=11",
		"measure func=CRITICAL_DATA label=selinux",
		"appraise func=BPRM_CHECK appraise_type=imasig|modsig appraise_flag=check_blacklist",
		"appraise func=SETXATTR_CHECK appraise_algos=sha256",
		"appraise func=BPRM_CHECK digest_type=verity appraise_type=sigv3",
		"measure func=FILE_CHECK digest_type=verity template=ima-ngv2",
		"appraise fsname=ext4 subj_user=u subj_role=r subj_type=t obj_user=u obj_role=r",
		"appraise fsuuid=01234567-89ab-cdef-0123-456789ABCDEF permit_directio",
		"appraise uid>0 gid<5", "appraise euid=0 egid>4294967294",
		"appraise func=PATH_CHECK mask=MAY_APPEND",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ok_rules); i++)
		good(t, ok_rules[i]);
	bad(t, "appraise\n#\nappraise fowners=0", "t: line 3: unknown keyword 'fowners'");
	bad(t, "appraise bogus", "unknown keyword 'bogus'");
	/* ima_parse_rule() and ima_validate_rule() on fs-verity */
	bad(t, "appraise appraise_type=sigv3", "appraise_type=sigv3 needs digest_type=verity before it");
	bad(t, "appraise appraise_type=sigv3 digest_type=verity",
	    "appraise_type=sigv3 needs digest_type=verity before it");
	bad(t, "appraise appraise_type=imasig digest_type=verity",
	    "digest_type=verity must come before appraise_type=");
	bad(t, "appraise digest_type=verity appraise_type=imasig",
	    "appraise_type=imasig cannot go with digest_type=verity");
	bad(t, "appraise digest_type=verity", "needs appraise_type=sigv3");
	bad(t, "appraise func=MODULE_CHECK digest_type=verity appraise_type=sigv3",
	    "digest_type=verity does not go with func=MODULE_CHECK");
	bad(t, "appraise func=SETXATTR_CHECK appraise_algos=sha256 digest_type=verity",
	    "needs appraise_type=sigv3");
	bad(t, "appraise func<BPRM_CHECK", "'func' takes '=', not '<'");
	bad(t, "appraise func=", "func= needs a value");
	bad(t, "appraise func=EXEC_CHECK", "unknown func=EXEC_CHECK");
	bad(t, "appraise func=BPRM_CHECK func=FILE_CHECK", "second func=");
	bad(t, "appraise mask=MAY_RUN", "unknown mask=MAY_RUN");
	bad(t, "func=BPRM_CHECK", "line 1: rule has no action");
	bad(t, "appraise dont_appraise", "second action 'dont_appraise'");
	bad(t, "measure appraise_type=imasig", "appraise_type= needs the appraise action");
	bad(t, "appraise_type=imasig appraise", "appraise_type= needs the appraise action");
	bad(t, "appraise fsuuid=1234", "bad or second fsuuid=1234");
	bad(t, "appraise fsmagic=0xzz", "bad or second fsmagic=0xzz");
	bad(t, "appraise fowner=-1", "bad or second fowner=-1");
	bad(t, "appraise uid=4294967296", "bad or second uid=4294967296");
	bad(t, "appraise uid=0 euid=0", "bad or second euid=0");
	bad(t, "appraise egid=0 gid<3", "bad or second gid<3");
	bad(t, "appraise appraise_algos=sha256,sha4", "bad appraise_algos=sha256,sha4");
	bad(t, "appraise appraise_flag=x", "bad appraise_flag=x");
	bad(t, "appraise digest_type=ima", "unknown digest_type=ima");
	{
		struct ima_policy p;
		char err[256] = "";
		int rc = ima_policy_parse(&p, "t", "appraise\0x", 10, err, sizeof(err));
		bool pass = rc == -EINVAL && strstr(err, "NUL byte");

		tap_ok(t, pass, "a NUL byte is refused (rc %d, %s)", rc, err);
	}
}

static void test_load(struct tap *t)
{
	struct ima_policy p;
	char err[256] = "";
	int rc = ima_policy_load(&p, "builtin:appraise_tcb", err, sizeof(err));
	bool pass = rc == 0 && p.n == 16 && p.rules[15].fowner.set &&
		    !ima_rule_in_scope(&p.rules[14]) && ima_rule_in_scope(&p.rules[15]);

	tap_ok(t, pass, "builtin:appraise_tcb: 16 rules, POLICY_CHECK out of scope (rc %d)", rc);
	ima_policy_free(&p);
	rc = ima_policy_load(&p, "builtin:tcb", err, sizeof(err));
	tap_ok(t, rc == -ENOENT, "an unknown built-in policy: -ENOENT (%d)", rc);
	rc = ima_policy_load(&p, "/nonexistent/policy", err, sizeof(err));
	tap_ok(t, rc == -ENOENT, "a missing policy file: -ENOENT (%d)", rc);
}

/* Write @text to @dir/@name; the path in @path. */
static void put(char *path, size_t cap, const char *dir, const char *name, const char *text)
{
	FILE *f;

	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/*
 * The policy the running kernel enforces: the live one when readable,
 * else the file systemd loads at boot, said in the note; neither is an
 * error telling the user to name it.
 */
static void test_load_running(struct tap *t)
{
	char dir[] = "/tmp/unit-policy-XXXXXX", live[64], boot[64], sfs[64];
	char note[512], err[512];
	struct ima_policy p;
	int rc;

	if (!mkdtemp(dir)) {
		tap_ok(t, false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(sfs, sizeof(sfs), "%s/ima", dir);
	mkdir(sfs, 0700);
	put(live, sizeof(live), dir, "ima/policy", "appraise func=BPRM_CHECK\n");
	put(boot, sizeof(boot), dir, "ima-policy", "appraise func=FILE_CHECK\nappraise func=MMAP_CHECK\n");
	rc = ima_policy_load_running(&p, live, boot, note, sizeof(note), err, sizeof(err));
	tap_ok(t, rc == 0 && p.n == 1 && !strcmp(p.source, live) && !note[0],
	       "a readable live policy comes before the boot file (rc %d, %zu rules, note '%s')",
	       rc, rc ? 0 : p.n, note);
	if (!rc)
		ima_policy_free(&p);
	unlink(live);
	rc = ima_policy_load_running(&p, live, boot, note, sizeof(note), err, sizeof(err));
	tap_ok(t, rc == 0 && p.n == 2 && !strcmp(p.source, boot) &&
	       strstr(note, "cannot be read (No such file or directory: the kernel removes it "
		      "once a policy is written") && strstr(note, "--policy FILE"),
	       "a live policy removed after it was written: the boot file, and the note says why "
	       "(rc %d, note '%s')", rc, note);
	if (!rc)
		ima_policy_free(&p);
	unlink(boot);
	rc = ima_policy_load_running(&p, live, boot, note, sizeof(note), err, sizeof(err));
	tap_ok(t, rc == -ENOENT && strstr(err, "and there is no ") &&
	       strstr(err, "the file systemd loaded at boot: --policy FILE"),
	       "neither: -ENOENT, telling the user to pass the file systemd loaded (rc %d, %s)",
	       rc, err);
	rmdir(sfs);
	rc = ima_policy_load_running(&p, live, boot, note, sizeof(note), err, sizeof(err));
	tap_ok(t, rc == -ENOENT && strstr(err, "securityfs is not mounted"),
	       "no securityfs directory: said so (rc %d, %s)", rc, err);
	rmdir(dir);
}

static void test_mmap(struct tap *t)
{
	struct ima_file_facts f = lib0644;
	struct ima_policy p;
	struct ima_decision d;
	bool pass;

	decide(&p, "appraise func=MMAP_CHECK mask=MAY_EXEC appraise_type=imasig", NULL, &f, &d);
	pass = d.appraised && d.sig_required && d.access == IMA_ACCESS_MMAP;
	tap_ok(t, pass, "a 0644 file is appraised on mmap (access %s)", ima_access_name(d.access));
	f.noexec = true;
	ima_policy_decide(&p, &(struct ima_subjects){ &(struct ima_subject){ 0 }, 1 }, &f, &d);
	tap_ok(t, !d.appraised, "not on a noexec mount");
	ima_policy_free(&p);
	f = lib0644;
	decide(&p, "appraise func=MMAP_CHECK_REQPROT", NULL, &f, &d);
	pass = d.appraised && d.access == IMA_ACCESS_MMAP_REQPROT;
	tap_ok(t, pass, "MMAP_CHECK_REQPROT too");
	ima_policy_free(&p);
	/* A 0644 data file: not object code, so not mapped executable... */
	f = lib0644;
	f.elf = false;
	decide(&p, "appraise func=MMAP_CHECK mask=MAY_EXEC appraise_type=imasig", NULL, &f, &d);
	tap_ok(t, !d.appraised, "a 0644 file that is not ELF is not appraised on mmap");
	/* ...unless every file is modelled (--mmap-any). */
	f.map_any = true;
	ima_policy_decide(&p, &(struct ima_subjects){ &(struct ima_subject){ 0 }, 1 }, &f, &d);
	tap_ok(t, d.appraised && d.access == IMA_ACCESS_MMAP, "with map_any it is");
	ima_policy_free(&p);
	decide(&p, "appraise func=BPRM_CHECK", NULL, &f, &d);
	tap_ok(t, !d.appraised, "BPRM_CHECK: not without an execute bit");
	f.mode = 0100700;
	ima_policy_decide(&p, &(struct ima_subjects){ &(struct ima_subject){ 0 }, 1 }, &f, &d);
	pass = d.appraised && d.access == IMA_ACCESS_EXEC;
	tap_ok(t, pass, "BPRM_CHECK with one (0700)");
	ima_policy_free(&p);
	decide(&p, "appraise func=FILE_CHECK mask=MAY_READ", NULL, &lib0644, &d);
	pass = d.appraised && d.access == IMA_ACCESS_OPEN;
	tap_ok(t, pass, "FILE_CHECK MAY_READ: every file on open");
	ima_policy_free(&p);
}

static void test_subjects(struct tap *t)
{
	static const char pol[] = "dont_appraise uid<1000\nappraise gid=5\n";
	struct ima_policy p;
	struct ima_subjects s;
	struct ima_decision d;
	char err[256];
	int rc = parse(&p, pol, err, sizeof(err));
	bool pass;

	rc = rc ? rc : ima_subjects_from_policy(&p, &s);
	pass = rc == 0 && s.n == 16 && s.v[0].uid == 0 && s.v[0].gid == 0 &&
	       s.v[15].uid == 1001 && s.v[15].gid == 6;
	tap_ok(t, pass, "uid<1000, gid=5: uids {0,999,1000,1001} x gids {0,4,5,6} (rc %d, n %zu)",
	       rc, rc ? 0 : s.n);
	ima_policy_decide(&p, &s, &lib0644, &d);
	pass = d.appraised && d.subject && d.subject->uid == 1000 && d.subject->gid == 5 &&
	       d.dont_rule == &p.rules[0];
	tap_ok(t, pass, "appraised for uid 1000 gid 5, exempt for the others");
	ima_subjects_free(&s);
	ima_policy_free(&p);

	rc = parse(&p, "appraise uid>4294967295\nappraise gid<0\n", err, sizeof(err));
	rc = rc ? rc : ima_subjects_from_policy(&p, &s);
	/* uids {0, 4294967294, 4294967295} x gids {0, 1} */
	pass = rc == 0 && s.n == 6 && s.v[5].uid == 4294967295UL && s.v[5].gid == 1;
	tap_ok(t, pass, "ids at the ends of the 32-bit range do not wrap (n %zu)", rc ? 0 : s.n);
	ima_subjects_free(&s);
	ima_policy_free(&p);

	{
		char big[8192];
		size_t len = 0;

		for (int i = 0; i < 40; i++)
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"appraise uid=%d\nappraise gid=%d\n", 10 * i + 10, 10 * i + 10);
		rc = parse(&p, big, err, sizeof(err));
		rc = rc ? rc : ima_subjects_from_policy(&p, &s);
		tap_ok(t, rc == -E2BIG, "121 uids x 121 gids: -E2BIG (%d)", rc);
		ima_policy_free(&p);
	}
}

static void test_setuid(struct tap *t)
{
	struct ima_policy p;
	struct ima_subjects s = { 0 };
	struct ima_decision d;
	struct ima_subject setuid_root = { .uid = 5, .euid = 0, .gid = 0, .egid = 0 };
	char err[256];
	int rc = parse(&p, "dont_appraise uid=0\nappraise euid=0\n", err, sizeof(err));
	bool pass;

	rc = rc ? rc : ima_subjects_from_policy(&p, &s);
	ima_policy_decide(&p, &s, &lib0644, &d);
	pass = rc == 0 && s.n == 4 && d.appraised && d.subject->uid == 1 && d.subject->euid == 0;
	tap_ok(t, pass, "dont_appraise uid=0, appraise euid=0: a setuid-root program run by uid 1 "
	       "is appraised (n %zu)", s.n);
	ima_subjects_free(&s);
	ima_policy_free(&p);
	decide(&p, "dont_appraise euid=5\nappraise\n",
	       &(struct ima_subjects){ &setuid_root, 1 }, &lib0644, &d);
	tap_ok(t, !d.appraised, "euid=5 matches uid 5 running with euid 0 (CAP_SETUID), as in the kernel");
	ima_policy_free(&p);
	decide(&p, "dont_appraise egid=5\nappraise\n",
	       &(struct ima_subjects){ &(struct ima_subject){ .uid = 1, .euid = 1, .gid = 5, .egid = 0 }, 1 },
	       &lib0644, &d);
	tap_ok(t, d.appraised, "egid=5 does not match gid 5 egid 0 without CAP_SETGID");
	ima_policy_free(&p);
}

static void test_assumptions(struct tap *t)
{
	struct ima_file_facts f = lib0644;
	struct ima_policy p;
	struct ima_decision d;
	bool pass;

	decide(&p, "dont_appraise fsuuid=01234567-89ab-cdef-0123-456789abcdef\nappraise\n",
	       NULL, &f, &d);
	pass = d.appraised && d.assumed == &p.rules[0] && strstr(d.assumed_why, "fsuuid");
	tap_ok(t, pass, "an unknown fsuuid: dont_appraise assumed not to match (%s)", d.assumed_why);
	ima_policy_free(&p);
	f.uuid_state = 1;
	memcpy(f.uuid, "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
	decide(&p, "dont_appraise fsuuid=01234567-89ab-cdef-0123-456789abcdef\nappraise\n",
	       NULL, &f, &d);
	pass = !d.appraised && !d.assumed && d.dont_rule == &p.rules[0];
	tap_ok(t, pass, "a known, equal fsuuid exempts");
	ima_policy_free(&p);
	decide(&p, "appraise obj_type=x_t appraise_type=imasig\n", NULL, &lib0644, &d);
	pass = d.appraised && d.sig_required && d.assumed == &p.rules[0];
	tap_ok(t, pass, "an LSM condition on appraise: assumed to match");
	ima_policy_free(&p);
	decide(&p, "dont_appraise fsmagic=0xef53\nappraise\n", NULL, &lib0644, &d);
	tap_ok(t, !d.appraised && !d.assumed, "fsmagic= is decided, not assumed");
	ima_policy_free(&p);
	decide(&p, "appraise fowner=0 appraise_algos=sha256\nappraise appraise_algos=sha512\n",
	       NULL, &lib0644, &d);
	pass = d.appraised && d.algos == 1UL << 4 && d.algos_rule == &p.rules[0];
	tap_ok(t, pass, "appraise_algos of the deciding rule (0x%lx)", d.algos);
	ima_policy_free(&p);
}

int main(void)
{
	struct tap t = { 0 };

	tap_plan(&t, 73);
	test_fields(&t);
	test_syntax(&t);
	test_load(&t);
	test_load_running(&t);
	test_mmap(&t);
	test_subjects(&t);
	test_setuid(&t);
	test_assumptions(&t);
	return tap_done(&t);
}
