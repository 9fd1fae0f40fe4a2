/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IMA measurement list: parsing, template digests and PCR replay.
 *
 * A binary list (binary_runtime_measurements[_ALG]) is a sequence of
 *
 *   u32 pcr | template digest (the bank's size) | u32 name length | name |
 *   u32 template data length | template data
 *
 * where the template data is its fields, each u32 length + bytes.  The
 * template "ima" has no data length and writes its digest field without a
 * length.  Integers are little endian.  An ascii list
 * (ascii_runtime_measurements[_ALG]) has one line per entry,
 * "PCR DIGEST TEMPLATE FIELD...", from which the binary template data is
 * rebuilt for the eight built-in templates of Linux 6.12 (below).  Which form and which digest size a
 * buffer holds is found from its content.
 *
 * Lists are untrusted input: every length is checked against what is left,
 * nothing is read past the list, and the first malformed entry ends the
 * parse with a message naming it; the entries before it are kept.
 *
 * A list is never held in memory.  The parse reads it once, front to back,
 * and keeps each entry's PCR (one byte) and, per block of entries, where
 * the block starts and the SHA-256 of its bytes.  A cursor then reads
 * entries again, a block at a time, and refuses a block whose bytes are not
 * the ones parsed: every check sees the same list, and memory stays near
 * one block and one entry whatever the list's length.
 */
#ifndef IMA_TEST_IMALOG_H
#define IMA_TEST_IMALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hashalgo.h"

#define IMALOG_PCRS 24
#define IMALOG_TEMPLATE_NAME_MAX 15	/* IMA_TEMPLATE_NAME_LEN_MAX */
#define IMALOG_EVENT_NAME_MAX 255	/* IMA_EVENT_NAME_LEN_MAX */
#define IMALOG_NAME_MAX 4095		/* n-ng: a path (PATH_MAX with its NUL) */
#define IMALOG_FIELDS_MAX 16
#define IMALOG_TDATA_MAX (1u << 22)	/* larger template data: malformed */
#define IMALOG_ERR 256

enum imalog_template {
	IMALOG_T_IMA,
	IMALOG_T_IMA_NG,
	IMALOG_T_IMA_SIG,
	IMALOG_T_IMA_BUF,
	IMALOG_T_IMA_MODSIG,
	IMALOG_T_IMA_NGV2,	/* d-ngv2|n-ng */
	IMALOG_T_IMA_SIGV2,	/* d-ngv2|n-ng|sig */
	IMALOG_T_EVM_SIG,	/* d-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode */
	IMALOG_T_OTHER,		/* parsed by lengths; no path or digest known */
};

struct imalog_field {
	const uint8_t *p;
	uint32_t len;
};

struct imalog_entry {
	size_t index;			/* 0-based position in the list */
	uint32_t pcr;
	enum imalog_template tmpl;
	char tname[IMALOG_TEMPLATE_NAME_MAX + 1];
	uint8_t digest[HASH_MAX_DIGEST];	/* template digest as logged */
	bool violation;				/* logged digest all zero */
	const uint8_t *tdata;		/* fields, each u32 length + bytes; valid until
					 * the cursor (or parse) that gave @e moves */
	uint32_t tdata_len;
};

/* Entries parsed together: where they are and the SHA-256 of their bytes. */
struct imalog_block {
	uint64_t off;
	size_t first, n, len;
	uint8_t md[32];
};

struct imalog {
	const struct hash_algo *bank;	/* algorithm of the logged digests */
	bool ascii;
	int fd;				/* the list (imalog_open), or -1 */
	const uint8_t *mem;		/* or the list in memory (imalog_parse) */
	size_t mem_len;
	size_t n;			/* entries parsed */
	uint8_t *pcr;			/* PCR of every entry */
	size_t pcr_cap;
	struct imalog_block *blk;
	size_t nblk, blk_cap;
	char err[IMALOG_ERR];		/* set when the parse stopped early */
	unsigned depth;			/* how far the failing entry parsed */
};

/*
 * Parse the list in @fd (which @log then owns and closes), or the @len
 * bytes at @buf (which must outlive @log).  0 when the whole list parsed;
 * 1 when an entry is malformed (log->err names it; log->n counts the
 * entries before it); -errno (-ENOMEM, or a read error).  imalog_free()
 * in every case.
 */
int imalog_open(int fd, struct imalog *log);
int imalog_parse(const uint8_t *buf, size_t len, struct imalog *log);
void imalog_free(struct imalog *log);

/* Reads the entries of a parsed list, in any order (forward is cheapest). */
struct imalog_cursor {
	const struct imalog *log;
	struct imalog_ps *ps;		/* the reader */
	size_t blk;			/* the block loaded, if ps holds one */
	size_t next;			/* index of the entry after cur */
	bool loaded;
	struct imalog_entry cur;
	char err[IMALOG_ERR];		/* why imalog_at() returned NULL */
};

/* 0 or -ENOMEM. */
int imalog_cursor_init(struct imalog_cursor *cur, const struct imalog *log);
void imalog_cursor_free(struct imalog_cursor *cur);
/*
 * Entry @i (< log->n), valid until the next call on @cur; NULL with
 * cur->err set when it cannot be read, or when the list's bytes are no
 * longer the ones parsed (it changed while it was checked).
 */
const struct imalog_entry *imalog_at(struct imalog_cursor *cur, size_t i);

/* Split @e's template data into fields; returns how many (0..max). */
size_t imalog_fields(const struct imalog_entry *e, struct imalog_field *f, size_t max);

/* What a file digest is the digest of ("d-ngv2" names it; others are IMALOG_DT_FILE). */
enum imalog_digest_type {
	IMALOG_DT_FILE,		/* the file's content ("ima:" or no type) */
	IMALOG_DT_VERITY,	/* the fs-verity digest ("verity:") */
};

/*
 * The file digest field of @e ("d-ng": "ALG:" NUL digest; "d-ngv2":
 * "TYPE:ALG:" NUL digest; "d": sha1): 0 with @alg, @md, @len and @type
 * (may be NULL) set; -EINVAL if @e has none or it cannot be read.
 */
int imalog_file_digest(const struct imalog_entry *e, const struct hash_algo **alg, const uint8_t **md, size_t *len,
		       enum imalog_digest_type *type);
/*
 * The same for one "[TYPE:]ALG:" NUL digest field (d-ng, d-ngv2,
 * d-modsig); TYPE is "ima" or "verity", anything else is -EINVAL.
 */
int imalog_digest_field(const struct imalog_field *f, const struct hash_algo **alg,
			const uint8_t **md, size_t *len, enum imalog_digest_type *type);
/*
 * The name field ("n-ng"/"n") of @e as a C string in @name; "" if @e has
 * none.  The parser guarantees that a name has no NUL inside and at most
 * IMALOG_NAME_MAX bytes, so with @cap > IMALOG_NAME_MAX it is never cut.
 */
void imalog_name(const struct imalog_entry *e, char *name, size_t cap);

/* Human number of @e: 1-based. */
static inline size_t imalog_index(const struct imalog_entry *e)
{
	return e->index + 1;
}

enum imalog_digest_check {
	IMALOG_DIGEST_OK,
	IMALOG_DIGEST_PADDED_SHA1,	/* bank the kernel could not hash */
	IMALOG_DIGEST_VIOLATION,	/* all zero: extended as all 0xff */
	IMALOG_DIGEST_MISMATCH,
};
/* Check @e's logged digest against its data. */
enum imalog_digest_check imalog_check_digest(const struct imalog *log,
					     const struct imalog_entry *e);

/*
 * imalog_check_digest() of every entry into @out (log->n items, each an
 * enum imalog_digest_check).  0, or -errno with @err (an algorithm missing, or
 * the list could not be read again).
 */
int imalog_check_digests(const struct imalog *log, uint8_t *out, char *err, size_t errlen);

/* PCR values of one bank; @have bit N set when PCR N is known. */
struct pcr_bank {
	const struct hash_algo *alg;
	uint32_t have;
	uint8_t v[IMALOG_PCRS][HASH_MAX_DIGEST];
};

/*
 * Read evmctl's PCR file ("PCR-00: hex" lines).  0, or -errno with @err.
 */
int pcr_bank_read_file(const char *path, const struct hash_algo *alg,
		       struct pcr_bank *b, char *err, size_t errlen);
/* Read /sys/class/tpm/tpm0/pcr-ALG/N style directory @dir.  0 or -errno. */
int pcr_bank_read_dir(const char *dir, const struct hash_algo *alg,
		      struct pcr_bank *b, char *err, size_t errlen);

struct replay_result {
	bool used;		/* the list extends this PCR */
	bool known;		/* the TPM value is known */
	size_t entries;		/* entries for this PCR */
	size_t match;		/* 1-based entry after which replay equals the TPM; 0 none */
	size_t last;		/* 1-based index of the last entry for this PCR */
	uint8_t value[HASH_MAX_DIGEST];	/* replayed value after the whole list */
};

/*
 * Replay @log into bank @b->alg for every PCR: digests of @log's own bank
 * are taken as logged, others are computed from the template data;
 * violations extend all 0xff.  0, or -errno with @err (algorithm not
 * available, or the list could not be read again).
 */
int imalog_replay(const struct imalog *log, const struct pcr_bank *b,
		  struct replay_result res[IMALOG_PCRS], char *err, size_t errlen);

/*
 * boot_aggregate of @b: H(PCR 0-7) for sha1, H(PCR 0-9) otherwise, in
 * @b->alg.  0, or -errno when those PCRs are not all known.
 */
int pcr_boot_aggregate(const struct pcr_bank *b, uint8_t *md, size_t *len);

#endif
