// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/fs.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "enckey.h"
#include "evm.h"
#include "sig.h"
#include "util.h"

/* FS_IOC_GETFSUUID (Linux 6.8), spelled out for older headers. */
struct evm_fsuuid2 {
	uint8_t len;
	uint8_t uuid[16];
};
#define EVM_IOC_GETFSUUID _IOR(0x15, 0, struct evm_fsuuid2)

static const char *const names[EVM_X__COUNT] = {
	[EVM_X_SELINUX] = "selinux",
	[EVM_X_SMACK] = "SMACK64",
	[EVM_X_SMACKEXEC] = "SMACK64EXEC",
	[EVM_X_SMACKTRANSMUTE] = "SMACK64TRANSMUTE",
	[EVM_X_SMACKMMAP] = "SMACK64MMAP",
	[EVM_X_APPARMOR] = "apparmor",
	[EVM_X_IMA] = "ima",
	[EVM_X_CAPS] = "capability",
};

static const char *const security_names[EVM_X__COUNT] = {
	"security.selinux", "security.SMACK64", "security.SMACK64EXEC",
	"security.SMACK64TRANSMUTE", "security.SMACK64MMAP",
	"security.apparmor", "security.ima", "security.capability",
};

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *evm_xattr_name(enum evm_xattr_id id)
{
	return (unsigned int)id < EVM_X__COUNT ? security_names[id] : NULL;
}

const char *evm_xattr_evm_name(bool user)
{
	return user ? "user.evm" : "security.evm";
}

void evm_ctx_init(struct evm_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->enabled = EVM_XATTRS_DEFAULT;
	ctx->fsuuid = true;
}

/* The start of what keyctl pipe prints for an encrypted key. */
static bool looks_like_blob(const uint8_t *buf, size_t len)
{
	static const char *const starts[] = { "default ", "user:", "trusted:",
					      "ecryptfs ", "enc32 " };

	for (size_t i = 0; i < ARRAY_SIZE(starts); i++)
		if (len > strlen(starts[i]) && !memcmp(buf, starts[i], strlen(starts[i])))
			return true;
	return false;
}

