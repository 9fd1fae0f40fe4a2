// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the measurement list parser (binary and ascii):
 * any input parses or stops at an entry with a message, without reading
 * out of bounds; the cursor reads every parsed entry again, and every
 * accessor and the replay work on what it reads.
 */
#include <stdlib.h>
#include <string.h>

#include "imalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), md[HASH_MAX_DIGEST];
	struct replay_result res[IMALOG_PCRS];
	struct pcr_bank bank = { .have = 1u << 10 };
	char name[IMALOG_NAME_MAX + 1];
	struct imalog_cursor cur;
	struct imalog log;
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	r = imalog_parse(copy, size, &log);
	if (r < 0)
		abort();
	if (r && (!log.err[0] || !memchr(log.err, '\0', sizeof(log.err))))
		abort();
	if (imalog_cursor_init(&cur, &log))
		abort();
	for (size_t i = 0; i < log.n; i++) {
		const struct imalog_entry *e = imalog_at(&cur, i);
		struct imalog_field f[IMALOG_FIELDS_MAX];
		const struct hash_algo *alg;
		const uint8_t *fmd;
		size_t len, nf;

		if (!e || e->index != i || e->pcr != log.pcr[i])
			abort();	/* the bytes did not change: every entry reads again */
		nf = imalog_fields(e, f, IMALOG_FIELDS_MAX);
		for (size_t k = 0; k < nf; k++)
			if (f[k].len && (f[k].p[0] == 0x5a) != (f[k].p[f[k].len - 1] == 0x5a))
				md[0] = 0;	/* touch first and last byte of every field */
		imalog_name(e, name, sizeof(name));
		if (strlen(name) >= sizeof(name))
			abort();
		if (strlen(name) > IMALOG_NAME_MAX)
			abort();
		if (!imalog_file_digest(e, &alg, &fmd, &len, NULL) && len != alg->len)
			abort();
		if (nf > 3 && !imalog_digest_field(&f[3], &alg, &fmd, &len, NULL) && len != alg->len)
			abort();
		imalog_check_digest(&log, e);
	}
	/* backwards too: a cursor seeks */
	if (log.n && (!imalog_at(&cur, log.n - 1) || !imalog_at(&cur, 0)))
		abort();
	imalog_cursor_free(&cur);
	if (log.n) {
		bank.alg = hash_algo_by_id(HASH_ALGO_SHA256);
		if (imalog_replay(&log, &bank, res, name, sizeof(name)))
			abort();
		bank.alg = hash_algo_by_id(HASH_ALGO_SHA1);
		if (imalog_replay(&log, &bank, res, name, sizeof(name)))
			abort();
	}
	imalog_free(&log);
	free(copy);		/* the list in memory is read until imalog_free() */
	return 0;
}
