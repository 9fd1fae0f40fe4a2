// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: EVM's state as the kernel gives it, the xattrs its HMAC
 * covers (a list or a kernel config), and the verdict on an appraised
 * file's user.evm, on files in $TMPDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "evm_state.h"
#include "tap.h"

#define X(id) (1u << (id))

static char dir[4096];

static void skip(struct tap *t, int n, const char *why)
{
	while (n--)
		tap_report(t, true, __FILE__, __LINE__, "", "# SKIP %s", why);
}

/* @dir/@name holding @text: its path (static). */
static const char *file(const char *name, const char *text)
{
	static char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp || fputs(text, fp) == EOF || fclose(fp))
		abort();
	return path;
}

static void state_cases(struct tap *t)
{
	struct evm_state s;
	char err[256] = "", gone[4200];

	tap_ok(t, !evm_state_read(file("evm", "0\n"), &s, err, sizeof(err)) &&
	       s.source == EVM_STATE_READ && !s.active, "0: not initialised");
	tap_ok(t, !evm_state_read(file("evm", "2\n"), &s, err, sizeof(err)) &&
	       s.active && s.value == 2, "2 (an X.509 key): active");
	tap_ok(t, !evm_state_read(file("evm", "4"), &s, err, sizeof(err)) && !s.active,
	       "4 (metadata writes only): not active");
	tap_ok(t, evm_state_read(file("evm", "1x\n"), &s, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "not an EVM state"), "not a number: %s", err);
	snprintf(gone, sizeof(gone), "%s/none", dir);
	tap_ok(t, !evm_state_read(gone, &s, err, sizeof(err)) && s.source == EVM_STATE_ABSENT &&
	       !s.active, "no such file: a kernel without EVM");
	tap_ok(t, !evm_state_read(dir, &s, err, sizeof(err)) &&
	       s.source == EVM_STATE_UNREADABLE && s.err == -EISDIR && s.active,
	       "a file that cannot be read: assumed active");
	evm_state_read(gone, &s, err, sizeof(err));
	evm_state_force(&s);
	tap_ok(t, s.active && s.value == (EVM_INIT_HMAC | EVM_INIT_X509) &&
	       s.source == EVM_STATE_FORCED, "forced: active, both keys");
}

static void xattr_cases(struct tap *t)
{
	enum evm_xattrs_source from;
	char err[256] = "", used[300] = "", gone[4200], cfg[4200];
	unsigned m = 0;

	tap_ok(t, !evm_xattrs_parse("security.ima,security.selinux", ",", "L", &m,
				    err, sizeof(err)) && m == (X(EVM_X_IMA) | X(EVM_X_SELINUX)),
	       "a list of names");
	tap_ok(t, evm_xattrs_parse("security.ima,security.foo", ",", "L", &m, err,
				   sizeof(err)) == -EINVAL &&
	       !strncmp(err, "L: ", 3) && strstr(err, "'security.foo'"),
	       "an unknown name is refused: %s", err);
	tap_ok(t, evm_xattrs_parse(",,", ",", "L", &m, err, sizeof(err)) == -EINVAL &&
	       strstr(err, "no xattr named"), "no name: refused");
	tap_ok(t, !evm_xattrs_kernel(file("xattrs", "security.capability\nsecurity.apparmor\n"),
				     NULL, &m, &from, used, sizeof(used), err, sizeof(err)) &&
	       from == EVM_XATTRS_FROM_LIST && m == (X(EVM_X_CAPS) | X(EVM_X_APPARMOR)),
	       "the kernel's list comes first");
	snprintf(gone, sizeof(gone), "%s/none", dir);
	snprintf(cfg, sizeof(cfg), "%s",
		 file("config", "CONFIG_SECURITY_SELINUX=y\nCONFIG_IMA_APPRAISE=y\n"
		      "# CONFIG_SECURITY_SMACK is not set\n"));
	tap_ok(t, !evm_xattrs_kernel(gone, cfg, &m, &from, used, sizeof(used), err, sizeof(err)) &&
	       from == EVM_XATTRS_FROM_CONFIG && !strcmp(used, cfg) &&
	       m == (X(EVM_X_SELINUX) | X(EVM_X_IMA) | X(EVM_X_CAPS)),
	       "else the kernel config: its LSMs, IMA appraisal, capabilities");
	tap_ok(t, evm_xattrs_kernel(gone, gone, &m, &from, used, sizeof(used), err,
				    sizeof(err)) < 0 && strstr(err, "cannot read"),
	       "a given config that does not exist: an error (%s)", err);
	tap_eq(t, evm_xattrs_kernel(file("xattrs", "security.bogus\n"), cfg, &m, &from, used,
				    sizeof(used), err, sizeof(err)), -EINVAL,
	       "a list naming an unknown xattr: an error (%s)", err);
}

