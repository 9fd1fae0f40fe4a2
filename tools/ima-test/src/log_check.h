/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ima-test log: the checks and their report.
 *
 * The verdicts, and the checks of whole lists, are the library's
 * (lib/imalog_verdict.h); here they are run and printed.
 *
 * src/log_check.c: the report and the order of the checks;
 * src/log_entry.c: signatures and the reference, per entry;
 * src/log_tpm.c: replay, the IMA PCR and boot_aggregate.
 */
#ifndef IMA_TEST_LOG_CHECK_H
#define IMA_TEST_LOG_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "imalog_verdict.h"
#include "out.h"

/* Where the report goes: log_ctx.report.arg (log_report_to()). */
struct log_out {
	enum out_format fmt;
	FILE *fp;
};

static inline struct log_out *log_out(const struct log_ctx *c)
{
	return c->report.arg;
}

/* Print @c's lines and errors as @o says. */
void log_report_to(struct log_ctx *c, struct log_out *o);

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

void log_check_signature(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e);
void log_check_reference(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e);
void log_check_tpm(struct log_ctx *c);
void log_check_boot_aggregate(struct log_ctx *c);

#endif
