// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading a measurement list without holding it: the window the parsers
 * read through, the first pass that finds the list's form and records its
 * blocks, and the cursor that reads entries again, block by block, only
 * when a block's bytes hash to what the first pass saw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "imalog_int.h"
#include "util.h"

#define WINDOW_MIN (256u << 10)
#define BLOCK_BYTES (256u << 10)	/* a block ends after this many bytes... */
#define BLOCK_ENTRIES 4096		/* ...or this many entries */

void imalog_seek(struct imalog_ps *ps, uint64_t off, uint64_t limit)
{
	const struct imalog *s = ps->src;

	ps->pos = 0;
	ps->off = off;
	ps->limit = limit;
	if (s->mem) {
		uint64_t end = limit < s->mem_len ? limit : s->mem_len;

		/* the list is in memory already: the window is the list */
		ps->buf = s->mem + (off < end ? off : end);
		ps->len = off < end ? (size_t)(end - off) : 0;
		ps->eof = true;
		return;
	}
	ps->buf = ps->own;
	ps->len = 0;
	ps->eof = false;
}

int imalog_need(struct imalog_ps *ps, size_t n)
{
	if (ps->len - ps->pos >= n || ps->eof)
		return 0;
	if (ps->pos + n > ps->cap) {
		if (ps->pos) {
			memmove(ps->own, ps->own + ps->pos, ps->len - ps->pos);
			ps->off += ps->pos;
			ps->len -= ps->pos;
			ps->pos = 0;
		}
		if (n > ps->cap) {
			size_t cap = ps->cap ? ps->cap : WINDOW_MIN;
			uint8_t *p;

			while (cap < n)
				cap *= 2;
			p = realloc(ps->own, cap);
			if (!p)
				return -ENOMEM;
			ps->own = p;
			ps->buf = p;
			ps->cap = cap;
		}
	}
	while (ps->len - ps->pos < n) {
		uint64_t at = ps->off + ps->len;
		size_t want = ps->cap - ps->len;
		ssize_t r;

		if (ps->limit - at < want)
			want = (size_t)(ps->limit - at);
		r = want ? pread(ps->src->fd, ps->own + ps->len, want, (off_t)at) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0) {
			ps->eof = true;
			break;
		}
		ps->len += (size_t)r;
	}
	return 0;
}

