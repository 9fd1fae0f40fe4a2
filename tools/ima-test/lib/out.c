// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "util.h"

#define PROGRESS_MS_DEFAULT 250

size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Code point of the valid @n-byte UTF-8 sequence at @s. */
static unsigned utf8_code_point(const unsigned char *s, size_t n)
{
	unsigned cp = n == 2 ? s[0] & 0x1fu : n == 3 ? s[0] & 0x0fu : s[0] & 0x07u;

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

bool text_hidden_code_point(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls */
	       cp == 0x2028 || cp == 0x2029 ||		/* line, paragraph separator */
	       (cp >= 0x202a && cp <= 0x202e) ||	/* bidi embeddings, overrides */
	       (cp >= 0x2066 && cp <= 0x2069);		/* bidi isolates */
}

json_t *json_text(const char *str, bool *valid)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), i, n;
	char *buf, *b;
	json_t *j;

	for (i = 0; i < len; i += n)
		if (!(n = utf8_seq_len(s + i)))
			break;
	if (i == len)
		return json_stringn(str, len);
	if (valid)
		*valid = false;
	buf = malloc(3 * len + 1);	/* U+FFFD is 3 bytes */
	if (!buf)
		return NULL;
	for (b = buf; *s; ) {
		n = utf8_seq_len(s);
		if (n) {
			memcpy(b, s, n);
			b += n;
			s += n;
		} else {
			memcpy(b, "\xef\xbf\xbd", 3);
			b += 3;
			s++;
		}
	}
	j = json_stringn(buf, (size_t)(b - buf));
	free(buf);
	return j;
}

/* jansson's output, with 0x7f (which it writes raw) escaped. */
static int put_chunk(const char *buf, size_t size, void *data)
{
	FILE *fp = data;
	const char *del;

	while (size && (del = memchr(buf, 0x7f, size))) {
		size_t n = (size_t)(del - buf);

		if (fwrite(buf, 1, n, fp) != n || fputs("\\u007F", fp) == EOF)
			return -EIO;
		buf += n + 1;
		size -= n + 1;
	}
	return size && fwrite(buf, 1, size, fp) != size ? -1 : 0;
}

/* Reals are written with at most 15 significant digits (close-check rounds them). */
#define JSON_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER | \
		    JSON_REAL_PRECISION(15))

int json_emit(FILE *fp, json_t *rec)
{
	int r;

	if (!rec)
		return -ENOMEM;
	r = json_dump_callback(rec, put_chunk, fp, JSON_FLAGS) || fputc('\n', fp) == EOF ?
	    -EIO : 0;
	json_decref(rec);
	return r;
}

void json_put(json_t **obj, const char *key, json_t *v)
{
	if (*obj && v) {
		if (!json_object_set_new(*obj, key, v))
			return;
	} else {
		json_decref(v);
	}
	json_decref(*obj);
	*obj = NULL;
}

json_t *json_count(unsigned long n)
{
	return json_integer(n > (unsigned long)LLONG_MAX ? LLONG_MAX : (json_int_t)n);
}

bool json_write_string(FILE *fp, const char *s)
{
	bool valid = true;
	json_t *j = json_text(s, &valid);
	int r = j ? json_dump_callback(j, put_chunk, fp, JSON_FLAGS | JSON_ENCODE_ANY) : -1;

	json_decref(j);
	return valid && !r;
}

static void text_write(FILE *fp, const char *str, bool name)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_seq_len(s);

		if (n > 1) {
			unsigned cp = utf8_code_point(s, n);

			if (text_hidden_code_point(cp))
				fprintf(fp, "\\u%04x", cp);
			else
				fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		if (n == 0 || *s < 0x20 || *s == 0x7f) {
			if (*s == '\n')
				fputs("\\n", fp);
			else if (*s == '\t')
				fputs("\\t", fp);
			else
				fprintf(fp, "\\x%02x", *s);
		} else if (*s == '\\') {
			fputs("\\\\", fp);
		} else if (name && *s == ':' && s[1] == ' ') {
			fputs("\\x3a", fp);	/* ": " only ever ends the name */
		} else {
			fputc(*s, fp);
		}
		s++;
	}
}