/* user.evm of @fd set to @len bytes of @v, then evm_appraise() with @state. */
static enum evm_appraisal appraise(const struct evm_ctx *ctx, int fd, unsigned state,
				   const uint8_t *v, size_t len, char *why, size_t whylen)
{
	if (len && fsetxattr(fd, "user.evm", v, len, 0))
		abort();
	return evm_appraise(ctx, state, fd, why, whylen);
}

static void appraise_cases(struct tap *t)
{
	static struct evm_inode in;
	uint8_t hmac[EVM_XATTR_HMAC_LEN] = { EVM_XATTR_HMAC }, odd[5] = { 0x07 };
	uint8_t sig[12] = { EVM_IMA_XATTR_DIGSIG, 2, 4, 1, 2, 3, 4, 0, 9 };
	char path[4200], err[256], why[256];
	struct evm_ctx ctx;
	size_t mdlen = EVM_HMAC_LEN;
	int fd;

	snprintf(path, sizeof(path), "%s/f", dir);
	evm_ctx_init(&ctx);
	ctx.user_xattr = true;
	ctx.fsuuid = false;
	ctx.have_key = true;
	memset(ctx.key, 0x5a, sizeof(ctx.key));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, "content\n", 8) != 8 ||
	    fsetxattr(fd, "user.test", "x", 1, 0)) {
		skip(t, 6, "no user.* xattrs in $TMPDIR");
		goto out;
	}
	tap_ok(t, appraise(&ctx, fd, EVM_INIT_HMAC, NULL, 0, why, sizeof(why)) ==
	       EVM_APPRAISE_MISSING && strstr(why, "missing-HMAC"),
	       "no user.evm: missing (%s)", why);
	tap_ok(t, appraise(&ctx, fd, EVM_INIT_HMAC, hmac, 5, why, sizeof(why)) ==
	       EVM_APPRAISE_INVALID && strstr(why, "of 5 bytes"),
	       "an HMAC of the wrong size: invalid (%s)", why);
	tap_ok(t, appraise(&ctx, fd, EVM_INIT_X509, hmac, sizeof(hmac), why, sizeof(why)) ==
	       EVM_APPRAISE_INVALID && strstr(why, "no EVM HMAC key is loaded"),
	       "an HMAC, no HMAC key loaded: invalid (%s)", why);
	tap_ok(t, appraise(&ctx, fd, EVM_INIT_X509, sig, sizeof(sig), why, sizeof(why)) ==
	       EVM_APPRAISE_INVALID && strstr(why, "malformed signature"),
	       "a signature of the wrong length: invalid (%s)", why);
	tap_ok(t, appraise(&ctx, fd, EVM_INIT_HMAC, odd, sizeof(odd), why, sizeof(why)) ==
	       EVM_APPRAISE_INVALID && strstr(why, "unknown type 7"),
	       "an unknown type: invalid (%s)", why);
	if (evm_inode_read(fd, &ctx, &in, err, sizeof(err)) ||
	    evm_digest(&ctx, &in, EVM_XATTR_HMAC, NULL, hmac + 1, &mdlen, err, sizeof(err))) {
		skip(t, 1, err);
		goto out;
	}
	tap_eq(t, appraise(&ctx, fd, EVM_INIT_HMAC, hmac, sizeof(hmac), why, sizeof(why)),
	       EVM_APPRAISE_OK, "an HMAC that verifies: ok (%s)", why);
out:
	if (fd >= 0)
		close(fd);
	unlink(path);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct tap t = { 0 };
	char path[4200];

	tap_plan(&t, 20);
	snprintf(dir, sizeof(dir), "%s/unit-evmstate-XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		skip(&t, 20, "no temporary directory");
		return 0;
	}
	state_cases(&t);
	xattr_cases(&t);
	appraise_cases(&t);
	for (const char *const *n = (const char *const[]){ "evm", "xattrs", "config", NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
	return tap_done(&t);
}