int imalog_has(struct imalog_ps *ps, uint64_t n)
{
	uint64_t have = ps->len - ps->pos, at = ps->off + ps->len;
	uint8_t tmp[4096];

	while (have < n && !ps->eof && at < ps->limit) {
		size_t want = sizeof(tmp);
		ssize_t r;

		if (ps->limit - at < want)
			want = (size_t)(ps->limit - at);
		r = pread(ps->src->fd, tmp, want, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		have += (uint64_t)r;
		at += (uint64_t)r;
	}
	return have >= n;
}

void imalog_ps_free(struct imalog_ps *ps)
{
	free(ps->own);
	free(ps->data);
	memset(ps, 0, sizeof(*ps));
}

static int parse_one(struct imalog_ps *ps, struct imalog_entry *e)
{
	return ps->ascii ? imalog_parse_ascii_one(ps, e) : imalog_parse_binary_one(ps, e);
}

/* Frees what a parse recorded; the source stays. */
static void drop_parse(struct imalog *log)
{
	free(log->pcr);
	free(log->blk);
	log->pcr = NULL;
	log->blk = NULL;
	log->n = log->pcr_cap = log->nblk = log->blk_cap = 0;
}

static int close_block(struct imalog *log, EVP_MD_CTX *ctx, bool *open)
{
	if (!*open)
		return 0;
	*open = false;
	if (EVP_DigestFinal_ex(ctx, log->blk[log->nblk].md, NULL) <= 0)
		return -ENOMEM;
	log->nblk++;
	return 0;
}

/* Every entry from the start: log->n, log->pcr and log->blk.  0, 1 or -errno. */
static int parse_all(struct imalog *log, struct imalog_ps *ps)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *sha256 = hash_algo_md(hash_algo_by_id(HASH_ALGO_SHA256));
	struct imalog_entry e;
	bool open = false;
	int r = -ENOMEM;

	imalog_seek(ps, 0, UINT64_MAX);
	ps->n = 0;
	if (!ctx || !sha256)
		goto out;
	for (;;) {
		struct imalog_block *b;
		uint64_t start;
		size_t elen;

		r = imalog_need(ps, 1);
		if (r || ps->pos == ps->len)
			break;
		start = ps->off + ps->pos;
		r = parse_one(ps, &e);
		if (r)
			break;
		elen = (size_t)(ps->off + ps->pos - start);
		r = -ENOMEM;
		if (grow_array(&log->pcr, &log->pcr_cap, log->n + 1, 1, 4096) ||
		    (!open && grow_array(&log->blk, &log->blk_cap, log->nblk + 1,
					 sizeof(*log->blk), 64)))
			break;
		b = &log->blk[log->nblk];
		if (!open) {
			memset(b, 0, sizeof(*b));
			b->off = start;
			b->first = log->n;
			if (EVP_DigestInit_ex(ctx, sha256, NULL) <= 0)
				break;
			open = true;
		}
		if (EVP_DigestUpdate(ctx, ps->buf + ps->pos - elen, elen) <= 0)
			break;
		b->n++;
		b->len += elen;
		log->pcr[log->n++] = (uint8_t)e.pcr;
		ps->n = log->n;
		r = 0;
		if ((b->n == BLOCK_ENTRIES || b->len >= BLOCK_BYTES) &&
		    (r = close_block(log, ctx, &open)))
			break;
	}
	if (r >= 0) {
		int c = close_block(log, ctx, &open);

		r = c ? c : r;
	}
out:
	EVP_MD_CTX_free(ctx);
	if (r > 0) {
		memcpy(log->err, ps->err, sizeof(log->err));
		log->depth = ps->depth;
	}
	return r;
}

static const struct hash_algo *bank_by_size(size_t n)
{
	switch (n) {
	case 20: return hash_algo_by_id(HASH_ALGO_SHA1);
	case 28: return hash_algo_by_id(HASH_ALGO_SHA224);
	case 32: return hash_algo_by_id(HASH_ALGO_SHA256);
	case 48: return hash_algo_by_id(HASH_ALGO_SHA384);
	case 64: return hash_algo_by_id(HASH_ALGO_SHA512);
	}
	return NULL;
}

/* The form of the list at log's source: ascii, or the digest size that parses furthest. */
static int parse_list(struct imalog *log)
{
	static const size_t sizes[] = { 20, 32, 48, 64, 28 };
	struct imalog_ps ps = { .src = log };
	struct imalog best = *log;
	int r, best_r = 1;

	imalog_seek(&ps, 0, UINT64_MAX);
	r = imalog_need(&ps, 4);
	if (r)
		goto out;
	if (ps.len == 0) {
		snprintf(log->err, sizeof(log->err), "empty list");
		r = 1;
		goto out;
	}
	if (ps.len >= 4 && (ps.buf[0] == ' ' || (ps.buf[0] >= '0' && ps.buf[0] <= '9')) &&
	    ps.buf[1] && ps.buf[2] && ps.buf[3]) {
		log->ascii = ps.ascii = true;
		r = parse_all(log, &ps);
		log->bank = ps.bank;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct imalog cur = *log;

		cur.bank = bank_by_size(sizes[i]);
		ps.dsize = sizes[i];
		r = parse_all(&cur, &ps);
		if (r < 0) {
			drop_parse(&cur);
			if (i)
				drop_parse(&best);
			goto out;
		}
		/* ties: the size whose failing entry got furthest names the error */
		if (i == 0 || cur.n > best.n || (cur.n == best.n && !r && best_r) ||
		    (cur.n == best.n && r && best_r && cur.depth > best.depth)) {
			if (i)
				drop_parse(&best);
			best = cur;
			best_r = r;
		} else {
			drop_parse(&cur);
		}
		if (!r)
			break;
	}
	*log = best;
	r = best_r;
out:
	imalog_ps_free(&ps);
	return r;
}