void text_write_name(FILE *fp, const char *s)
{
	text_write(fp, s, true);
}

void text_write_escaped(FILE *fp, const char *s)
{
	text_write(fp, s, false);
}

/* IMA_TEST_PROGRESS_MS: how often a terminal sees the count (0: every file) */
static long progress_interval_ms(void)
{
	const char *env = getenv("IMA_TEST_PROGRESS_MS");
	char *end;
	long ms;

	if (!env || !*env)
		return PROGRESS_MS_DEFAULT;
	ms = strtol(env, &end, 10);
	return (*end || ms < 0 || ms > 60000) ? PROGRESS_MS_DEFAULT : ms;
}

void out_init(struct out *o, enum out_format fmt, bool prog_ok)
{
	memset(o, 0, sizeof(*o));
	o->fp = stdout;
	o->err = stderr;
	o->fmt = fmt;
	o->progress = prog_ok && fmt == OUT_TEXT && isatty(STDERR_FILENO);
	o->interval_ns = progress_interval_ms() * 1000000L;
	pthread_mutex_init(&o->lock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &o->last);
}

static void clear_progress(struct out *o)
{
	if (o->progress_shown) {
		fputs("\r\033[K", o->err);
		o->progress_shown = false;
	}
}

void out_finish(struct out *o)
{
	pthread_mutex_lock(&o->lock);
	clear_progress(o);
	fflush(o->fp);
	pthread_mutex_unlock(&o->lock);
	pthread_mutex_destroy(&o->lock);
}

/* {"path":…[,"path_hex":…],"status":…[,"detail":…][,EXTRA…]}; takes @extra. */
static int json_result(FILE *fp, const char *path, const char *status,
		       const char *detail, json_t *extra)
{
	bool valid = true;
	json_t *rec = json_pack("{s:o}", "path", json_text(path, &valid));

	if (!valid) {
		size_t n = strlen(path);
		char *hex = malloc(2 * n + 1);

		if (hex)
			hex_encode((const uint8_t *)path, n, hex);
		json_put(&rec, "path_hex", hex ? json_string(hex) : NULL);
		free(hex);
	}
	json_put(&rec, "status", json_text(status, NULL));
	if (detail)
		json_put(&rec, "detail", json_text(detail, NULL));
	if (rec && extra && json_object_update(rec, extra)) {
		json_decref(rec);
		rec = NULL;
	}
	json_decref(extra);
	return json_emit(fp, rec);
}

void out_result(struct out *o, const char *path, const char *status,
		const char *detail, json_t *extra)
{
	pthread_mutex_lock(&o->lock);
	clear_progress(o);
	if (o->fmt == OUT_JSON) {
		int r = json_result(o->fp, path, status, detail, extra);

		if (r)
			fprintf(o->err, "ima-test: cannot write a JSON record: %s\n",
				strerror(-r));
	} else {
		text_write_name(o->fp, path);
		fprintf(o->fp, ": %s", status);
		if (detail) {
			fputs(" (", o->fp);
			text_write_escaped(o->fp, detail);
			fputc(')', o->fp);
		}
		fputc('\n', o->fp);
	}
	if (o->progress)
		fflush(o->fp);
	pthread_mutex_unlock(&o->lock);
}

void out_error(struct out *o, const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&o->lock);
	clear_progress(o);
	fflush(o->fp);
	fputs("ima-test: ", o->err);
	if (path) {
		text_write_name(o->err, path);
		fputs(": ", o->err);
	}
	text_write_escaped(o->err, msg);
	fputc('\n', o->err);
	pthread_mutex_unlock(&o->lock);
}

void out_tick(struct out *o)
{
	struct timespec now;

	pthread_mutex_lock(&o->lock);
	o->done++;
	if (o->progress) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - o->last.tv_sec) * 1000000000L +
		    (now.tv_nsec - o->last.tv_nsec) >= o->interval_ns) {
			o->last = now;
			fprintf(o->err, "\r%lu files", o->done);
			o->progress_shown = true;
		}
	}
	pthread_mutex_unlock(&o->lock);
}
