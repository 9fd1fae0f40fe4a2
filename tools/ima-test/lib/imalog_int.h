/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the list parsers and reader (lib/imalog*.c) only. */
#ifndef IMA_TEST_IMALOG_INT_H
#define IMA_TEST_IMALOG_INT_H

#include "imalog.h"

/*
 * A window on the list's bytes and the state of one entry's parse: the
 * first pass (imalog_open) and every cursor own one.  buf[pos..len) are
 * the bytes not yet parsed, file offset off + pos; nothing is read at or
 * beyond @limit.
 */
struct imalog_ps {
	const struct imalog *src;	/* fd or mem */
	const uint8_t *buf;		/* own, or into src->mem */
	uint8_t *own;
	size_t cap, len, pos;
	uint64_t off, limit;
	bool eof;
	/* the entry being parsed */
	const struct hash_algo *bank;	/* ascii: found from the first line */
	bool ascii;
	size_t dsize;			/* binary: template digest size */
	size_t n;			/* entries before it */
	unsigned depth;
	uint8_t *data;			/* its template data */
	size_t data_len, data_cap;
	char err[IMALOG_ERR];
};

uint32_t imalog_le32(const uint8_t *p);
void imalog_put_le32(uint8_t *p, uint32_t v);
/* Set ps->err to "entry N: MESSAGE" for the entry being parsed; returns 1. */
int imalog_fail(struct imalog_ps *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Room for @len bytes of template data at ps->data + ps->data_len. */
uint8_t *imalog_data_reserve(struct imalog_ps *ps, size_t len);
bool imalog_all_zero(const uint8_t *p, size_t n);
int imalog_set_template(struct imalog_ps *ps, struct imalog_entry *e,
			const char *name, size_t len);
/* @e's data splits into its template's fields. */
int imalog_check_fields(struct imalog_ps *ps, const struct imalog_entry *e);

/*
 * Make @n bytes from ps->pos readable in ps->buf, or all there are before
 * the end (ps->eof).  0 or -errno.
 */
int imalog_need(struct imalog_ps *ps, size_t n);
/* Whether at least @n bytes are left from ps->pos (reads ahead, keeps
 * nothing).  1, 0 or -errno. */
int imalog_has(struct imalog_ps *ps, uint64_t n);
/* Start reading at @off, up to @limit. */
void imalog_seek(struct imalog_ps *ps, uint64_t off, uint64_t limit);
void imalog_ps_free(struct imalog_ps *ps);

/* Parse one entry at ps->pos into @e and move past it: 0, 1 (malformed,
 * ps->err) or -errno. */
int imalog_parse_binary_one(struct imalog_ps *ps, struct imalog_entry *e);
int imalog_parse_ascii_one(struct imalog_ps *ps, struct imalog_entry *e);

#endif
