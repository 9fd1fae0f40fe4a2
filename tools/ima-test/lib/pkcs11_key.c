// SPDX-License-Identifier: GPL-2.0-only
/*
 * PKCS#11 keys through the OpenSSL "pkcs11" engine (libp11).
 *
 * This is the one file of the tool that uses a deprecated OpenSSL
 * interface, on purpose: OpenSSL 3 deprecates ENGINEs in favour of
 * providers, but Debian 12 ships no PKCS#11 provider, only libp11's engine
 * (libengine-pkcs11-openssl).  The tool builds with OPENSSL_NO_DEPRECATED,
 * which hides the ENGINE declarations, so this file alone lifts it and
 * silences the deprecation warnings; everything it hands out is a plain
 * EVP_PKEY used through the EVP API.  When a provider is available this
 * file can move to OSSL_STORE without the rest of the tool noticing.
 */
#undef OPENSSL_NO_DEPRECATED
#undef OPENSSL_API_COMPAT
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include "certs.h"
#include "pkcs11_key.h"
#include "util.h"

#define PKCS11_DEFAULT_MODULE "p11-kit-proxy.so"
#define PIN_FILE_MAX 4096
#define PIN_HINT "give pin-source=FILE in the URI, --pass-file FILE or IMA_TEST_KEY_PASS"

struct pkcs11_uri {
	char *path;		/* "pkcs11:" and the path attributes */
	char *module;		/* module-path, decoded, or NULL */
	char *pin;		/* pin-source contents, or NULL */
	char *pin_source;	/* decoded pin-source, or NULL */
	char shown[256];	/* the path for messages, redacted */
};

/*
 * Present in every dynamically linked program, absent (NULL) in a static
 * one, which cannot load the engine: the engine module would bring a
 * second libcrypto into the process.
 */
extern const char _DYNAMIC[] __attribute__((weak));

bool pkcs11_uri_is(const char *name)
{
	return name && !strncmp(name, "pkcs11:", 7);
}

/* RFC 3986 percent-decoding of @s[0..len) into a new string; NULL if bad. */
static char *pct_decode(const char *s, size_t len)
{
	char *d = malloc(len + 1), *p = d;

	if (!d)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '%') {
			*p++ = s[i];
			continue;
		}
		hi = i + 2 < len ? hex_digit(s[i + 1]) : -1;
		lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(d);
			return NULL;
		}
		*p++ = (char)(hi << 4 | lo);
		i += 2;
	}
	*p = '\0';
	return d;
}

/* Is the attribute @a[0..len) ("name=value") a pin-value?  A name that
 * does not decode is taken for one. */
static bool attr_is_pin(const char *a, size_t len)
{
	const char *eq = memchr(a, '=', len);
	char *name;
	bool pin;

	if (!eq)
		return false;
	name = pct_decode(a, (size_t)(eq - a));
	if (!name)
		return true;
	pin = !strcasecmp(name, "pin-value");
	free(name);
	return pin;
}

/* Attributes are separated by ';' (path), '?' and '&' (query). */
#define URI_SEPARATORS ";?&"

bool pkcs11_uri_has_pin_value(const char *uri)
{
	if (!pkcs11_uri_is(uri))
		return false;
	for (const char *a = uri + 7; *a;) {
		size_t len = strcspn(a, URI_SEPARATORS);

		if (attr_is_pin(a, len))
			return true;
		a += len;
		if (*a)
			a++;
	}
	return false;
}

const char *pkcs11_uri_redact(const char *uri, char *buf, size_t buflen)
{
	size_t n = 0;

	if (!pkcs11_uri_is(uri) || !buflen)
		return uri;
	buf[0] = '\0';
	for (const char *a = uri; *a && n + 1 < buflen;) {
		size_t len = strcspn(a, URI_SEPARATORS);
		int w;

		if (a != uri && attr_is_pin(a, len))
			w = snprintf(buf + n, buflen - n, "%.*s=REDACTED",
				     (int)((const char *)memchr(a, '=', len) - a), a);
		else
			w = snprintf(buf + n, buflen - n, "%.*s", (int)len, a);
		n += (size_t)w < buflen - n ? (size_t)w : buflen - n - 1;
		a += len;
		if (*a && n + 1 < buflen) {
			buf[n++] = *a++;
			buf[n] = '\0';
		}
	}
	return buf;
}

