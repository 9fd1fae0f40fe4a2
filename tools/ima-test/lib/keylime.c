// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "digest.h"
#include "keylime.h"
#include "out.h"
#include "util.h"

/* RUNTIME_POLICY_GENERATOR.LegacyAllowList, what keylime-policy writes */
#define KEYLIME_GENERATOR 3

int keylime_init(struct keylime_policy *p)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->cwd = getcwd(NULL, 0);
	return p->cwd ? 0 : -1;
}

/* The name the kernel logs for @path: absolute, spaces as '_'. */
static char *measurement_name(const struct keylime_policy *p, const char *path)
{
	char *name;
	size_t len;

	if (path[0] == '/') {
		name = strdup(path);
	} else {
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		len = strlen(p->cwd) + strlen(path) + 2;
		name = malloc(len);
		if (name)
			snprintf(name, len, "%s%s%s", p->cwd,
				 strcmp(p->cwd, "/") ? "/" : "", path);
	}
	for (char *c = name; c && *c; c++)
		if (*c == ' ')
			*c = '_';
	return name;
}

int keylime_add(struct keylime_policy *p, const char *path, const uint8_t *md,
		size_t len)
{
	struct keylime_entry e;
	int ret = -EINVAL;

	if (len > HASH_MAX_DIGEST)
		return -EINVAL;
	e.path = measurement_name(p, path);
	if (!e.path)
		return -EINVAL;
	hex_encode(md, len, e.hex);
	pthread_mutex_lock(&p->lock);
	if (grow_array(&p->v, &p->cap, p->n + 1, sizeof(*p->v), 64))
		goto out;
	p->v[p->n++] = e;
	e.path = NULL;
	ret = 0;
out:
	pthread_mutex_unlock(&p->lock);
	free(e.path);
	return ret;
}

int keylime_set_boot_aggregate(struct keylime_policy *p, const char *hex,
			       char *err, size_t errlen)
{
	size_t n = strlen(hex);
	/* sha1, sha224, sha256 (and sm3-256), sha384, sha512 */
	bool known = n == 40 || n == 56 || n == 64 || n == 96 || n == 128;

	for (size_t i = 0; i < n && known; i++)
		known = isxdigit((unsigned char)hex[i]);
	if (!known) {
		snprintf(err, errlen, "boot aggregate '%.140s' is not the hex digest of a "
			 "known algorithm", hex);
		return -EINVAL;
	}
	for (size_t i = 0; i <= n; i++)
		p->boot_aggregate[i] = (char)tolower((unsigned char)hex[i]);
	return 0;
}

int keylime_boot_aggregate_from_list(struct keylime_policy *p, const char *list,
				     char *err, size_t errlen)
{
	char line[512], *field[6], *save = NULL, *hex;
	size_t n = 0;
	FILE *fp = fopen(list, "re");
	int e;

	if (!fp) {
		e = errno;
		snprintf(err, errlen, "cannot read %s: %s", list, strerror(e));
		return -e;
	}
	if (!fgets(line, sizeof(line), fp))
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\n")] = '\0';
	/* PCR template-hash template-name [[type:]algo:]digest name ... */
	for (char *t = strtok_r(line, " ", &save); t && n < 6; t = strtok_r(NULL, " ", &save))
		field[n++] = t;
	if (n < 5 || strcmp(field[4], "boot_aggregate")) {
		snprintf(err, errlen, "%s does not start with a boot_aggregate record", list);
		return -EINVAL;
	}
	/* ima-ng "ALG:HEX", ima-ngv2 "ima:ALG:HEX", ima "HEX" */
	hex = strrchr(field[3], ':');
	hex = hex ? hex + 1 : field[3];
	return keylime_set_boot_aggregate(p, hex, err, errlen) ? -EINVAL : 0;
}

/* Base64 of the SubjectPublicKeyInfo DER of @pub, or NULL. */
static char *spki_base64(EVP_PKEY *pub)
{
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(pub, &der);
	char *b64 = NULL;

	if (len > 0) {
		b64 = malloc(4 * ((size_t)len + 2) / 3 + 1);
		if (b64)
			EVP_EncodeBlock((unsigned char *)b64, der, len);
	}
	OPENSSL_free(der);
	return b64;
}