int imalog_open(int fd, struct imalog *log)
{
	memset(log, 0, sizeof(*log));
	log->fd = fd;
	return parse_list(log);
}

int imalog_parse(const uint8_t *buf, size_t len, struct imalog *log)
{
	static const uint8_t none[1];

	memset(log, 0, sizeof(*log));
	log->fd = -1;
	log->mem = len ? buf : none;
	log->mem_len = len;
	return parse_list(log);
}

void imalog_free(struct imalog *log)
{
	drop_parse(log);
	if (log->fd >= 0 && !log->mem)
		close(log->fd);
	memset(log, 0, sizeof(*log));
	log->fd = -1;
}

int imalog_cursor_init(struct imalog_cursor *cur, const struct imalog *log)
{
	memset(cur, 0, sizeof(*cur));
	cur->log = log;
	cur->ps = calloc(1, sizeof(*cur->ps));
	if (!cur->ps)
		return -ENOMEM;
	cur->ps->src = log;
	cur->ps->bank = log->bank;
	cur->ps->ascii = log->ascii;
	cur->ps->dsize = log->bank ? log->bank->len : 0;
	return 0;
}

void imalog_cursor_free(struct imalog_cursor *cur)
{
	if (cur->ps)
		imalog_ps_free(cur->ps);
	free(cur->ps);
	memset(cur, 0, sizeof(*cur));
}

/* Read block @b whole and check it is the one parsed.  0, or -1 with cur->err. */
static int load_block(struct imalog_cursor *cur, size_t b)
{
	const struct imalog_block *blk = &cur->log->blk[b];
	struct imalog_ps *ps = cur->ps;
	uint8_t md[32];
	int r;

	cur->loaded = false;
	imalog_seek(ps, blk->off, blk->off + blk->len);
	r = imalog_need(ps, blk->len);
	if (r) {
		snprintf(cur->err, sizeof(cur->err), "cannot read the list again: %s",
			 strerror(-r));
		return r < 0 ? r : -EINVAL;
	}
	if (ps->len - ps->pos != blk->len ||
	    !EVP_Digest(ps->buf + ps->pos, blk->len, md, NULL,
			hash_algo_md(hash_algo_by_id(HASH_ALGO_SHA256)), NULL) ||
	    memcmp(md, blk->md, sizeof(md))) {
		snprintf(cur->err, sizeof(cur->err), "entries %zu-%zu: the list changed while "
			 "it was checked (its bytes are no longer the ones parsed)",
			 blk->first + 1, blk->first + blk->n);
		return -EINVAL;
	}
	ps->n = blk->first;
	cur->blk = b;
	cur->next = blk->first;
	cur->loaded = true;
	return 0;
}

const struct imalog_entry *imalog_at(struct imalog_cursor *cur, size_t i)
{
	const struct imalog *log = cur->log;

	if (i >= log->n) {
		snprintf(cur->err, sizeof(cur->err), "entry %zu: the list has %zu entries",
			 i + 1, log->n);
		return NULL;
	}
	if (cur->loaded && i + 1 == cur->next)
		return &cur->cur;
	if (!cur->loaded || i < cur->next ||
	    i >= log->blk[cur->blk].first + log->blk[cur->blk].n) {
		size_t lo = 0, hi = log->nblk;

		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (log->blk[mid].first <= i)
				lo = mid;
			else
				hi = mid;
		}
		if (load_block(cur, lo))
			return NULL;
	}
	while (cur->next <= i) {
		int r = parse_one(cur->ps, &cur->cur);

		if (r) {
			snprintf(cur->err, sizeof(cur->err), "%s",
				 r > 0 ? cur->ps->err : strerror(-r));
			cur->loaded = false;
			return NULL;
		}
		cur->ps->n = ++cur->next;
	}
	return &cur->cur;
}