static void uri_free(struct pkcs11_uri *u)
{
	free(u->path);
	free(u->module);
	free(u->pin_source);
	if (u->pin) {
		OPENSSL_cleanse(u->pin, strlen(u->pin));
		free(u->pin);
	}
	memset(u, 0, sizeof(*u));
}

/* Read the first line of a pin-source file into u->pin. */
static int read_pin_source(struct pkcs11_uri *u, char *err, size_t errlen)
{
	const char *file = u->pin_source;
	uint8_t *buf;
	size_t len;
	int r;

	if (!strncmp(file, "file:", 5))
		file += 5;
	if (*file != '/') {
		snprintf(err, errlen, "pin-source must be an absolute file name, not '%s'", u->pin_source);
		return -EINVAL;
	}
	r = read_file(file, &buf, &len, PIN_FILE_MAX);
	if (r < 0) {
		snprintf(err, errlen, "pin-source %s: %s", file,
			 r == -EFBIG ? "too large for a PIN" : strerror(-r));
		return -EINVAL;
	}
	buf[strcspn((char *)buf, "\r\n")] = '\0';
	u->pin = (char *)buf;
	return 0;
}

static int uri_parse(const char *uri, struct pkcs11_uri *u, char *err, size_t errlen)
{
	const char *q = strchr(uri, '?'), *a, *end;

	memset(u, 0, sizeof(*u));
	if (pkcs11_uri_has_pin_value(uri)) {
		snprintf(err, errlen, "%s: a pin-value in the URI is visible to other users in "
			 "/proc/PID/cmdline: give pin-source=FILE in the URI, --pass-file FILE or "
			 "IMA_TEST_KEY_PASS", pkcs11_uri_redact(uri, u->shown, sizeof(u->shown)));
		return -EINVAL;
	}
	u->path = strndup(uri, q ? (size_t)(q - uri) : strlen(uri));
	if (!u->path)
		goto nomem;
	pkcs11_uri_redact(u->path, u->shown, sizeof(u->shown));
	for (a = q ? q + 1 : NULL; a && *a; a = *end ? end + 1 : end) {
		const char *eq;
		char **slot;
		size_t nlen;

		end = a + strcspn(a, "&");
		eq = memchr(a, '=', (size_t)(end - a));
		if (!eq) {
			snprintf(err, errlen, "PKCS#11 URI: query attribute '%.*s' has no value",
				 (int)(end - a), a);
			goto bad;
		}
		nlen = (size_t)(eq - a);
		if (nlen == 11 && !strncmp(a, "module-path", nlen))
			slot = &u->module;
		else if (nlen == 10 && !strncmp(a, "pin-source", nlen))
			slot = &u->pin_source;
		else {
			snprintf(err, errlen, "PKCS#11 URI: unsupported query attribute '%.*s' (use module-path or pin-source)",
				 (int)nlen, a);
			goto bad;
		}
		if (*slot) {
			snprintf(err, errlen, "PKCS#11 URI: '%.*s' given twice", (int)nlen, a);
			goto bad;
		}
		*slot = pct_decode(eq + 1, (size_t)(end - eq - 1));
		if (!*slot) {
			snprintf(err, errlen, "PKCS#11 URI: bad percent-encoding in '%.*s'", (int)nlen, a);
			goto bad;
		}
	}
	if (u->pin_source && read_pin_source(u, err, errlen))
		goto bad;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
bad:
	uri_free(u);
	return -ENOMEM;
}

/* A UI that never prompts: a token that wants a PIN nobody gave fails. */
static int ui_no_prompt(UI *ui, UI_STRING *uis)
{
	(void)ui;
	(void)uis;
	return 0;
}

/*
 * Why the engine could not load the key, in words, from libp11's error
 * queue.  libp11 pushes generic reasons after the specific one, so the
 * most telling reason seen wins.
 */
