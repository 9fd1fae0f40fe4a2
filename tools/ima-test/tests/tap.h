/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal TAP output for the unit tests (kselftest style).  Every operand
 * is evaluated exactly once; tap_eq() prints both values when they differ,
 * as kselftest's ASSERT_EQ does.
 */
#ifndef IMA_TEST_TAP_H
#define IMA_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tap {
	int n, failed;
};

/* One result line; returns @pass. */
static inline bool __attribute__((format(printf, 6, 7)))
tap_report(struct tap *t, bool pass, const char *file, int line,
	   const char *expr, const char *fmt, ...)
{
	va_list ap;

	t->n++;
	if (!pass)
		t->failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", t->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		printf("#   failed at %s:%d: %s\n", file, line, expr);
	return pass;
}

#define tap_plan(t, count) printf("1..%d\n", (count))
#define tap_ok(t, cond, ...) \
	tap_report((t), (cond) ? true : false, __FILE__, __LINE__, #cond, __VA_ARGS__)
#define tap_eq(t, a, b, ...) do { \
	intmax_t tap_a_ = (intmax_t)(a), tap_b_ = (intmax_t)(b); \
	if (!tap_report((t), tap_a_ == tap_b_, __FILE__, __LINE__, #a " == " #b, __VA_ARGS__)) \
		printf("#     %s = %jd\n#     %s = %jd\n", #a, tap_a_, #b, tap_b_); \
} while (0)
#define tap_done(t) ((t)->failed ? 1 : 0)

#endif
