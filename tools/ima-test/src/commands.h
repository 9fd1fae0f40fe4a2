/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table: one line per command, CMD(function, name, summary).
 * A command is src/cmd_FUNCTION.c defining
 *     int cmd_FUNCTION(int argc, char **argv);
 * (argv[0] is the command name) plus its line here.
 */
CMD(sign, "sign", "write v2 signatures to the IMA xattr")
CMD(hash, "hash", "write content digests to the IMA xattr, as fix mode does")
CMD(verify, "verify", "check IMA xattrs against file contents and certificates")
CMD(audit, "audit", "classify every file; text, JSON lines or a Keylime policy")
CMD(keys, "keys", "add certificates to, or list, an IMA keyring")
CMD(ready, "ready", "list what ima_appraise=enforce would deny under a policy")
CMD(close_check, "close-check", "prove security.ima is rewritten on every final close")
CMD(log, "log", "verify the IMA measurement list against the TPM and a reference")
CMD(sign_hash, "sign-hash", "sign the digests of a sha*sum manifest (evmctl sign_hash)")
CMD(apply, "apply", "set IMA xattrs from FILE.sig files or a sign-hash manifest")
