/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ima-test log: the checks and their report.
 *
 * Failing closed is structural here.  Every entry (a row: entry N of each
 * list given, the lists describing the same events) gets one verdict per
 * requested check (struct log_ctx.cell).  A check either evaluates an
 * entry (ok or finding), says it does not apply (n/a: an ima-ng entry has
 * no signature to check), or says it cannot evaluate it (cannot-check: a
 * template it does not know, a PCR without a TPM value); a cell left unset
 * by a requested check counts as cannot-check.  The exit status and the
 * summary come from that matrix: a cannot-check is a finding unless an
 * option explicitly accepts it (--allow-unverified, --ignore-violations),
 * and then it is counted as accepted, never as ok.
 *
 * src/log_check.c: the matrix, the report and the per-list checks;
 * src/log_entry.c: signatures and the reference, per entry;
 * src/log_tpm.c: replay, the IMA PCR and boot_aggregate.
 */
#ifndef IMA_TEST_LOG_CHECK_H
#define IMA_TEST_LOG_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "certs.h"
#include "imalog.h"
#include "out.h"
#include "refpolicy.h"

#define LOG_LISTS_MAX 16
#define LOG_BANKS_MAX 8
#define LOG_IMA_PCR_DEFAULT 10	/* CONFIG_IMA_MEASURE_PCR_IDX */
#define LOG_NAME_BUF (IMALOG_NAME_MAX + 1)

struct log_list {
	char *path;		/* as given, or the securityfs path */
	struct imalog log;
	int parse;		/* imalog_open() result */
	struct imalog_cursor *cur;	/* reads its entries for the checks */
	uint8_t *dc;		/* per entry, once checked: enum imalog_digest_check */
};

/* The checks, one column each. */
enum log_check_id {
	CK_DIGEST,	/* template digest against the entry's data, every list */
	CK_VIOLATION,	/* not a violation (ToMToU, open-writers), any list */
	CK_LISTS,	/* every list holds the same event (two lists or more) */
	CK_TPM,		/* the entry's PCR replays to the TPM in some bank */
	CK_BOOT,	/* entry 1 is boot_aggregate in the IMA PCR, matching PCRs 0-9 */
	CK_SIG,		/* --cert: the entry's signatures */
	CK_REF,		/* --reference: Keylime's verdict on the entry */
	CK_N
};

enum log_verdict {
	V_UNSET,	/* a requested check did not say: counted as cannot-check */
	V_NA,		/* the check does not apply to this entry */
	V_OK,
	V_ACCEPTED,	/* a finding or cannot-check an option accepts */
	V_CANNOT,	/* the check cannot evaluate the entry: a finding */
	V_FINDING,
	V_N
};

struct log_ctx {
	enum out_format fmt;
	FILE *fp;
	bool ignore_violations;
	bool allow_unverified;			/* no TPM value: accepted */
	unsigned ima_pcr;			/* 8-14, default 10 */
	const struct certset *certs;		/* NULL: signatures not checked */
	const struct ref_policy *ref;		/* NULL: no reference */
	struct log_list lists[LOG_LISTS_MAX];
	size_t nlists;
	struct pcr_bank banks[LOG_BANKS_MAX];
	size_t nbanks;
	/* the matrix: rows x CK_N verdicts (uint8_t enum log_verdict) */
	uint8_t *cell;
	size_t rows;
	/* results */
	unsigned long findings;		/* finding lines printed */
	unsigned long list_findings;	/* findings about a list, not an entry */
	unsigned long violations, padded, replayed, consistent;
	bool trouble;		/* an error that is not a finding */
};

/* Run every check over ctx->lists and ctx->banks, printing as it goes.
 * Returns the exit status. */
int log_check_all(struct log_ctx *ctx);

/* Print the boot_aggregate digest of list 1's first entry as a reference
 * needs it ("boot_aggregate": lower-case hex).  Returns the exit status. */
int log_print_boot_aggregate(struct log_ctx *ctx);

/* Shared by the log_*.c files. */
/*
 * One report line about @subject (a list, a quote, ...): JSON
 * {KEY:SUBJECT[,"entry","pcr","template","path"],"status","detail"}, text
 * "[SUBJECT: ][entry N NAME: ]STATUS (DETAIL)", SUBJECT left out when "".
 * @e may be NULL.
 */
void log_line(struct log_ctx *c, const char *key, const char *subject,
	      const struct imalog_entry *e, const char *status, const char *detail);
/* A line about list @l (may be NULL) and entry @e (may be NULL); @finding counts it. */
void log_say(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
	     bool finding, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/*
 * Entry @i of @l, valid until the next call for @l; NULL (said on stderr,
 * and an error: c->trouble) when it cannot be read again.
 */
const struct imalog_entry *log_entry_at(struct log_ctx *c, const struct log_list *l, size_t i);
/* Merge @v into the cell (@row, @ck): the worse verdict stays. */
void log_set(struct log_ctx *c, size_t row, enum log_check_id ck, enum log_verdict v);
enum log_verdict log_get(const struct log_ctx *c, size_t row, enum log_check_id ck);

void log_check_signature(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e);
void log_check_reference(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e);
void log_check_tpm(struct log_ctx *c);
void log_check_boot_aggregate(struct log_ctx *c);

#endif
