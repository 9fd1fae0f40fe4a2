/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which appraisal rule the kernel would apply to a file at rest.
 *
 * A file is not appraised as such: an access is.  ready models the
 * accesses a file on a running system meets: every file is opened for
 * read (FILE_CHECK, MAY_READ); a file with an execute bit is also
 * executed (opened with FILE_CHECK, MAY_EXEC, then BPRM_CHECK and
 * CREDS_CHECK, MAY_EXEC) and mapped executable
 * (MMAP_CHECK and MMAP_CHECK_REQPROT, MAY_EXEC).  For each access the
 * first appraise or dont_appraise rule that matches decides, as in the
 * kernel's ima_match_policy().  Subject conditions (uid, euid, gid, egid)
 * are decided for one accessing process, root by default.
 *
 * A condition that cannot be decided (an LSM label, fsname, an fsuuid the
 * file system does not report) is assumed to match on appraise rules and
 * not to match on dont_appraise rules, so that ready may report a file
 * enforce mode would in fact allow, never the reverse; the decision
 * records that it rests on such an assumption.
 */
#ifndef IMA_TEST_READY_EVAL_H
#define IMA_TEST_READY_EVAL_H

#include <stdbool.h>
#include <sys/stat.h>

#include "ready_policy.h"

enum ready_access {
	ACCESS_OPEN,		/* FILE_CHECK, MAY_READ */
	ACCESS_OPEN_EXEC,	/* FILE_CHECK, MAY_EXEC: execve() opens the file */
	ACCESS_EXEC,		/* BPRM_CHECK, MAY_EXEC */
	ACCESS_CREDS,		/* CREDS_CHECK, MAY_EXEC */
	ACCESS_MMAP,		/* MMAP_CHECK, MAY_EXEC */
	ACCESS_MMAP_REQPROT,	/* MMAP_CHECK_REQPROT, MAY_EXEC */
	ACCESS__COUNT
};

/* "open", "open (exec)", "exec", "exec (creds)", "mmap", "mmap (reqprot)" */
const char *ready_access_name(enum ready_access a);

struct ready_subject {
	unsigned long uid, gid;	/* of the process making the accesses */
};

struct ready_decision {
	bool appraised;
	const struct ima_rule *rule;	/* decided the first appraised access */
	enum ready_access access;
	const struct ima_rule *dont_rule; /* dont_appraise that decided, if any */
	bool sig_required;
	const struct ima_rule *sig_rule;
	enum ready_access sig_access;
	unsigned long algos;		/* allowed hash algorithms (bit per id) */
	const struct ima_rule *algos_rule; /* NULL: any algorithm */
	const struct ima_rule *assumed;	/* a rule with an undecidable condition */
	char assumed_why[160];
};

/*
 * Decide for the regular file open at @fd, with fstat @st.  0, or -1 with a
 * reason in @err when the file system cannot be inspected.
 */
int ready_decide(const struct ima_policy *p, const struct ready_subject *s,
		 int fd, const struct stat *st,
		 struct ready_decision *d, char *err, size_t errlen);

/* Whether appraisal rule @r can match any access ready models. */
bool ready_rule_in_scope(const struct ima_rule *r);

#endif
