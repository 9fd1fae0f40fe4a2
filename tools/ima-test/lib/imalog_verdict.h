/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdicts of a measurement list check (ima-test log), and the checks
 * of whole lists: template digests, violations, lists that differ.
 *
 * Failing closed is structural here.  Every entry (a row: entry N of each
 * list given, the lists describing the same events) gets one verdict per
 * requested check (struct log_ctx.cell).  A check either evaluates an
 * entry (ok or finding), says it does not apply (n/a: an ima-ng entry has
 * no signature to check), or says it cannot evaluate it (cannot-check: a
 * template it does not know, a PCR without a TPM value); a cell left unset
 * by a requested check counts as cannot-check (log_close_matrix()).  A
 * cannot-check is a finding unless an option explicitly accepts it
 * (ignore_violations, allow_unverified), and then it is counted as
 * accepted, never as ok.
 *
 * Nothing here prints.  Every line of the report, a finding or a note (a
 * list's size, a PCR that replays), goes to the caller's struct
 * log_report with the list and the entry it is about, and so does an
 * entry that cannot be read again (an error: log_ctx.trouble).
 */
#ifndef IMA_TEST_IMALOG_VERDICT_H
#define IMA_TEST_IMALOG_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certs.h"
#include "imalog.h"
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
	CK_SIG,		/* certs: the entry's signatures */
	CK_REF,		/* ref: Keylime's verdict on the entry */
	CK_N
};

/* Ordered: a cell keeps the worst verdict it is given. */
enum log_verdict {
	V_UNSET,	/* a requested check did not say: counted as cannot-check */
	V_NA,		/* the check does not apply to this entry */
	V_OK,
	V_ACCEPTED,	/* a finding or cannot-check an option accepts */
	V_CANNOT,	/* the check cannot evaluate the entry: a finding */
	V_FINDING,
	V_N
};

/* One line of the report. */
struct log_note {
	const struct log_list *list;		/* what it is about, or NULL */
	const struct imalog_entry *entry;	/* or NULL */
	bool finding;				/* counted in log_ctx.findings */
	const char *status;			/* "violation", "list", ... */
	const char *detail;			/* one line; names in it are untrusted */
};

struct log_ctx;

/* Where the results go; a NULL callback drops them. */
struct log_report {
	void (*note)(struct log_ctx *c, const struct log_note *n);
	/* @subject (a list's path) cannot be read again, for @why */
	void (*error)(struct log_ctx *c, const char *subject, const char *why);
	void *arg;		/* the caller's */
};

struct log_ctx {
	struct log_report report;
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
	unsigned long findings;		/* finding lines reported */
	unsigned long list_findings;	/* findings about a list, not an entry */
	unsigned long violations, padded, replayed, consistent;
	bool trouble;		/* an error that is not a finding */
};

/* How many cells hold each verdict, once the matrix is closed. */
struct log_totals {
	unsigned long v[V_N];
};

/*
 * Hand a line about list @l and entry @e (both may be NULL) to the report,
 * its detail formatted from @fmt; @finding counts it in c->findings.
 */
void log_say(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
	     bool finding, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Entry @i of @l, valid until the next call for @l; NULL (handed to the
 * report as an error, and c->trouble) when it cannot be read again.
 */
const struct imalog_entry *log_entry_at(struct log_ctx *c, const struct log_list *l, size_t i);

/* Merge @v into the cell (@row, @ck): the worse verdict stays. */
void log_set(struct log_ctx *c, size_t row, enum log_check_id ck, enum log_verdict v);
enum log_verdict log_get(const struct log_ctx *c, size_t row, enum log_check_id ck);

/* Whether check @ck is asked for: lists-agree with two lists, sig with
 * certs, ref with a reference; every other one always. */
bool log_requested(const struct log_ctx *c, enum log_check_id ck);

/* The list that holds entry @row: the first long enough, or NULL. */
const struct log_list *log_list_of_row(const struct log_ctx *c, size_t row);

/*
 * Start the matrix: a line per list (its size, or malformed: a finding),
 * as many rows as the longest list has entries, every cell unset.
 * 0 or -ENOMEM.
 */
int log_open_matrix(struct log_ctx *c);

/* Template digests and violations of list @k (with entries): every list counts. */
void log_check_list(struct log_ctx *c, size_t k);

/* Every list must describe the same events, with the same violations, as the first one. */
void log_compare_lists(struct log_ctx *c);

/*
 * After every check: a requested check that left a cell unset could not
 * evaluate it (cannot-check, and a line saying so unless an error came
 * first).  The verdicts counted into @t.
 */
void log_close_matrix(struct log_ctx *c, struct log_totals *t);

/* Whether the closed matrix, or a line, holds a finding or a cannot-check. */
bool log_has_findings(const struct log_ctx *c, const struct log_totals *t);

#endif
