/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the binary and ascii list parsers (lib/imalog*.c) only. */
#ifndef IMA_TEST_IMALOG_INT_H
#define IMA_TEST_IMALOG_INT_H

#include "imalog.h"

uint32_t imalog_le32(const uint8_t *p);
void imalog_put_le32(uint8_t *p, uint32_t v);
/* Set log->err to "entry N: MESSAGE" for the entry being parsed; returns 1. */
int imalog_fail(struct imalog *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Room for @len more bytes of template data at log->data + log->data_len. */
uint8_t *imalog_data_reserve(struct imalog *log, size_t len);
/* A zeroed entry at log->v[log->n] (log->n is not advanced). */
struct imalog_entry *imalog_entry_new(struct imalog *log);
bool imalog_all_zero(const uint8_t *p, size_t n);
int imalog_set_template(struct imalog *log, struct imalog_entry *e,
			const char *name, size_t len);
/* @e's data (at log->data + e->tdata_off) splits into its template's fields. */
int imalog_check_fields(struct imalog *log, const struct imalog_entry *e);
int imalog_parse_ascii(const uint8_t *buf, size_t len, struct imalog *log);

#endif
