// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

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

bool json_write_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	bool valid = true;

	fputc('"', fp);
	while (*s) {
		size_t n = utf8_seq_len(s);

		if (n == 0) {
			fputs("\\ufffd", fp);
			valid = false;
			s++;
			continue;
		}
		if (n > 1) {
			unsigned cp = utf8_code_point(s, n);

			if (text_hidden_code_point(cp))
				fprintf(fp, "\\u%04x", cp);
			else
				fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		switch (*s) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				fprintf(fp, "\\u%04x", *s);
			else
				fputc(*s, fp);
		}
		s++;
	}
	fputc('"', fp);
	return valid;
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

static void write_hex_name(FILE *fp, const char *s)
{
	for (; *s; s++)
		fprintf(fp, "%02x", (unsigned char)*s);
}

void out_result(struct out *o, const char *path, const char *status,
		const char *detail, const char *extra)
{
	pthread_mutex_lock(&o->lock);
	clear_progress(o);
	if (o->fmt == OUT_JSON) {
		fputs("{\"path\":", o->fp);
		if (!json_write_string(o->fp, path)) {
			fputs(",\"path_hex\":\"", o->fp);
			write_hex_name(o->fp, path);
			fputc('"', o->fp);
		}
		fputs(",\"status\":", o->fp);
		json_write_string(o->fp, status);
		if (detail) {
			fputs(",\"detail\":", o->fp);
			json_write_string(o->fp, detail);
		}
		if (extra)
			fprintf(o->fp, ",%s", extra);
		fputs("}\n", o->fp);
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
