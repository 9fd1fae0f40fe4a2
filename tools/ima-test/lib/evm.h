/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EVM: the digest the kernel computes over a file's protected xattrs and
 * inode metadata (security/integrity/evm/evm_crypto.c), and the check of
 * security.evm against it.
 *
 * The digest is, in this order:
 *   1. the values of the protected xattrs the file has, in the kernel's
 *      order (security.selinux, SMACK64, SMACK64EXEC, SMACK64TRANSMUTE,
 *      SMACK64MMAP, apparmor, ima, capability).  An HMAC (type 2) and a
 *      v2 signature (type 3) cover only the ones the kernel enables (its
 *      LSMs, IMA appraisal, capabilities); a portable signature (type 5)
 *      covers all of them;
 *   2. struct { unsigned long ino; u32 generation; uid_t uid; gid_t gid;
 *      umode_t mode; } in the machine's own layout, zero padded; a portable
 *      signature has ino and generation 0;
 *   3. the file system's 16-byte UUID when the kernel has
 *      CONFIG_EVM_ATTR_FSUUID, except for a portable signature.
 * The HMAC is hmac(sha1) keyed with the 128-byte buffer the kernel keeps:
 * the decrypted evm-key bytes, zero padded.  Signatures sign the digest
 * with the hash named in their header, as IMA's v2 signatures do.
 */
#ifndef IMA_TEST_EVM_H
#define IMA_TEST_EVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "certs.h"
#include "evmxattr.h"

enum evm_xattr_id {
	EVM_X_SELINUX,
	EVM_X_SMACK,
	EVM_X_SMACKEXEC,
	EVM_X_SMACKTRANSMUTE,
	EVM_X_SMACKMMAP,
	EVM_X_APPARMOR,
	EVM_X_IMA,
	EVM_X_CAPS,
	EVM_X__COUNT
};

/* What a kernel with IMA appraisal and no LSM xattrs protects. */
#define EVM_XATTRS_DEFAULT ((1u << EVM_X_IMA) | (1u << EVM_X_CAPS))
#define EVM_KEY_LEN 128		/* the kernel's MAX_KEY_SIZE */
#define EVM_UUID_LEN 16

/* "security.ima" etc.; NULL for a bad id. */
const char *evm_xattr_name(enum evm_xattr_id id);

/* How to compute and check; shared read-only by threads. */
struct evm_ctx {
	unsigned int enabled;		/* bits of enum evm_xattr_id */
	bool fsuuid;			/* CONFIG_EVM_ATTR_FSUUID */
	bool have_uuid;			/* use @uuid, not the file system's */
	uint8_t uuid[EVM_UUID_LEN];
	bool have_key;			/* @key is the HMAC key */
	uint8_t key[EVM_KEY_LEN];
	const struct certset *certs;	/* for signatures; may be NULL */
	bool user_xattr;		/* user.* instead of security.* names */
};

/* enabled = EVM_XATTRS_DEFAULT, fsuuid, no key, no certificates. */
void evm_ctx_init(struct evm_ctx *ctx);

/*
 * Load an HMAC key file into @key, zero padded: either raw bytes (1 to
 * 128) or their hex digits (what `keyctl add encrypted evm-key "new
 * default user:kmk 64 HEX"` was given), a final newline allowed.
 * 0, or -errno with @err naming the file (never the key).
 */
int evm_key_load(const char *path, uint8_t key[EVM_KEY_LEN],
		 char *err, size_t errlen);

/*
 * Load the HMAC key from an encrypted key: @blob_path holds the blob
 * `keyctl pipe` prints for the evm-key ("default user:NAME LEN HEX", see
 * enckey.h), @kmk_path the bytes of the user key NAME (what `keyctl pipe`
 * prints for it; if they end in newlines and do not match, the bytes
 * without them, as `keyctl add user NAME "$(cat FILE)"` loads).  The
 * blob's HMAC is checked before anything is decrypted.  0, or -errno with @err
 * naming the file (never a key).
 */
int evm_key_load_encrypted(const char *blob_path, const char *kmk_path,
			   uint8_t key[EVM_KEY_LEN], char *err, size_t errlen);

/* Parse a UUID (hex digits, dashes allowed).  0 or -errno. */
int evm_uuid_parse(const char *s, uint8_t uuid[EVM_UUID_LEN]);

#define EVM_VALUE_MAX 4096

/* What the digest covers, read from a file (or made up by a test). */
struct evm_inode {
	bool have[EVM_X__COUNT];
	size_t len[EVM_X__COUNT];
	uint8_t val[EVM_X__COUNT][EVM_VALUE_MAX];
	uint64_t ino;
	uint32_t generation;
	uint32_t uid, gid;
	uint16_t mode;
	bool have_uuid;
	uint8_t uuid[EVM_UUID_LEN];
};

/*
 * Fill @in from the open file @fd: the protected xattrs, fstat(), the
 * generation (FS_IOC_GETVERSION) and the file system UUID (ctx->uuid, or
 * FS_IOC_GETFSUUID).  A missing generation or UUID is left for
 * evm_digest() to refuse.  0, or -errno with @err set.
 */
int evm_inode_read(int fd, const struct evm_ctx *ctx, struct evm_inode *in,
		   char *err, size_t errlen);

/*
 * The same for the file at @path, without opening it.  An open of a file
 * IMA appraises is appraised, and in fix mode that appraisal can rewrite
 * security.ima and, through EVM's post-setxattr hook, security.evm: it
 * would repair what a caller set out to check.  The xattrs are read by
 * path, the metadata with lstat(), the generation from the file's handle
 * (name_to_handle_at(), see evm_handle_generation()) and the file system
 * UUID from the directory holding it.  A symlink is not followed.  0, or
 * -errno with @err set (also when the generation cannot be learnt: a file
 * system without handles, or one whose handle ima-test cannot read).
 */
int evm_inode_read_path(const char *path, const struct evm_ctx *ctx,
			struct evm_inode *in, char *err, size_t errlen);

/* FILEID_INO32_GEN of the kernel's include/linux/exportfs.h */
#define EVM_FILEID_INO32_GEN 1

/*
 * The inode generation in a file handle of @type and @len bytes, for the
 * layouts whose inode number can be checked against @ino: ext2/3/4's and
 * the other generic_encode_ino32_fh() users' { ino, gen }, and tmpfs's
 * { gen, ino_lo, ino_hi }.  0, or -EOPNOTSUPP for any other handle.
 */
int evm_handle_generation(int type, const uint8_t *h, size_t len, uint64_t ino,
			  uint32_t *gen);

/*
 * The digest of @in for a security.evm of @type: for EVM_XATTR_HMAC the
 * HMAC (20 bytes, @alg ignored; needs ctx->have_key), otherwise the @alg
 * hash a signature of that type signs.  0, or -errno with @err set (no key,
 * no generation or UUID where one is needed, a portable signature without
 * security.ima).
 */
int evm_digest(const struct evm_ctx *ctx, const struct evm_inode *in,
	       uint8_t type, const struct hash_algo *alg,
	       uint8_t *md, size_t *md_len, char *err, size_t errlen);

/*
 * The portable signature (type 5) of the open file @fd with @key, written
 * to @out.  Returns its length, or 0 with @err set.
 */
size_t evm_sign_portable(int fd, const struct evm_ctx *ctx, EVP_PKEY *key,
			 const uint8_t keyid[4], const struct hash_algo *alg,
			 uint8_t *out, size_t cap, char *err, size_t errlen);

/* The name of the EVM xattr: security.evm, or user.evm. */
const char *evm_xattr_evm_name(bool user);

#endif
