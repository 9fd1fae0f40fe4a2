/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's encrypted keys (security/keys/encrypted-keys): reading the
 * blob `keyctl pipe` prints for one, and decrypting it with the user key
 * that is its master key, outside the kernel.
 *
 * The blob is text: "FORMAT MASTER LEN HEX", one space between fields,
 * where FORMAT is "default" (older kernels wrote no FORMAT), MASTER is
 * "user:NAME" or "trusted:NAME", LEN the decrypted length in decimal (20 to
 * 4096) and HEX the hex digits of
 *   iv[16] | 0x00 | ciphertext[LEN rounded up to 16] | hmac[32].
 * From the master key's bytes MK the kernel derives two keys,
 *   sha256("AUTH_KEY\0" | MK)   and   sha256("ENC_KEY\0" | MK | "\0"),
 * each input zero padded to 32 bytes when shorter.  The ciphertext is
 * AES-256-CBC with the second key and the IV, over the decrypted bytes
 * zero padded to a whole block.  The hmac is HMAC-SHA256 with the first key
 * over the binary form of everything before it:
 *   FORMAT "\0" MASTER "\0" LEN "\0" iv[16] 0x00 ciphertext
 * (from MASTER on when the blob has no FORMAT).  The byte after the IV is
 * a separator the kernel writes as 0x00 and does not read back.
 */
#ifndef IMA_TEST_ENCKEY_H
#define IMA_TEST_ENCKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENCKEY_IV_LEN 16
#define ENCKEY_HMAC_LEN 32
#define ENCKEY_MIN_DATA 20	/* the kernel's MIN_DATA_SIZE */
#define ENCKEY_MAX_DATA 4096	/* and MAX_DATA_SIZE */
#define ENCKEY_BLOB_MAX 32767	/* the most the kernel takes in one payload */

/* A parsed blob.  The strings point into the text given to enckey_parse(). */
struct enckey_blob {
	const char *format;		/* "default", or NULL if the blob has none */
	size_t format_len;
	const char *master;		/* "user:NAME" or "trusted:NAME" */
	size_t master_len;
	const char *datalen;		/* LEN as written (it is HMAC input) */
	size_t datalen_len;
	size_t dlen;			/* its value */
	uint8_t iv[ENCKEY_IV_LEN];
	uint8_t enc[ENCKEY_MAX_DATA];	/* ciphertext, enc_len bytes */
	size_t enc_len;
	uint8_t hmac[ENCKEY_HMAC_LEN];
};

/*
 * Parse the @len bytes of @text (no NUL needed; final newlines allowed)
 * into @b.  0, or -EINVAL with @err saying what is wrong (never quoting
 * the hex), -EOPNOTSUPP for the "ecryptfs" and "enc32" formats.
 */
int enckey_parse(const char *text, size_t len, struct enckey_blob *b,
		 char *err, size_t errlen);

/* Whether @b's master key is a user key (one ima-test can be given). */
bool enckey_master_is_user(const struct enckey_blob *b);

/*
 * Check @b's HMAC with the user master key @mk (@mklen bytes), then
 * decrypt it into @out (b->dlen bytes; @cap must hold them).  0, or with
 * @err set: -ENOKEY for a trusted master key (sealed by a TPM: its bytes
 * never leave the kernel), -EBADMSG when the HMAC does not match (a wrong
 * master key or a damaged blob: nothing is decrypted), -ENOSPC when @cap
 * is too small, -EINVAL for an empty master key, -EIO if OpenSSL fails.
 * Derived keys and partial results are cleansed; on failure @out is zeroed.
 */
int enckey_decrypt(const struct enckey_blob *b, const uint8_t *mk, size_t mklen,
		   uint8_t *out, size_t cap, char *err, size_t errlen);

#endif
