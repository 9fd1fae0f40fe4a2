/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ima-test log --quote: PCR values from a verified TPM 2.0 quote
 * (src/log_quote.c), and the line that says where the PCR values came from.
 */
#ifndef IMA_TEST_LOG_QUOTE_H
#define IMA_TEST_LOG_QUOTE_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "log_check.h"
#include "options.h"

#define LOG_QUOTE_LONG_OPTIONS \
	{ "quote", required_argument, NULL, OPT_QUOTE }, \
	{ "quote-sig", required_argument, NULL, OPT_QUOTE_SIG }, \
	{ "ak", required_argument, NULL, OPT_QUOTE_AK }, \
	{ "nonce", required_argument, NULL, OPT_QUOTE_NONCE }, \
	{ "quote-pcrs", required_argument, NULL, OPT_QUOTE_PCRS }

#define LOG_QUOTE_HELP \
	"      --quote FILE    take the PCR values from a TPM 2.0 quote (tpm2_quote -m);\n" \
	"                      needs all four of:\n" \
	"      --quote-sig FILE   its signature (tpm2_quote -s)\n" \
	"      --ak FILE       the attestation key: PEM, DER or TPM2B_PUBLIC\n" \
	"      --nonce HEX     the fresh nonce this verifier gave (tpm2_quote -q)\n" \
	"      --quote-pcrs FILE  the quoted PCR values (tpm2_quote -o)\n"

#define LOG_QUOTE_NONCE_MIN 8
#define LOG_QUOTE_NONCE_MAX 64

struct log_quote_args {
	const char *quote, *sig, *ak, *pcrs, *nonce_hex;
	uint8_t nonce[LOG_QUOTE_NONCE_MAX];
	size_t nonce_len;
};

/* Store a LOG_QUOTE_LONG_OPTIONS option: true if @opt is one. */
bool log_quote_option(struct log_quote_args *q, int opt, const char *arg);

/*
 * After option parsing: -1 to go on, or EXIT_TROUBLE after a usage error
 * (a part of the quote missing, a bad nonce, --quote with --pcrs).
 */
int log_quote_check_args(struct log_quote_args *q, size_t npcrs);

/*
 * Verify the quote (signature, nonce, PCR selection covering every PCR the
 * lists in @c extend, PCR digest) and only then add its PCR values to
 * @c->banks.  Prints one line either way.  0, EXIT_FINDINGS naming the
 * failed check, or EXIT_TROUBLE (a file cannot be read, a bad key).
 */
int log_quote_load(struct log_ctx *c, const struct log_quote_args *q);

/* The line for PCR values that were read, not quoted, from @source. */
void log_pcrs_read(struct log_ctx *c, const char *source);

#endif
