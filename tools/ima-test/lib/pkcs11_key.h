/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private keys on a PKCS#11 token, named by an RFC 7512 URI:
 *
 *     pkcs11:token=T;object=O[;id=%01...][?module-path=M&pin-source=F]
 *
 * The module is the URI's module-path (a regular file), else p11-kit's
 * proxy (which loads every module registered with p11-kit).  The PIN is
 * the contents of the URI's pin-source (a file, "file:" optional), else
 * @pin from the caller (--pass-file and the like).  A pin-value is
 * refused, in the query or among the path attributes (where libp11 would
 * take it): the URI comes from the command line, which every user can
 * read in /proc/PID/cmdline.
 *
 * The key is returned as an EVP_PKEY whose operations run on the token:
 * the private key never leaves it.  The EVP_PKEY owns everything it needs
 * (the module stays loaded until it is freed).  It may be used from several
 * threads at once: every signing takes a session of its own from the
 * slot's pool and returns it afterwards, so no session is ever used by two
 * threads; when the module allows fewer sessions, signers wait for one.
 */
#ifndef IMA_TEST_PKCS11_KEY_H
#define IMA_TEST_PKCS11_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/evp.h>

/* True when @name is a PKCS#11 URI rather than a file name. */
bool pkcs11_uri_is(const char *name);

/* True when @uri has a pin-value attribute anywhere. */
bool pkcs11_uri_has_pin_value(const char *uri);

/*
 * @uri for a message: every pin-value's value replaced by REDACTED, in
 * @buf (truncated to @buflen).  Returns @buf, or @uri itself when it is
 * no PKCS#11 URI.
 */
const char *pkcs11_uri_redact(const char *uri, char *buf, size_t buflen);

/*
 * Load the private key @uri names.  0, or -errno with a one-line reason in
 * @err (no PIN in it): bad URI, module missing or failing, token or object
 * not found, wrong or missing PIN, unsupported key type.
 */
int pkcs11_key_load(const char *uri, const char *pin, EVP_PKEY **out,
		    char *err, size_t errlen);

#endif
