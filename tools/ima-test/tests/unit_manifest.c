// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of manifest_parse: sha*sum lines and sign-hash's signed form. */
#include <string.h>

#include "manifest.h"
#include "tap.h"

#define D256 "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
#define D1 "f572d396fae9206628714fb2ce00f72e94f2258f"
/* a v2 sha256 signature value with a 4-byte "signature" */
#define SIG256 "0302041122334400040a0b0c0d"

static int parse(const char *line, bool is_signed, const struct hash_algo *want,
		 struct manifest_line *ml)
{
	char err[160];

	return manifest_parse(line, strlen(line), is_signed, want, ml, err, sizeof(err));
}

/* tap_ok() evaluates its condition twice: evaluate once, then free. */
#define CHECK(cond, ...) do { \
	bool ok_ = (cond); \
	tap_ok(&t, ok_, __VA_ARGS__); \
	manifest_line_free(&ml); \
} while (0)

int main(void)
{
	const struct hash_algo *sha256 = hash_algo_by_name("sha256");
	struct manifest_line ml = { 0 };
	struct tap t = { 0 };

	tap_plan(&t, 18);
	CHECK(!parse(D256 "  ./usr/bin/a b", false, NULL, &ml) && ml.alg == sha256 &&
	       !strcmp(ml.name, "./usr/bin/a b") && ml.digest[0] == 0x58 && ml.digest[31] == 0x03,
	       "text mode line: sha256 by length, name with a space");
	CHECK(!parse(D1 " *bin", false, NULL, &ml) && ml.alg->id == HASH_ALGO_SHA1 &&
	       !strcmp(ml.name, "bin"), "binary mode line: sha1");
	CHECK(!parse("\\" D256 "  a\\nb\\\\c", false, NULL, &ml) && !strcmp(ml.name, "a\nb\\c"),
	       "escaped name: \\n and \\\\ decoded");
	CHECK(!parse("\\" D256 "  a\\rb", false, NULL, &ml) && !strcmp(ml.name, "a\rb"),
	       "escaped name: \\r decoded (coreutils sha*sum writes it)");
	CHECK(parse("\\" D256 "  a\\", false, NULL, &ml), "a trailing backslash rejected");
	CHECK(parse("\\" D256 "  a\\tb", false, NULL, &ml), "unknown escape rejected");
	CHECK(parse(D1 "  x", false, sha256, &ml), "sha1 digest with --hash sha256 rejected");
	CHECK(parse("abc  x", false, NULL, &ml), "odd-length digest rejected");
	CHECK(parse("abcd  x", false, NULL, &ml), "2-byte digest rejected");
	CHECK(parse(D256 " x", false, NULL, &ml), "one space only rejected");
	CHECK(parse(D256 "  ", false, NULL, &ml), "no name rejected");
	CHECK(parse("", false, NULL, &ml), "empty line rejected");
	CHECK(!parse(D256 "  ./a b " SIG256, true, NULL, &ml) && !strcmp(ml.name, "./a b") &&
	       ml.value_len == 13 && ml.value[0] == 3 && ml.value[12] == 0x0d,
	       "signed line: name with a space, value decoded");
	CHECK(parse(D256 "  ./a", true, NULL, &ml), "signed line without a signature rejected");
	CHECK(parse(D256 "  ./a " SIG256 "0", true, NULL, &ml), "odd-length signature rejected");
	CHECK(parse(D256 "  ./a 0302021122334400040a0b0c0d", true, NULL, &ml),
	       "signature of another algorithm (sha1) than the digest rejected");
	CHECK(parse(D256 "  ./a 0302041122334400050a0b0c0d", true, NULL, &ml),
	       "signature size not matching its bytes rejected");
	CHECK(parse(D256 "  " SIG256, true, NULL, &ml), "signed line with no name rejected");
	return tap_done(&t);
}
