// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the measurement list read in blocks.  A cursor reads every
 * entry again, in any order, and refuses a list whose bytes changed after
 * the parse, in memory or in a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imalog.h"
#include "tap.h"

#define ENTRIES 5000	/* more than one block */

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An ima-ng entry with a sha1 template digest (not checked by the parse): its size. */
static size_t entry(uint8_t *p, uint32_t pcr, unsigned k)
{
	char name[32];
	size_t nlen = (size_t)snprintf(name, sizeof(name), "/f%u", k) + 1, n = 0;
	uint32_t f1 = 8 + 32, tlen = 4 + f1 + 4 + (uint32_t)nlen;

	put32(p, pcr);
	memset(p + 4, 0x11, 20);
	put32(p + 24, 6);
	memcpy(p + 28, "ima-ng", 6);
	put32(p + 34, tlen);
	n = 38;
	put32(p + n, f1);
	memcpy(p + n + 4, "sha256:", 8);
	memset(p + n + 12, (int)(k & 0xff), 32);
	n += 4 + f1;
	put32(p + n, (uint32_t)nlen);
	memcpy(p + n + 4, name, nlen);
	return n + 4 + nlen;
}

static bool reads_all(struct imalog_cursor *cur, size_t n)
{
	char name[IMALOG_NAME_MAX + 1], want[32];

	for (size_t i = 0; i < n; i++) {
		size_t k = n - 1 - i;	/* backwards: a seek per block */
		const struct imalog_entry *e = imalog_at(cur, k);

		snprintf(want, sizeof(want), "/f%zu", k);
		if (!e || e->index != k || e->pcr != (k % 3 ? 10u : 11u))
			return false;
		imalog_name(e, name, sizeof(name));
		if (strcmp(name, want))
			return false;
	}
	return true;
}

int main(void)
{
	size_t cap = (size_t)ENTRIES * 128, len = 0;
	uint8_t *buf = malloc(cap);
	struct imalog_cursor cur;
	struct imalog log;
	char path[] = "/tmp/unit_imalog.XXXXXX";
	struct tap t = { 0 };
	int fd;

	if (!buf)
		return 2;
	tap_plan(&t, 11);
	for (unsigned k = 0; k < ENTRIES; k++)
		len += entry(buf + len, k % 3 ? 10 : 11, k);

	/* in memory */
	tap_eq(&t, imalog_parse(buf, len, &log), 0, "the list parses");
	tap_eq(&t, log.n, ENTRIES, "every entry counted");
	tap_ok(&t, log.nblk > 1, "in %zu blocks", log.nblk);
	tap_eq(&t, imalog_cursor_init(&cur, &log), 0, "a cursor");
	tap_ok(&t, reads_all(&cur, log.n), "every entry reads again, backwards");
	imalog_cursor_free(&cur);
	buf[len - 2] ^= 1;	/* a byte of the last entry's name */
	imalog_cursor_init(&cur, &log);
	tap_ok(&t, !imalog_at(&cur, ENTRIES - 1) && strstr(cur.err, "changed"),
	       "a changed byte is refused: %s", cur.err);
	buf[len - 2] ^= 1;
	tap_ok(&t, imalog_at(&cur, ENTRIES - 1) != NULL, "and read once it is back");
	imalog_cursor_free(&cur);
	imalog_free(&log);

	/* in a file */
	fd = mkstemp(path);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		return 2;
	unlink(path);
	tap_eq(&t, imalog_open(fd, &log), 0, "the file parses");
	imalog_cursor_init(&cur, &log);
	tap_ok(&t, reads_all(&cur, log.n), "every entry of the file reads again");
	if (pwrite(fd, "X", 1, 40) != 1)
		return 2;
	tap_ok(&t, imalog_at(&cur, ENTRIES - 1) && !imalog_at(&cur, 0) &&
	       strstr(cur.err, "entries 1-"),
	       "a file rewritten after the parse is refused: %s", cur.err);
	if (ftruncate(fd, (off_t)len - 10))
		return 2;
	tap_ok(&t, !imalog_at(&cur, ENTRIES - 1) && strstr(cur.err, "changed"),
	       "a file cut after the parse is refused: %s", cur.err);
	imalog_cursor_free(&cur);
	imalog_free(&log);
	free(buf);
	return tap_done(&t);
}
