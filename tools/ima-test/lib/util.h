/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers every part of ima-test shares: array length, a growable
 * array, reading a whole file, hex.
 */
#ifndef IMA_TEST_UTIL_H
#define IMA_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make room for at least @need elements of @size bytes in the malloc'ed
 * array *@v of capacity *@cap (elements), doubling from @first.  On
 * failure *@v and *@cap are unchanged.  0 or -ENOMEM.
 */
int grow_array(void *v, size_t *cap, size_t need, size_t size, size_t first);

/*
 * Read a whole (small) file into a malloc'ed buffer, NUL-terminated.
 * Buffers outgrown on the way are cleansed before they are freed, so a
 * caller reading a secret cleanses only the one it gets.  0 or -errno.
 */
int read_file(const char *path, uint8_t **buf, size_t *len, size_t max);
/* The same, also giving the file's mode (may be NULL). */
int read_file_mode(const char *path, uint8_t **buf, size_t *len, size_t max,
		    mode_t *mode);

/*
 * Call before the process first holds a secret (a private key, a PIN, an
 * HMAC key): it then keeps it until exit, so from here on no core dump may
 * be written (RLIMIT_CORE 0) and the process is not dumpable
 * (PR_SET_DUMPABLE 0, which also keeps other processes of the same user
 * from ptrace and /proc/PID/mem).  0 or -errno.
 */
int secrets_guard(void);

/* Lower-case hex of @len bytes into @out (2 * len + 1 bytes). */
void hex_encode(const uint8_t *buf, size_t len, char *out);
/* The value of one hex digit, or -1. */
int hex_digit(char c);
/* Decode @n hex digits at @s into @out (n / 2 bytes).  0 or -errno. */
int hex_decode(const char *s, size_t n, uint8_t *out);

#endif
