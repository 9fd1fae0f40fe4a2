// SPDX-License-Identifier: GPL-2.0-only
/*
 * ima-test log, per entry: its signatures (--cert) and Keylime's verdict
 * on it (--reference).  Each sets the entry's cell for its check: n/a,
 * ok, finding, or cannot-check with a class of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>

#include "common.h"
#include "imaxattr.h"
#include "log_check.h"
#include "modsig.h"
#include "sig.h"
#include "util.h"
#include "verity.h"

/* Set @e's @ck cell to @v, and say why when it is not ok. */
static void verdict(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
		    enum log_check_id ck, enum log_verdict v, const char *status,
		    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void verdict(struct log_ctx *c, const struct log_list *l, const struct imalog_entry *e,
		    enum log_check_id ck, enum log_verdict v, const char *status,
		    const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	log_set(c, e->index, ck, v);
	if (v != V_FINDING && v != V_CANNOT)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	log_say(c, l, e, true, status, "%s", detail);
}

/* ima-modsig: the appended signature over the d-modsig digest. */
static void check_modsig(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e, const struct imalog_field *f)
{
	const struct hash_algo *alg;
	const uint8_t *md;
	char why[160];
	size_t len;
	enum log_verdict v = V_FINDING;
	const char *st = "malformed";

	if (imalog_digest_field(&f[3], &alg, &md, &len, NULL)) {
		verdict(c, l, e, CK_SIG, V_FINDING, "malformed", "d-modsig field cannot be read");
		return;
	}
	switch (modsig_verify(f[4].p, f[4].len, alg, md, len, c->certs, why, sizeof(why))) {
	case MODSIG_OK:
		v = V_OK;
		break;
	case MODSIG_UNKNOWN_KEY:
		st = "unknown-key";
		break;
	case MODSIG_BAD:
		st = "bad-signature";
		break;
	case MODSIG_MALFORMED:
		break;
	}
	verdict(c, l, e, CK_SIG, v, st, "appended signature: %s", why);
}

/*
 * The sig field (ima-sig, ima-sigv2, ima-modsig): a v2 signature of the file
 * digest, or a version 3 one of the file id of the logged digest (an
 * fs-verity digest, or under a rule without digest_type=verity the content
 * hash: calc_file_id_hash() takes whichever the kernel collected).
 */
static void check_sig_field(struct log_ctx *c, const struct log_list *l,
			    const struct imalog_entry *e, const struct imalog_field *sig)
{
	const struct hash_algo *alg;
	enum imalog_digest_type type;
	const uint8_t *md;
	const struct cert *m[8];
	struct ima_xattr x;
	char why[128], hex[9];
	uint8_t fid[HASH_MAX_DIGEST];
	size_t n, len, fid_len;

	why[0] = '\0';
	/* ima_eventsig_init(): a file without an IMA signature gets its EVM one */
	if (sig->len && sig->p[0] == EVM_XATTR_PORTABLE_DIGSIG) {
		verdict(c, l, e, CK_SIG, V_CANNOT, "unchecked-signature",
			"the sig field holds the file's EVM portable signature (the kernel "
			"logs it where the file has no IMA signature); log does not check it");
		return;
	}
	if (ima_xattr_decode(sig->p, sig->len, &x, why, sizeof(why)) != IMA_XATTR_OK ||
	    (x.type != EVM_IMA_XATTR_DIGSIG && x.type != IMA_VERITY_DIGSIG)) {
		verdict(c, l, e, CK_SIG, V_FINDING, "bad-signature", "signature field: %s",
			why[0] ? why : "not a signature");
		return;
	}
	if (imalog_file_digest(e, &alg, &md, &len, &type)) {
		verdict(c, l, e, CK_SIG, V_FINDING, "malformed",
			"no file digest to check the signature against");
		return;
	}
	if (x.type == IMA_VERITY_DIGSIG) {
		/* the kernel hashes the file id with the logged digest's algorithm */
		if (x.algo != alg || verity_sig_hash(alg, md, len, fid, &fid_len)) {
			verdict(c, l, e, CK_SIG, V_FINDING, "bad-signature",
				"fs-verity signature over %s, the list holds %s",
				x.algo->name, alg->name);
			return;
		}
		md = fid;
		len = fid_len;
	} else if (type == IMALOG_DT_VERITY) {
		verdict(c, l, e, CK_SIG, V_CANNOT, "unchecked-signature",
			"a v2 signature beside an fs-verity digest");
		return;
	}
	hex_encode(x.keyid, 4, hex);
	n = certset_match(c->certs, x.keyid, m, 8);
	if (!n || n > 8) {
		verdict(c, l, e, CK_SIG, V_FINDING, "unknown-key", "%s certificates match keyid %s",
			n ? "more than 8" : "no", hex);
		return;
	}
	if (x.algo != alg) {
		verdict(c, l, e, CK_SIG, V_FINDING, "bad-signature",
			"signature is over %s, the list holds %s", x.algo->name, alg->name);
		return;
	}
	/* The kernel may pick any certificate that matches: all must verify. */
	for (size_t i = 0; i < n; i++) {
		if (m[i]->unusable[0]) {
			verdict(c, l, e, CK_SIG, V_CANNOT, "unsupported-algorithm", "%s: %s",
				m[i]->path, m[i]->unusable);
			return;
		}
		if (!sig_v2_verify(m[i]->pub, alg, md, len, x.sig, x.sig_len)) {
			verdict(c, l, e, CK_SIG, V_FINDING, "bad-signature",
				"signature does not verify with %s (keyid %s)", m[i]->path, hex);
			return;
		}
	}
	log_set(c, e->index, CK_SIG, V_OK);
}

void log_check_signature(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e)
{
	struct imalog_field f[IMALOG_FIELDS_MAX];
	size_t nf;
	bool any = false;

	if (e->violation) {
		log_set(c, e->index, CK_SIG, V_NA);
		return;
	}
	nf = imalog_fields(e, f, IMALOG_FIELDS_MAX);
	switch (e->tmpl) {
	case IMALOG_T_IMA:
	case IMALOG_T_IMA_NG:
	case IMALOG_T_IMA_NGV2:
	case IMALOG_T_IMA_BUF:
		break;
	case IMALOG_T_EVM_SIG:
		if (nf == 9 && f[2].len) {
			verdict(c, l, e, CK_SIG, V_CANNOT, "unchecked-signature",
				"the EVM portable signature (evmsig) is not checked by log");
			return;
		}
		break;
	case IMALOG_T_IMA_MODSIG:
		if (nf == 5 && f[4].len) {
			check_modsig(c, l, e, f);
			any = true;
		}
		/* fall through */
	case IMALOG_T_IMA_SIG:
	case IMALOG_T_IMA_SIGV2:
		if (nf >= 3 && f[2].len) {
			check_sig_field(c, l, e, &f[2]);
			any = true;
		}
		break;
	case IMALOG_T_OTHER:
		verdict(c, l, e, CK_SIG, V_CANNOT, "unchecked-template",
			"template %s: its fields are not known, so its signatures cannot be checked",
			e->tname);
		return;
	}
	if (!any)
		log_set(c, e->index, CK_SIG, V_NA);	/* nothing signed */
}

/* KEY_CHECK logs the key's payload: for an asymmetric key, its X.509 certificate. */
static bool buffer_is_key(const struct imalog_field *buf)
{
	const unsigned char *p = buf->p;
	X509 *x = buf->len ? d2i_X509(NULL, &p, (long)buf->len) : NULL;
	bool key = x && p == buf->p + buf->len;

	X509_free(x);
	return key;
}

static const char *const section_what[REF_SECTIONS] = {
	[REF_DIGESTS] = "path", [REF_KEYRINGS] = "keyring in \"keyrings\"",
	[REF_IMA_BUF] = "buffer name in \"ima-buf\"",
};

/*
 * Keylime's verdict: entries in the IMA PCR only; files (and boot_aggregate)
 * in "digests"; ima-buf entries holding a key in "keyrings" by keyring
 * unless "ignored_keyrings" names it, other buffers in "ima-buf".
 */
void log_check_reference(struct log_ctx *c, const struct log_list *l,
			 const struct imalog_entry *e)
{
	char *name, hex[2 * HASH_MAX_DIGEST + 1], what[2 * HASH_MAX_DIGEST + 32];
	struct imalog_field f[3];
	enum ref_section sec = REF_DIGESTS;
	enum imalog_digest_type type;
	const struct hash_algo *alg;
	const uint8_t *md;
	size_t len, row = e->index;
	bool boot;

	if (e->violation) {
		log_set(c, row, CK_REF, V_NA);
		return;
	}
	if (e->tmpl == IMALOG_T_OTHER) {
		verdict(c, l, e, CK_REF, V_CANNOT, "unchecked-template",
			"template %s: no name or digest log or Keylime can look up", e->tname);
		return;
	}
	if (e->pcr != c->ima_pcr) {
		verdict(c, l, e, CK_REF, V_FINDING, "not-ima-pcr",
			"in PCR %u, not the IMA PCR %u: Keylime rejects it", e->pcr, c->ima_pcr);
	}
	if (imalog_file_digest(e, &alg, &md, &len, &type)) {
		verdict(c, l, e, CK_REF, V_FINDING, "malformed", "file digest field cannot be read");
		return;
	}
	if (type == IMALOG_DT_VERITY) {
		verdict(c, l, e, CK_REF, V_CANNOT, "verity-digest",
			"an fs-verity digest (%s); the reference holds file hashes", alg->name);
		return;
	}
	name = malloc(LOG_NAME_BUF);
	if (!name) {
		verdict(c, l, e, CK_REF, V_CANNOT, "error", "out of memory");
		return;
	}
	imalog_name(e, name, LOG_NAME_BUF);
	if (e->tmpl == IMALOG_T_IMA_BUF && imalog_fields(e, f, 3) == 3) {
		sec = buffer_is_key(&f[2]) ? REF_KEYRINGS : REF_IMA_BUF;
		if (sec == REF_KEYRINGS && ref_policy_keyring_ignored(c->ref, name)) {
			log_set(c, row, CK_REF, V_OK);
			free(name);
			return;
		}
	}
	boot = row == 0 && sec == REF_DIGESTS && !strcmp(name, "boot_aggregate");
	hex_encode(md, len, hex);
	snprintf(what, sizeof(what), "%s:%s", alg->name, hex);
	switch (ref_policy_check_in(c->ref, sec, name, hex)) {
	case REF_ALLOWED:
	case REF_EXCLUDED:
		log_set(c, row, CK_REF, V_OK);
		break;
	case REF_NOT_LISTED:
	case REF_DIGEST_NOT_ALLOWED:
		if (boot)
			verdict(c, l, e, CK_REF, V_FINDING, "boot-aggregate-not-in-reference",
				"%s is not in the reference's digests[\"boot_aggregate\"], so Keylime "
				"rejects the list; %s", what,
				"add it once log without --reference exits 0 on this boot "
				"(ima-test log --print-boot-aggregate)");
		else if (ref_policy_check_in(c->ref, sec, name, "") == REF_NOT_LISTED)
			verdict(c, l, e, CK_REF, V_FINDING, "not-in-reference",
				"%s; the reference has no such %s", what, section_what[sec]);
		else
			verdict(c, l, e, CK_REF, V_FINDING, "digest-not-allowed",
				"%s is not among the reference's digests for this %s", what,
				section_what[sec]);
		break;
	}
	free(name);
}
