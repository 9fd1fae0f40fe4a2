// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log against the TPM: the replay of every PCR the lists extend,
 * in every bank there are values for; the IMA PCR, which must hold the
 * list's first entry, boot_aggregate, and must have a TPM value that the
 * list replays to; boot_aggregate against PCRs 0-7 (SHA-1) or 0-9.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log_check.h"
#include "util.h"

/* What the banks said of one entry, or'ed over the banks. */
enum { T_OK = 1, T_FINDING = 2, T_NO_VALUE = 4 };

/* The list to replay into bank @b: one of the bank's own, else the first. */
static const struct log_list *list_for_bank(const struct log_ctx *c, const struct pcr_bank *b)
{
	for (size_t k = 0; k < c->nlists; k++)
		if (c->lists[k].log.bank == b->alg)
			return &c->lists[k];
	return &c->lists[0];
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static void say_pcr(struct log_ctx *c, const struct log_list *l, const struct pcr_bank *b,
		    unsigned p, const struct replay_result *r)
{
	char hex[2 * HASH_MAX_DIGEST + 1];

	hex_encode(r->value, b->alg->len, hex);
	if (r->match == r->last) {
		c->consistent++;
		log_say(c, l, NULL, false, "consistent",
			"%s PCR %u matches the TPM at entry %zu, the last of its %zu entries",
			b->alg->name, p, r->match, r->entries);
	} else if (r->match) {
		const struct imalog_entry *e = log_entry_at(c, l, r->match - 1);

		if (e)
			log_say(c, l, e, true, "list-continues",
				"%s PCR %u matches the TPM at this entry; the list goes on to "
				"entry %zu", b->alg->name, p, r->last);
	} else {
		log_say(c, l, NULL, true, "replay-mismatch",
			"%s PCR %u: no entry brings the replay to the TPM value; "
			"after all %zu entries it is %s", b->alg->name, p, r->entries, hex);
	}
}

static void replay_bank(struct log_ctx *c, const struct pcr_bank *b, uint8_t *tpm)
{
	struct replay_result res[IMALOG_PCRS];
	const struct log_list *l = list_for_bank(c, b);
	char err[IMALOG_ERR + 64];

	if (imalog_replay(&l->log, b, res, err, sizeof(err))) {
		log_say(c, l, NULL, false, "error", "%s", err);
		c->trouble = true;
		return;
	}
	for (unsigned p = 0; p < IMALOG_PCRS; p++) {
		const struct replay_result *r = &res[p];

		if (!r->known)
			continue;
		if (r->used) {
			c->replayed++;
			say_pcr(c, l, b, p, r);
		} else if (p == c->ima_pcr) {
			/* no entry at all: the TPM's IMA PCR must still be untouched */
			c->replayed++;
			if (all_zero(b->v[p], b->alg->len)) {
				c->consistent++;
			} else {
				c->list_findings++;
				log_say(c, l, NULL, true, "replay-mismatch",
					"%s PCR %u, the IMA PCR: the TPM holds measurements the "
					"list has no entry for", b->alg->name, p);
			}
		}
	}
	for (size_t i = 0; i < l->log.n && i < c->rows; i++) {
		const struct replay_result *r = &res[l->log.pcr[i]];

		if (!r->known)
			tpm[i] |= T_NO_VALUE;
		else if (r->match && i < r->match)
			tpm[i] |= T_OK;
		else
			tpm[i] |= T_FINDING;
	}
}

/* Entries of PCRs without a TPM value in any bank: one line per PCR. */
static void say_unverified(struct log_ctx *c)
{
	for (unsigned p = 0; p < IMALOG_PCRS; p++) {
		const struct log_list *l = &c->lists[0];
		const struct imalog_entry *e;
		size_t first = 0, count = 0;

		for (size_t i = 0; i < l->log.n; i++) {
			enum log_verdict v = log_get(c, i, CK_TPM);

			if (l->log.pcr[i] == p && (v == V_CANNOT || v == V_ACCEPTED) && !count++)
				first = i;
		}
		if (!count || !(e = log_entry_at(c, l, first)))
			continue;
		if (log_get(c, first, CK_TPM) == V_ACCEPTED)
			log_say(c, l, e, false, "unverified",
				"PCR %u has no TPM value in any bank: %zu entries from this one are "
				"not checked against the TPM, accepted by --allow-unverified", p, count);
		else
			log_say(c, l, e, true, "no-tpm-value",
				"PCR %u has no TPM value in any bank: %zu entries from this one are "
				"not checked against the TPM%s", p, count,
				p == c->ima_pcr ? " (the IMA PCR must have one)" :
				" (--allow-unverified accepts that)");
	}
}

void log_check_tpm(struct log_ctx *c)
{
	uint8_t *tpm = calloc(c->rows ? c->rows : 1, 1);
	unsigned long replayed = c->replayed;
	bool ima_known = false;

	if (!tpm) {
		cmd_warnx("out of memory");
		c->trouble = true;
		return;
	}
	for (size_t b = 0; b < c->nbanks; b++) {
		replay_bank(c, &c->banks[b], tpm);
		ima_known |= c->banks[b].have >> c->ima_pcr & 1;
	}
	if (c->replayed == replayed) {
		cmd_warnx("no TPM values to replay the list against "
			  "(give --pcrs, or run where /sys/class/tpm/tpm0/pcr-* exists)");
		c->trouble = true;
	} else if (!ima_known) {
		c->list_findings++;
		log_say(c, &c->lists[0], NULL, true, "no-tpm-value",
			"the IMA PCR %u has no TPM value in any bank", c->ima_pcr);
	}
	for (size_t i = 0; i < c->rows; i++) {
		const struct log_list *l = &c->lists[0];
		unsigned pcr = i < l->log.n ? l->log.pcr[i] : c->ima_pcr;

		if (tpm[i] & T_FINDING)
			log_set(c, i, CK_TPM, V_FINDING);
		else if (tpm[i] & T_OK)
			log_set(c, i, CK_TPM, V_OK);
		else if (tpm[i] & T_NO_VALUE)
			log_set(c, i, CK_TPM, c->allow_unverified && pcr != c->ima_pcr ?
				V_ACCEPTED : V_CANNOT);
	}
	free(tpm);
	say_unverified(c);
}

/* Entry 1 must be boot_aggregate, in the IMA PCR, and match PCRs 0-7 or 0-9. */
void log_check_boot_aggregate(struct log_ctx *c)
{
	const struct log_list *l = &c->lists[0];
	const struct imalog_entry *e;
	char name[LOG_NAME_BUF];
	const struct hash_algo *alg;
	enum imalog_digest_type type;
	const uint8_t *md;
	uint8_t want[HASH_MAX_DIGEST];
	size_t len, wlen;
	int last;

	for (size_t i = 1; i < c->rows; i++)
		log_set(c, i, CK_BOOT, V_NA);	/* later entries named so are files */
	e = log_entry_at(c, l, 0);
	if (!e)
		return;
	imalog_name(e, name, sizeof(name));
	if (strcmp(name, "boot_aggregate") || e->pcr != c->ima_pcr || e->violation ||
	    imalog_file_digest(e, &alg, &md, &len, &type) || type != IMALOG_DT_FILE) {
		log_set(c, 0, CK_BOOT, V_FINDING);
		log_say(c, l, e, true, "no-boot-aggregate",
			"the list must start with a boot_aggregate entry in the IMA PCR %u; "
			"entry 1 is in PCR %u", c->ima_pcr, e->pcr);
		return;
	}
	last = alg->id == HASH_ALGO_SHA1 ? 7 : 9;
	for (size_t b = 0; b < c->nbanks; b++) {
		if (c->banks[b].alg != alg || pcr_boot_aggregate(&c->banks[b], want, &wlen))
			continue;
		if (wlen == len && !memcmp(want, md, len)) {
			log_set(c, 0, CK_BOOT, V_OK);
			log_say(c, l, e, false, "boot-aggregate-ok", "matches %s PCRs 0-%d",
				alg->name, last);
		} else {
			log_set(c, 0, CK_BOOT, V_FINDING);
			log_say(c, l, e, true, "boot-aggregate", "does not match %s PCRs 0-%d",
				alg->name, last);
		}
		return;
	}
	if (c->allow_unverified) {
		log_set(c, 0, CK_BOOT, V_ACCEPTED);
		log_say(c, l, e, false, "unverified",
			"no %s PCRs 0-%d to check it against, accepted by --allow-unverified",
			alg->name, last);
	} else {
		log_set(c, 0, CK_BOOT, V_CANNOT);
		log_say(c, l, e, true, "boot-aggregate-unverified",
			"no %s PCRs 0-%d to check it against (--allow-unverified accepts that)",
			alg->name, last);
	}
}

int log_print_boot_aggregate(struct log_ctx *c)
{
	const struct log_list *l = &c->lists[0];
	const struct imalog_entry *e = c->nlists && l->log.n ? log_entry_at(c, l, 0) : NULL;
	char hex[2 * HASH_MAX_DIGEST + 1];
	const struct hash_algo *alg;
	const uint8_t *md;
	size_t len;

	if (c->trouble)
		return EXIT_TROUBLE;
	if (!e || imalog_file_digest(e, &alg, &md, &len, NULL))
		return EXIT_FINDINGS;
	hex_encode(md, len, hex);
	printf("%s\n", hex);
	return fflush(stdout) ? EXIT_TROUBLE : EXIT_OK;
}
