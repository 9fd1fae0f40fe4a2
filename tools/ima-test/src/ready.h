/* SPDX-License-Identifier: GPL-2.0-only */
/* The state of one `ima-test ready` run, shared by the walk and the report. */
#ifndef IMA_TEST_READY_H
#define IMA_TEST_READY_H

#include <pthread.h>
#include <stdbool.h>

#include "ima_check.h"
#include "ima_policy.h"
#include "ima_policy_eval.h"
#include "out.h"
#include "ready_evm.h"

enum verdict {
	V_DENY_SIG = CHECK__COUNT,	/* after the check classes */
	V_DENY_ALGO,
	V_DENY_VERITY,		/* digest_type=verity, fs-verity not enabled */
	V_DENY_SIGV3,		/* appraise_type=sigv3, a v2 signature */
	V_DENY_WRITE,		/* a signed file, appraised when opened for write */
	V_DENY_EVM_MISSING,
	V_DENY_EVM_INVALID,
	V_PASS,
	V_NOT_APPRAISED,
	V__COUNT
};

struct record {
	char *path;
	int verdict;		/* enum check_class or enum verdict */
	char *detail;
	/* JSON "line" (when @has_line) and, for an appraised file, "access"
	 * and "signature_required" */
	bool has_line;
	unsigned line;
	const char *access;	/* static; NULL when not appraised */
	bool sig_required;
};

struct ready {
	struct ima_policy policy;
	char policy_note[512];	/* why the policy is not the live one, or "" */
	struct ima_subjects subjects;
	bool want_uuid;
	bool map_any;		/* --mmap-any */
	unsigned kinds;		/* IMA_ACCESS_KIND_* modelled (--access) */
	bool verity;		/* the policy has digest_type=verity appraise rules */
	struct ready_evm evm;
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

/* "signature-required", "evm-missing", ..., or a check class's name. */
const char *ready_verdict_name(int v);

/* The policy, the processes and EVM's state, before the findings.  0 or -errno. */
int ready_print_header(struct ready *r);

/* The counts, after the findings.  0 or -errno. */
int ready_print_summary(struct ready *r);

#endif
