// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: name escaping for JSON and text output. */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "tap.h"

static char *capture(bool json, const char *s, bool *valid)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	bool v = true;

	if (json)
		v = json_write_string(fp, s);
	else
		text_write_name(fp, s);
	fclose(fp);
	if (valid)
		*valid = v;
	return buf;
}

static void check(struct tap *t, bool json, const char *in, const char *want, bool want_valid)
{
	bool valid = true;
	char *got = capture(json, in, &valid);

	tap_ok(t, !strcmp(got, want) && valid == want_valid, "%s escape: got %s want %s",
	       json ? "json" : "text", got, want);
	free(got);
}

int main(void)
{
	struct tap t = { 0 };

	tap_plan(&t, 24);
	check(&t, true, "plain", "\"plain\"", true);
	check(&t, true, "a\"b\\c", "\"a\\\"b\\\\c\"", true);
	check(&t, true, "new\nline\ttab", "\"new\\nline\\ttab\"", true);
	check(&t, true, "\x01\x1f\x7f\b\f", "\"\\u0001\\u001F\\u007F\\b\\f\"", true);
	/* ASCII only: every other code point escaped, astral ones as surrogate pairs */
	check(&t, true, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\\u00E9 \\u20AC \\uD83D\\uDE00\"", true);
	check(&t, true, "bad\xff", "\"bad\\uFFFD\"", false);
	check(&t, true, "\xc2\x85\xe2\x80\xa8\xe2\x80\xae\xe2\x81\xa9\xc3\xa9", "\"\\u0085\\u2028\\u202E\\u2069\\u00E9\"", true);
	check(&t, true, "\xc0\xaf", "\"\\uFFFD\\uFFFD\"", false);		/* overlong */
	check(&t, true, "\xed\xa0\x80", "\"\\uFFFD\\uFFFD\\uFFFD\"", false);	/* surrogate */
	check(&t, true, "\xe2\x82", "\"\\uFFFD\\uFFFD\"", false);		/* truncated */
	check(&t, false, "plain/name", "plain/name", true);
	check(&t, false, "new\nline", "new\\nline", true);
	check(&t, false, "back\\slash", "back\\\\slash", true);
	check(&t, false, "bad\xff\x01", "bad\\xff\\x01", true);
	check(&t, false, "caf\xc3\xa9", "caf\xc3\xa9", true);
	/* C1 controls as code points and as raw bytes */
	check(&t, false, "c1\xc2\x80\xc2\x9b[2J\xc2\x9f\xc2\xa0", "c1\\u0080\\u009b[2J\\u009f\xc2\xa0", true);
	check(&t, false, "raw\x85\x9b", "raw\\x85\\x9b", true);
	/* line and paragraph separators */
	check(&t, false, "a\xe2\x80\xa8""b\xe2\x80\xa9", "a\\u2028b\\u2029", true);
	/* bidi embeddings and overrides, isolates; U+2029..U+202F neighbours kept */
	check(&t, false, "\xe2\x80\xaa\xe2\x80\xae\xe2\x80\xaf", "\\u202a\\u202e\xe2\x80\xaf", true);
	check(&t, false, "\xe2\x81\xa6x\xe2\x81\xa9\xe2\x81\xa5\xe2\x81\xaa", "\\u2066x\\u2069\xe2\x81\xa5\xe2\x81\xaa", true);
	/* a name cannot forge "PATH: STATUS": ": " in it is escaped, ':' alone is not */
	check(&t, false, "x: ok (y)", "x\\x3a ok (y)", true);
	check(&t, false, "a:b:", "a:b:", true);
	check(&t, false, "lib: \xe2\x80\xae", "lib\\x3a \\u202e", true);
	/* a record: compact, members in order, path_hex for a name that is not UTF-8 */
	{
		struct out o;
		char *buf = NULL;
		size_t len = 0;
		const char *want = "{\"path\":\"a\\u007Fb\\uFFFD\",\"path_hex\":\"617f62ff\","
				   "\"status\":\"missing\",\"detail\":\"d\",\"kind\":\"digest\","
				   "\"n\":7}\n";

		out_init(&o, OUT_JSON, false);
		o.fp = open_memstream(&buf, &len);
		out_result(&o, "a\x7f" "b\xff", "missing", "d",
			   json_pack("{s:s, s:i}", "kind", "digest", "n", 7));
		fclose(o.fp);
		o.fp = stdout;
		out_finish(&o);
		if (!tap_ok(&t, buf && !strcmp(buf, want),
			    "json record: one compact line, members in order, path_hex, 0x7f escaped"))
			printf("# got  %s# want %s", buf ? buf : "(nothing)\n", want);
		free(buf);
	}
	return tap_done(&t);
}