static void load_error(const struct pkcs11_uri *u, const char *module, bool have_pin,
		       char *err, size_t errlen)
{
	const char *why = NULL;
	unsigned long e;

	while ((e = ERR_get_error()) != 0) {
		const char *r = ERR_reason_error_string(e);

		if (!r)
			continue;
		if (strstr(r, "PIN incorrect") || strstr(r, "PIN len") ||
		    strstr(r, "PIN locked")) {
			snprintf(err, errlen, "%s: wrong PIN for the token (%s)", u->shown, r);
			return;
		}
		if (strstr(r, "Unable to load")) {
			snprintf(err, errlen, "cannot load PKCS#11 module %s", module);
			return;
		}
		if (!why || strstr(r, "not found"))
			why = r;
	}
	if (why && strstr(why, "not found"))
		snprintf(err, errlen, "%s: no such token or object (module %s)%s", u->shown, module,
			 have_pin ? "" : "; if the token needs a PIN, " PIN_HINT);
	else if (!have_pin)
		snprintf(err, errlen, "%s: cannot use the key%s%s%s; if the token needs a PIN, " PIN_HINT,
			 u->shown, why ? " (" : "", why ? why : "", why ? ")" : "");
	else
		snprintf(err, errlen, "%s: cannot use the key (%s; module %s)",
			 u->shown, why ? why : "unknown error", module);
}

/* dlopen() of a FIFO or device blocks or worse: a regular file only. */
static int module_check(const char *module, char *err, size_t errlen)
{
	struct stat st;

	if (stat(module, &st) || access(module, R_OK)) {
		snprintf(err, errlen, "PKCS#11 module %s: %s", module, strerror(errno));
		return -EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "PKCS#11 module %s: not a regular file", module);
		return -EINVAL;
	}
	return 0;
}

static ENGINE *engine_open(const char *module, char *err, size_t errlen)
{
	ENGINE *e = ENGINE_by_id("pkcs11");

	if (!e) {
		snprintf(err, errlen, "the OpenSSL pkcs11 engine is not installed (Debian: libengine-pkcs11-openssl)");
		return NULL;
	}
	if (!ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0) ||
	    !ENGINE_ctrl_cmd(e, "QUIET", 0, NULL, NULL, 0) ||
	    !ENGINE_init(e)) {
		snprintf(err, errlen, "cannot load PKCS#11 module %s", module);
		ENGINE_free(e);
		return NULL;
	}
	return e;
}

int pkcs11_key_load(const char *uri, const char *pin, EVP_PKEY **out,
		    char *err, size_t errlen)
{
	struct pkcs11_uri u;
	UI_METHOD *ui = NULL;
	ENGINE *e = NULL;
	EVP_PKEY *pkey = NULL;
	const char *module;
	int type, ret = -EINVAL;

	*out = NULL;
	if (!_DYNAMIC) {
		char shown[256];

		snprintf(err, errlen, "%s: this ima-test is linked statically and cannot load the OpenSSL pkcs11 engine; use the dynamically linked one",
			 pkcs11_uri_redact(uri, shown, sizeof(shown)));
		return -EINVAL;
	}
	if (uri_parse(uri, &u, err, errlen))
		return -EINVAL;
	module = u.module ? u.module : PKCS11_DEFAULT_MODULE;
	if (u.module && module_check(u.module, err, errlen))
		goto out;
	e = engine_open(module, err, errlen);
	if (!e)
		goto out;
	if (u.pin)	/* the URI's pin-source wins over --pass-file and the like */
		pin = u.pin;
	if (pin && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0)) {
		snprintf(err, errlen, "%s: the pkcs11 engine refused the PIN", u.shown);
		goto out;
	}
	ui = UI_create_method("ima-test no prompt");
	if (!ui || UI_method_set_reader(ui, ui_no_prompt)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	pkey = ENGINE_load_private_key(e, u.path, ui, NULL);
	/*
	 * The token is logged in now: drop the engine's copy of the PIN
	 * (libp11 cleanses the old one).  libp11 keeps another in the slot
	 * for a re-login, out of our reach: secrets_guard() covers it.
	 */
	if (pin)
		ENGINE_ctrl_cmd_string(e, "PIN", "", 0);
	if (!pkey) {
		load_error(&u, module, pin != NULL, err, errlen);
		goto out;
	}
	type = EVP_PKEY_get_base_id(pkey);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		snprintf(err, errlen, "%s: unsupported key type %s (use RSA or EC)",
			 u.shown, OBJ_nid2sn(type));
		EVP_PKEY_free(pkey);
		pkey = NULL;
		goto out;
	}
	*out = pkey;
	ret = 0;
out:
	ERR_clear_error();
	UI_destroy_method(ui);
	if (e) {
		/* The key holds its own reference to the engine. */
		ENGINE_finish(e);
		ENGINE_free(e);
	}
	uri_free(&u);
	return ret;
}