int keylime_set_keys(struct keylime_policy *p, const struct certset *certs,
		     char *err, size_t errlen)
{
	json_t *keyids, *pubkeys, *ring;
	char *json = NULL;

	if (!certs->n)
		return 0;
	keyids = json_array();
	pubkeys = json_array();
	for (size_t i = 0; keyids && pubkeys && i < certs->n; i++) {
		const uint8_t *k = certs->v[i].keyid;
		char *b64 = spki_base64(certs->v[i].pub);

		if (json_array_append_new(keyids, json_integer((json_int_t)k[0] << 24 |
								 (json_int_t)k[1] << 16 |
								 (json_int_t)k[2] << 8 | k[3])) ||
		    json_array_append_new(pubkeys, b64 ? json_string(b64) : NULL)) {
			json_decref(keyids);
			keyids = NULL;
		}
		free(b64);
	}
	/* "o" takes both references, also when it fails */
	ring = json_pack("{s:{s:i}, s:o, s:o}", "meta", "version", 1, "keyids", keyids,
			 "pubkeys", pubkeys);
	if (ring)
		json = json_dumps(ring, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ring);
	if (!json) {
		snprintf(err, errlen, "cannot encode the verification keys");
		return -EINVAL;
	}
	free(p->keys);
	p->keys = json;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct keylime_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : strcmp(x->hex, y->hex);
}

/* Add @hex to the digests of @path in @digests; false if out of memory. */
static bool add_digest(json_t *digests, const char *path, const char *hex, size_t *invalid)
{
	bool valid = true;
	json_t *name = json_text(path, &valid), *list, *d;
	const char *key = name ? json_string_value(name) : NULL;
	size_t i;
	bool ok = false;

	if (!key)
		return false;
	if (!valid)
		(*invalid)++;
	list = json_object_get(digests, key);
	if (!list) {
		list = json_array();
		if (json_object_set_new(digests, key, list))
			goto out;
	}
	/* two names not valid UTF-8 may be written alike */
	json_array_foreach(list, i, d)
		if (!strcmp(json_string_value(d), hex)) {
			ok = true;
			goto out;
		}
	ok = !json_array_append_new(list, json_string(hex));
out:
	json_decref(name);
	return ok;
}

int keylime_write(struct keylime_policy *p, FILE *fp, size_t *invalid)
{
	char stamp[64] = "";
	time_t now = time(NULL);
	json_t *digests = json_object(), *policy;
	struct tm tm;
	bool ok = digests != NULL;

	*invalid = 0;
	if (gmtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&p->lock);
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), cmp_entry);
	if (ok && p->boot_aggregate[0])
		ok = !json_object_set_new(digests, "boot_aggregate",
					  json_pack("[s]", p->boot_aggregate));
	for (size_t i = 0; ok && i < p->n; i++)
		ok = add_digest(digests, p->v[i].path, p->v[i].hex, invalid);
	pthread_mutex_unlock(&p->lock);
	if (!ok) {
		json_decref(digests);
		return -ENOMEM;
	}
	/* "o" takes the reference to digests, also when it fails */
	policy = json_pack("{s:{s:i, s:i, s:s}, s:i, s:o, s:[], s:{}, "
			   "s:{s:[], s:s, s:n}, s:{}, s:s}",
			   "meta", "version", 1, "generator", KEYLIME_GENERATOR, "timestamp", stamp,
			   "release", 0, "digests", digests, "excludes", "keyrings",
			   "ima", "ignored_keyrings", "log_hash_alg", "sha1", "dm_policy",
			   "ima-buf", "verification-keys", p->keys ? p->keys : "");
	return json_emit(fp, policy);
}

void keylime_free(struct keylime_policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	free(p->cwd);
	free(p->keys);
	pthread_mutex_destroy(&p->lock);
}
