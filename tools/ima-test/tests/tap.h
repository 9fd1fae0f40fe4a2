/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP output for the unit tests (kselftest style). */
#ifndef IMA_TEST_TAP_H
#define IMA_TEST_TAP_H

#include <stdio.h>

struct tap {
	int n, failed;
};

#define tap_plan(t, count) printf("1..%d\n", (count))
#define tap_ok(t, cond, ...) do { \
	(t)->n++; \
	if (cond) { \
		printf("ok %d - ", (t)->n); \
	} else { \
		(t)->failed++; \
		printf("not ok %d - ", (t)->n); \
	} \
	printf(__VA_ARGS__); \
	putchar('\n'); \
	if (!(cond)) \
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)
#define tap_done(t) ((t)->failed ? 1 : 0)

#endif
