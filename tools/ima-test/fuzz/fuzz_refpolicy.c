// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the Keylime runtime policy reader: any input is a
 * policy or is rejected with a reason, without reading out of bounds; what
 * parses answers look-ups of every path it holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "refpolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), err[256] = "";
	struct ref_policy p;

	if (!copy)
		return 0;
	memcpy(copy, data, size);	/* exact-size heap buffer: ASan sees overreads */
	if (ref_policy_parse(copy, size, &p, err, sizeof(err))) {
		if (!err[0])
			abort();
	} else {
		for (int s = 0; s < REF_SECTIONS; s++) {
			const struct ref_table *t = &p.t[s];

			for (size_t i = 0; i < t->n; i++) {
				const char *d = t->v[i].n ? t->v[i].digests[0] : "";
				enum ref_verdict v = ref_policy_check_in(&p, (enum ref_section)s,
									 t->v[i].path, d);

				if (t->v[i].n && v != REF_ALLOWED && v != REF_EXCLUDED)
					abort();
				ref_policy_keyring_ignored(&p, t->v[i].path);
			}
		}
		ref_policy_free(&p);
	}
	free(copy);
	return 0;
}