int evm_key_load(const char *path, uint8_t key[EVM_KEY_LEN],
		 char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len, i, digits;
	bool hex = true;
	int rc = read_file(path, &buf, &len, 4096);

	if (rc) {
		say(err, errlen, "%s: cannot read the EVM key: %s", path, strerror(-rc));
		return rc;
	}
	digits = len;
	/* A final newline ends hex digits; raw bytes are taken as they are. */
	while (digits && (buf[digits - 1] == '\n' || buf[digits - 1] == '\r'))
		digits--;
	for (i = 0; i < digits && hex; i++)
		hex = hex_digit((char)buf[i]) >= 0;
	memset(key, 0, EVM_KEY_LEN);
	rc = -EINVAL;
	if (hex && digits % 2 == 0 && digits >= 2 && digits <= 2 * EVM_KEY_LEN) {
		rc = hex_decode((const char *)buf, digits, key);
	} else if (!hex && len >= 1 && len <= EVM_KEY_LEN) {
		memcpy(key, buf, len);
		rc = 0;
	} else if (len > EVM_KEY_LEN && looks_like_blob(buf, len)) {
		say(err, errlen, "%s: an encrypted key blob: give its master key with --kmk",
		    path);
	} else {
		say(err, errlen, "%s: an EVM key is 1 to %d bytes, or twice as many hex digits",
		    path, EVM_KEY_LEN);
	}
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

int evm_key_load_encrypted(const char *blob_path, const char *kmk_path,
			   uint8_t key[EVM_KEY_LEN], char *err, size_t errlen)
{
	struct enckey_blob *b = malloc(sizeof(*b));
	uint8_t *text = NULL, *mk = NULL;
	size_t tlen = 0, mklen = 0, n;
	char why[384];
	int rc;

	memset(key, 0, EVM_KEY_LEN);
	if (!b) {
		say(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = read_file(blob_path, &text, &tlen, ENCKEY_BLOB_MAX + 2);
	if (rc) {
		say(err, errlen, "%s: cannot read the encrypted EVM key: %s", blob_path,
		    strerror(-rc));
		goto out;
	}
	rc = enckey_parse((const char *)text, tlen, b, why, sizeof(why));
	if (rc) {
		say(err, errlen, "%s: %s", blob_path, why);
		goto out;
	}
	if (b->dlen > EVM_KEY_LEN) {
		say(err, errlen, "%s: a %zu-byte key: EVM takes at most %d", blob_path,
		    b->dlen, EVM_KEY_LEN);
		rc = -EINVAL;
		goto out;
	}
	if (enckey_master_is_user(b)) {
		rc = read_file(kmk_path, &mk, &mklen, ENCKEY_BLOB_MAX + 1);
		if (rc) {
			say(err, errlen, "%s: cannot read the master key: %s", kmk_path,
			    strerror(-rc));
			goto out;
		}
	}
	rc = enckey_decrypt(b, mk, mklen, key, EVM_KEY_LEN, why, sizeof(why));
	/*
	 * `keyctl add user kmk "$(cat FILE)"` loads FILE without its final
	 * newlines: if the bytes as they are do not match, try those.
	 */
	for (n = mklen; rc == -EBADMSG && n && mk[n - 1] == '\n';) {
		while (n && mk[n - 1] == '\n')
			n--;
		if (n)
			rc = enckey_decrypt(b, mk, n, key, EVM_KEY_LEN, why, sizeof(why));
	}
	if (rc)
		say(err, errlen, "%s: %s", blob_path, why);
out:
	if (mk) {
		OPENSSL_cleanse(mk, mklen);
		free(mk);
	}
	free(text);
	OPENSSL_cleanse(b, sizeof(*b));
	free(b);
	return rc ? -1 : 0;
}

int evm_uuid_parse(const char *s, uint8_t uuid[EVM_UUID_LEN])
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (*s == '-')
			continue;
		v = hex_digit(*s);
		if (v < 0 || n == EVM_UUID_LEN)
			return -EINVAL;
		if (hi < 0) {
			hi = v;
		} else {
			uuid[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n == EVM_UUID_LEN && hi < 0 ? 0 : -1;
}

static void xattr_full_name(const struct evm_ctx *ctx, int id, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.%s", ctx->user_xattr ? "user" : "security", names[id]);
}

/* The protected xattrs, from the open @fd or, when @fd < 0, by @path. */
static int read_xattrs(int fd, const char *path, const struct evm_ctx *ctx,
		       struct evm_inode *in, char *err, size_t errlen)
{
	char name[64];
	ssize_t n;
	int i;

	memset(in->have, 0, sizeof(in->have));
	for (i = 0; i < EVM_X__COUNT; i++) {
		xattr_full_name(ctx, i, name, sizeof(name));
		n = fd >= 0 ? fgetxattr(fd, name, in->val[i], sizeof(in->val[i])) :
		    lgetxattr(path, name, in->val[i], sizeof(in->val[i]));
		if (n >= 0) {
			in->have[i] = true;
			in->len[i] = (size_t)n;
		} else if (errno != ENODATA && errno != ENOTSUP) {
			say(err, errlen, "cannot read %s: %s", name,
			    errno == ERANGE ? "larger than 4096 bytes" : strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void set_stat(struct evm_inode *in, const struct stat *st)
{
	in->ino = st->st_ino;
	in->uid = st->st_uid;
	in->gid = st->st_gid;
	in->mode = (uint16_t)st->st_mode;
}

/*
 * The UUID udev names the block device @dev by (/dev/disk/by-uuid), for
 * kernels before FS_IOC_GETFSUUID (6.8): for ext4 and XFS it is the
 * superblock's, the UUID EVM hashes.  Names that are not 36-character
 * UUIDs (FAT's serial numbers) are not taken.  0 or -1.
 */
static int uuid_by_dev(dev_t dev, uint8_t uuid[EVM_UUID_LEN])
{
	DIR *d = opendir("/dev/disk/by-uuid");
	struct dirent *de;
	struct stat st;
	int fd, rc = -ENOENT;

	if (!d)
		return -errno;
	fd = dirfd(d);
	while (rc && (de = readdir(d))) {
		if (strlen(de->d_name) != 36 || fstatat(fd, de->d_name, &st, 0) ||
		    !S_ISBLK(st.st_mode) || st.st_rdev != dev)
			continue;
		rc = evm_uuid_parse(de->d_name, uuid);
	}
	closedir(d);
	return rc;
}

/* ctx->uuid, or FS_IOC_GETFSUUID on @fd, or the UUID of the device @dev. */
static void set_uuid(int fd, dev_t dev, const struct evm_ctx *ctx, struct evm_inode *in)
{
	struct evm_fsuuid2 fu = { 0 };

	in->have_uuid = false;
	if (ctx->have_uuid) {
		memcpy(in->uuid, ctx->uuid, EVM_UUID_LEN);
		in->have_uuid = true;
	} else if (fd >= 0 && !ioctl(fd, EVM_IOC_GETFSUUID, &fu) && fu.len == EVM_UUID_LEN) {
		memcpy(in->uuid, fu.uuid, EVM_UUID_LEN);
		in->have_uuid = true;
	} else if (!uuid_by_dev(dev, in->uuid)) {
		in->have_uuid = true;
	}
}

int evm_inode_read(int fd, const struct evm_ctx *ctx, struct evm_inode *in,
		   char *err, size_t errlen)
{
	struct stat st;
	unsigned int gen;
	int e;

	e = read_xattrs(fd, NULL, ctx, in, err, errlen);
	if (e)
		return e;
	if (fstat(fd, &st)) {
		say(err, errlen, "cannot stat: %s", strerror(errno));
		return -errno;
	}
	set_stat(in, &st);
	/* A file system without generations keeps 0 in i_generation. */
	in->generation = ioctl(fd, FS_IOC_GETVERSION, &gen) ? 0 : gen;
	set_uuid(fd, st.st_dev, ctx, in);
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);	/* the kernel's own byte order: a local file */
	return v;
}

int evm_handle_generation(int type, const uint8_t *h, size_t len, uint64_t ino,
			  uint32_t *gen)
{
	if (type != EVM_FILEID_INO32_GEN)
		return -EOPNOTSUPP;
	/* generic_encode_ino32_fh(): { u32 ino; u32 gen; } (ext2/3/4, ...) */
	if (len == 8 && le32(h) == (uint32_t)ino) {
		*gen = le32(h + 4);
		return 0;
	}
	/* tmpfs: { u32 gen; u32 ino_lo; u32 ino_hi; } */
	if (len == 12 && le32(h + 4) == (uint32_t)ino && le32(h + 8) == (uint32_t)(ino >> 32)) {
		*gen = le32(h);
		return 0;
	}
	return -EOPNOTSUPP;
}

/*
 * The directory holding @path, opened for FS_IOC_GETFSUUID: IMA appraises
 * regular files only, so this open changes nothing.  -1 when it cannot be
 * opened or is on another file system than @dev, -ENOMEM.
 */
static int parent_dir(const char *path, dev_t dev)
{
	char *dir = strdup(path), *slash;
	struct stat st;
	int fd;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd >= 0 && (fstat(fd, &st) || st.st_dev != dev)) {
		close(fd);
		fd = -1;
	}
	return fd < 0 ? -1 : fd;
}

int evm_inode_read_path(const char *path, const struct evm_ctx *ctx, struct evm_inode *in,
			char *err, size_t errlen)
{
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	struct stat st, st2;
	int e, mnt, dfd = -1;

	if (!fh) {
		say(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (lstat(path, &st)) {
		e = -errno;
		say(err, errlen, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = -EINVAL;
		say(err, errlen, "not a regular file");
		goto out;
	}
	set_stat(in, &st);
	e = read_xattrs(-1, path, ctx, in, err, errlen);
	if (e)
		goto out;
	fh->handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, fh, &mnt, 0)) {
		e = -errno;
		say(err, errlen, "cannot learn the inode generation without opening the file: "
		    "name_to_handle_at: %s", strerror(errno));
		goto out;
	}
	e = evm_handle_generation(fh->handle_type, fh->f_handle, fh->handle_bytes,
				  in->ino, &in->generation);
	if (e) {
		say(err, errlen, "cannot learn the inode generation without opening the file: "
		    "a file handle of type %d and %u bytes is not one ima-test can read",
		    fh->handle_type, fh->handle_bytes);
		goto out;
	}
	/* the same file all along: the xattrs and the handle are by name */
	if (lstat(path, &st2) || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
		e = -ESTALE;
		say(err, errlen, "the file was replaced while it was read");
		goto out;
	}
	if (!ctx->have_uuid) {
		dfd = parent_dir(path, st.st_dev);
		if (dfd == -ENOMEM) {
			e = -ENOMEM;
			say(err, errlen, "out of memory");
			goto out;
		}
	}
	set_uuid(dfd, st.st_dev, ctx, in);
	if (dfd >= 0)
		close(dfd);
out:
	free(fh);
	return e;
}

/* The kernel's struct h_misc, laid out by this compiler as by the kernel's. */
struct evm_misc {
	unsigned long ino;
	uint32_t generation;
	uint32_t uid;
	uint32_t gid;
	uint16_t mode;
};

static int feed(const struct evm_ctx *ctx, const struct evm_inode *in,
		uint8_t type, EVP_MAC_CTX *mac, EVP_MD_CTX *md,
		char *err, size_t errlen)
{
	struct evm_misc misc;
	bool portable = type == EVM_XATTR_PORTABLE_DIGSIG;
	int i, ok = 1;

	for (i = 0; i < EVM_X__COUNT; i++) {
		if (!in->have[i] || (!portable && !(ctx->enabled & (1u << i))))
			continue;
		ok &= mac ? EVP_MAC_update(mac, in->val[i], in->len[i])
			  : EVP_DigestUpdate(md, in->val[i], in->len[i]);
	}
	if (portable && !in->have[EVM_X_IMA]) {
		say(err, errlen, "a portable signature needs %s",
		    ctx->user_xattr ? "user.ima" : "security.ima");
		return -EINVAL;
	}
	memset(&misc, 0, sizeof(misc));
	if (!portable) {
		misc.ino = (unsigned long)in->ino;
		misc.generation = in->generation;
	}
	misc.uid = in->uid;
	misc.gid = in->gid;
	misc.mode = in->mode;
	ok &= mac ? EVP_MAC_update(mac, (const uint8_t *)&misc, sizeof(misc))
		  : EVP_DigestUpdate(md, &misc, sizeof(misc));
	if (ctx->fsuuid && !portable) {
		if (!in->have_uuid) {
			say(err, errlen, "the file system UUID is unknown (give --uuid)");
			return -EINVAL;
		}
		ok &= mac ? EVP_MAC_update(mac, in->uuid, EVM_UUID_LEN)
			  : EVP_DigestUpdate(md, in->uuid, EVM_UUID_LEN);
	}
	if (!ok)
		say(err, errlen, "digest update failed");
	return ok ? 0 : -1;
}

static int hmac(const struct evm_ctx *ctx, const struct evm_inode *in,
		uint8_t *out, size_t *out_len, char *err, size_t errlen)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *mc = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};
	int rc = -EINVAL;

	if (!mc || !EVP_MAC_init(mc, ctx->key, EVM_KEY_LEN, params)) {
		say(err, errlen, "hmac(sha1) is not available");
		goto out;
	}
	if (feed(ctx, in, EVM_XATTR_HMAC, mc, NULL, err, errlen))
		goto out;
	if (!EVP_MAC_final(mc, out, out_len, EVM_HMAC_LEN)) {
		say(err, errlen, "hmac(sha1) failed");
		goto out;
	}
	rc = 0;
out:
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(mac);
	return rc;
}

int evm_digest(const struct evm_ctx *ctx, const struct evm_inode *in,
	       uint8_t type, const struct hash_algo *alg,
	       uint8_t *md, size_t *md_len, char *err, size_t errlen)
{
	EVP_MD_CTX *mc;
	unsigned int n;
	int rc = -EINVAL;

	if (type == EVM_XATTR_HMAC) {
		if (!ctx->have_key) {
			say(err, errlen, "no EVM HMAC key given (--evm-key)");
			return -ENOKEY;
		}
		return hmac(ctx, in, md, md_len, err, errlen);
	}
	if (type != EVM_IMA_XATTR_DIGSIG && type != EVM_XATTR_PORTABLE_DIGSIG) {
		say(err, errlen, "no digest for type 0x%02x", type);
		return -EINVAL;
	}
	if (!hash_algo_md(alg)) {
		say(err, errlen, "hash algorithm %s not supported", alg ? alg->name : "?");
		return -EOPNOTSUPP;
	}
	mc = EVP_MD_CTX_new();
	if (!mc || !EVP_DigestInit_ex(mc, hash_algo_md(alg), NULL)) {
		say(err, errlen, "%s not available", alg->name);
		goto out;
	}
	if (feed(ctx, in, type, NULL, mc, err, errlen))
		goto out;
	if (!EVP_DigestFinal_ex(mc, md, &n)) {
		say(err, errlen, "%s failed", alg->name);
		goto out;
	}
	*md_len = n;
	rc = 0;
out:
	EVP_MD_CTX_free(mc);
	return rc;
}
