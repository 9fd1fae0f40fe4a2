/* SPDX-License-Identifier: GPL-2.0-only */
/* ima-test log: the checks and their report (src/log_check.c). */
#ifndef IMA_TEST_LOG_CHECK_H
#define IMA_TEST_LOG_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "certs.h"
#include "imalog.h"
#include "out.h"
#include "refpolicy.h"

#define LOG_LISTS_MAX 16
#define LOG_BANKS_MAX 8

struct log_list {
	char *path;		/* as given, or the securityfs path */
	struct imalog log;
	int parse;		/* imalog_parse() result */
};

struct log_ctx {
	enum out_format fmt;
	FILE *fp;
	bool ignore_violations;
	const struct certset *certs;		/* NULL: signatures not checked */
	const struct ref_policy *ref;		/* NULL: no reference */
	struct log_list lists[LOG_LISTS_MAX];
	size_t nlists;
	struct pcr_bank banks[LOG_BANKS_MAX];
	size_t nbanks;
	/* results */
	unsigned long findings, violations, padded, replayed, consistent;
	bool trouble;		/* an error that is not a finding */
};

/* Run every check over ctx->lists and ctx->banks, printing as it goes.
 * Returns the exit status. */
int log_check_all(struct log_ctx *ctx);

#endif
