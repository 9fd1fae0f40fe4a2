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
 *  - JSON: '"', '\' and control characters are escaped (\n, \t, \u00NN),
 *    and so are the code points text escapes as \uXXXX;
 *    each byte that is not part of valid UTF-8 becomes U+FFFD, and the
 *    record then also carries "path_hex", the exact name bytes in hex.
 */
#ifndef IMA_TEST_OUT_H
#define IMA_TEST_OUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

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
 * {"path":…,"status":…[,"detail":…][,EXTRA]}.  @extra is pre-formatted
 * JSON members (or NULL).
 */
void out_result(struct out *o, const char *path, const char *status,
		const char *detail, const char *extra);

/* "ima-test: PATH: MESSAGE" on stderr (PATH may be NULL). */
void out_error(struct out *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Count one processed file; refreshes the progress line now and then. */
void out_tick(struct out *o);

/* Write @s as a quoted JSON string; returns false if @s was not valid UTF-8. */
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
