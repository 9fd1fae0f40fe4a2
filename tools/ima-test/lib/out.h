/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output: per-file results as text or JSON lines, errors, and progress.
 *
 * One struct out per run; its functions may be called from any thread.
 *
 * Names are written so that each record stays on one line and is safe to
 * parse:
 *  - text: bytes 0x00-0x1f, 0x7f, '\' and bytes that are not valid UTF-8
 *    are written as C escapes (\n, \t, \\, \xNN); the code points a
 *    terminal would act on or hide (C1 controls U+0080-U+009F, U+2028,
 *    U+2029, bidi controls U+202A-U+202E and U+2066-U+2069) as \uXXXX.
 *    In a name, a ':' followed by a space is written \x3a, so the first
 *    ": " of a "PATH: STATUS" line always ends the path.
 *  - JSON, written by jansson: one compact object per line, members in
 *    the order they were added, ASCII only (every code point above 0x7e
 *    as \uXXXX, so none a terminal would act on or hide is written raw,
 *    and 0x7f as \u007F); each byte that is not part of valid UTF-8
 *    becomes U+FFFD, and the record then also carries "path_hex", the
 *    exact name bytes in hex.
 */
#ifndef IMA_TEST_OUT_H
#define IMA_TEST_OUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <jansson.h>

enum out_format { OUT_TEXT, OUT_JSON, OUT_KEYLIME };

struct out {
	FILE *fp;		/* results (stdout) */
	FILE *err;		/* errors, notes, progress (stderr) */
	enum out_format fmt;
	bool progress;		/* stderr is a tty and output is text */
	bool progress_shown;
	unsigned long done;
	struct timespec last;
	long interval_ns;	/* between progress lines; env IMA_TEST_PROGRESS_MS */
	pthread_mutex_t lock;
};

/* @prog_ok: progress may be shown (if stderr is a tty). */
void out_init(struct out *o, enum out_format fmt, bool prog_ok);
void out_finish(struct out *o);

/*
 * One result line for @path: text "PATH: STATUS[ (DETAIL)]", JSON
 * {"path":…,"status":…[,"detail":…][,EXTRA…]}.  @extra is a JSON object
 * whose members follow (or NULL); the call takes its reference.
 */
void out_result(struct out *o, const char *path, const char *status,
		const char *detail, json_t *extra);

/* "ima-test: PATH: MESSAGE" on stderr (PATH may be NULL). */
void out_error(struct out *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Count one processed file; refreshes the progress line now and then. */
void out_tick(struct out *o);

/*
 * A JSON string holding untrusted text @s: each byte that is not part of
 * valid UTF-8 becomes U+FFFD, and then *@valid (if given) is set false.
 * NULL if out of memory.
 */
json_t *json_text(const char *s, bool *valid);
/*
 * Write @rec as one line of compact JSON (see above) and take its
 * reference.  0, -ENOMEM if @rec is NULL (a failed json_pack() or
 * allocation), or -EIO.
 */
int json_emit(FILE *fp, json_t *rec);
/*
 * Set member @key of the object *@obj being built, taking @v.  If *@obj is
 * NULL, @v is NULL (a failed allocation) or the set fails, *@obj is
 * released and becomes NULL, so that json_emit() then reports -ENOMEM.
 */
void json_put(json_t **obj, const char *key, json_t *v);
/* A count as a JSON integer (NULL if out of memory). */
json_t *json_count(unsigned long n);
/* Write @s as one JSON string value, as records hold it; false if @s was
 * not valid UTF-8 (or on error). */
bool json_write_string(FILE *fp, const char *s);
/* Write the file name @s for a human, escaped as described above. */
void text_write_name(FILE *fp, const char *s);

/* Write other untrusted text (policy text, details) escaped as a name,
 * except that ": " is kept. */
void text_write_escaped(FILE *fp, const char *s);

/* Whether text output escapes code point @cp (C1, separators, bidi). */
bool text_hidden_code_point(unsigned cp);
/* Length of the valid UTF-8 sequence at @s (1..4), 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s);

#endif
