/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TPM 2.0 quotes as tpm2-tools 5 writes them (tpm2_quote -m -s -o), and the
 * attestation key's public part (PEM, or TPM2B_PUBLIC as tpm2_createak -u
 * writes it).
 *
 *   -m   TPMS_ATTEST (a TPM2B_ATTEST, with its u16 size first, is also
 *        taken): u32 magic | u16 type | TPM2B_NAME qualifiedSigner |
 *        TPM2B_DATA extraData | TPMS_CLOCK_INFO (u64 u32 u32 u8) | u64
 *        firmwareVersion | TPMS_QUOTE_INFO (TPML_PCR_SELECTION, TPM2B_DIGEST)
 *   -s   TPMT_SIGNATURE: u16 sigAlg | u16 hash | RSA: TPM2B signature,
 *        ECDSA: TPM2B r | TPM2B s
 *   -o   tpm2-tools' "serialized" PCR file (the default of -F): the C structs
 *        TPML_PCR_SELECTION (132 bytes), u32 n, n * TPML_DIGEST (532 bytes
 *        each), little endian with the TSS's padding; or "-F values": the
 *        PCR values back to back in the quote's selection order.
 *
 * TPM structures are big endian, every TPM2B is a u16 size and bytes.  All
 * of these are untrusted input: each length is checked against what is
 * left and against the structure's own maximum, nothing is read past the
 * buffer, and trailing bytes are an error.  Parsers return 0, or -EBADMSG
 * with a message in @err.
 */
#ifndef IMA_TEST_TPMQUOTE_H
#define IMA_TEST_TPMQUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "hashalgo.h"

/* TPM_ALG_ID values used here (TPM 2.0 Part 2, table 9). */
enum {
	TPM_ALG_RSA = 0x0001,
	TPM_ALG_SHA1 = 0x0004,
	TPM_ALG_SHA256 = 0x000b,
	TPM_ALG_SHA384 = 0x000c,
	TPM_ALG_SHA512 = 0x000d,
	TPM_ALG_NULL = 0x0010,
	TPM_ALG_RSASSA = 0x0014,
	TPM_ALG_RSAPSS = 0x0016,
	TPM_ALG_ECDSA = 0x0018,
	TPM_ALG_ECC = 0x0023,
};

#define TPM_GENERATED_VALUE 0xff544347u
#define TPM_ST_ATTEST_QUOTE 0x8018

#define TPMQ_BANKS_MAX 8		/* banks in one PCR selection */
#define TPMQ_SELECT_MAX 4		/* TPM2_PCR_SELECT_MAX: 32 PCRs */
#define TPMQ_PCRS (TPMQ_SELECT_MAX * 8)
#define TPMQ_VALUES_MAX (TPMQ_BANKS_MAX * TPMQ_PCRS)
#define TPMQ_DIGEST_MAX 64		/* sizeof(TPMU_HA) */
#define TPMQ_NAME_MAX 66		/* sizeof(TPMU_NAME) */
#define TPMQ_DATA_MAX 66		/* sizeof(TPMT_HA) */
#define TPMQ_RSA_MAX 512		/* 4096-bit keys */
#define TPMQ_ECC_MAX 66			/* P-521 */

struct tpmq_pcr_select {
	uint16_t hash;			/* TPM_ALG_ID of the bank */
	uint8_t size;			/* sizeofSelect */
	uint8_t bits[TPMQ_SELECT_MAX];	/* bit N of byte N/8: PCR N */
};

struct tpmq_selection {
	size_t n;
	struct tpmq_pcr_select s[TPMQ_BANKS_MAX];
};

struct tpmq_attest {
	size_t off;			/* 2 for a TPM2B_ATTEST: what is signed starts here */
	uint16_t type;
	uint8_t signer[TPMQ_NAME_MAX];
	size_t signer_len;
	uint8_t extra[TPMQ_DATA_MAX];	/* extraData: the verifier's nonce */
	size_t extra_len;
	uint64_t clock, firmware;
	uint32_t reset_count, restart_count;
	bool safe;
	struct tpmq_selection sel;	/* each bank at most once, known to hashalgo */
	uint8_t pcr_digest[TPMQ_DIGEST_MAX];
	size_t pcr_digest_len;
};

struct tpmq_signature {
	uint16_t sig_alg, hash;
	uint8_t a[TPMQ_RSA_MAX];	/* RSA signature, or ECDSA r */
	size_t a_len;
	uint8_t b[TPMQ_ECC_MAX];	/* ECDSA s */
	size_t b_len;
};

/* PCR values in the order the quote's digest covers them. */
struct tpmq_pcr_values {
	size_t n;
	struct {
		uint16_t hash;
		uint8_t pcr;
		uint8_t len;
		uint8_t v[TPMQ_DIGEST_MAX];
	} v[TPMQ_VALUES_MAX];
};

/* The hash_algo of a TPM_ALG_ID, NULL if this tool cannot compute it. */
const struct hash_algo *tpmq_hash(uint16_t tpm_alg);
/* Whether @sel selects PCR @pcr in bank @hash. */
bool tpmq_selected(const struct tpmq_selection *sel, uint16_t hash, unsigned pcr);

int tpmq_attest_parse(const uint8_t *p, size_t len, struct tpmq_attest *a,
		      char *err, size_t errlen);
int tpmq_signature_parse(const uint8_t *p, size_t len, struct tpmq_signature *s,
			 char *err, size_t errlen);
/* The values for the PCRs @quoted selects, from either -o format. */
int tpmq_pcr_values_parse(const uint8_t *p, size_t len, const struct tpmq_selection *quoted,
			  struct tpmq_pcr_values *out, char *err, size_t errlen);

/*
 * TPM2B_PUBLIC of an attestation key to an OpenSSL public key.  The key
 * must be a restricted signing key that never leaves its TPM (fixedTPM,
 * restricted, sign, not decrypt): only such a key refuses to sign data
 * that starts with TPM_GENERATED_VALUE, which is what makes a signed
 * TPMS_ATTEST a quote.  0, -EBADMSG (malformed), -EPERM (attributes),
 * -ENOTSUP (algorithm), -ENOMEM; *@out set on 0 only.
 */
int tpmq_public_parse(const uint8_t *p, size_t len, EVP_PKEY **out, char *err, size_t errlen);

/*
 * The attestation key in @path: PEM or DER SubjectPublicKeyInfo, or
 * TPM2B_PUBLIC (then *@checked is true: its attributes were checked).
 * 0, or -errno with @err.
 */
int tpmq_ak_load(const char *path, EVP_PKEY **out, bool *checked, char *err, size_t errlen);

/*
 * Check @s over the @len bytes at @msg with @ak: RSASSA (PKCS#1 v1.5),
 * RSAPSS (any salt length) or ECDSA, with the hash @s names.  0 when it
 * verifies; -EBADMSG when it does not; -ENOTSUP for another scheme or a
 * scheme that does not fit the key; @err says which.
 */
int tpmq_signature_verify(EVP_PKEY *ak, const struct tpmq_signature *s,
			  const uint8_t *msg, size_t len, char *err, size_t errlen);

/* H(every value of @v, in order) with @alg into @md.  0 or -errno. */
int tpmq_pcr_digest(const struct tpmq_pcr_values *v, const struct hash_algo *alg,
		    uint8_t *md, size_t *md_len);

#endif
