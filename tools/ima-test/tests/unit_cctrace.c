// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: close-check's reading of the ima:ima_update_xattr events
 * (the trace file's lines, matched to one file by device and inode).
 */
#include <string.h>
#include <sys/sysmacros.h>

#include "close_check.h"
#include "tap.h"

#define LINE(task, dev, ino, rc, ctx, res) \
	"           " task " [001] ..... 12.345678: ima_update_xattr: dev=" dev \
	" ino=" ino " rc=" rc " context=" ctx " result=" res "\n"

static void lookup(const char *const *lines, dev_t dev, ino_t ino, struct cc_trace_event *ev)
{
	struct cc_trace_rec rec;

	*ev = (struct cc_trace_event){ 0 };
	for (; *lines; lines++)
		if (cc_trace_parse(*lines, &rec))
			cc_trace_add(ev, &rec, dev, ino);
}

int main(void)
{
	static const char *const one[] = {
		"# tracer: nop\n",
		LINE("cc-close-42", "254:0", "17", "0", "task", "rewritten"),
		NULL
	};
	static const char *const other_dev[] = {
		LINE("kworker/0:1-9", "254:16", "17", "0", "kthread", "rewritten"),
		NULL
	};
	static const char *const failed[] = {
		LINE("cc-close-42", "254:0", "17", "-28", "task", "failed"),
		LINE("cc-close-42", "254:0", "17", "0", "task", "rewritten"),
		NULL
	};
	static const char *const skipped[] = {
		LINE("cc-close-42", "254:0", "17", "0", "task", "not-pass"),
		NULL
	};
	struct cc_trace_rec rec;
	struct cc_trace_event ev;
	struct tap t = { 0 };
	dev_t dev = makedev(254, 0);

	tap_plan(&t, 11);
	tap_ok(&t, cc_trace_parse(one[1], &rec) && rec.major == 254 && rec.minor == 0 &&
	       rec.ino == 17 && rec.rc == 0 && !rec.kthread && !strcmp(rec.result, "rewritten") &&
	       !strcmp(rec.task, "cc-close-42"), "an event line is parsed field by field");
	tap_ok(&t, !cc_trace_parse(one[0], &rec), "a comment line is not an event");
	tap_ok(&t, !cc_trace_parse("  x-1 [000] 1.0: ima_update_xattr: dev=8:1 ino=3 rc=0 "
				   "context=task\n", &rec),
	       "an event without its result is not taken for a rewrite");
	lookup(one, dev, 17, &ev);
	tap_ok(&t, ev.found && ev.count == 1 && ev.rewritten == 1 && !ev.bad,
	       "the rewrite of device 254:0 inode 17 is found");
	lookup(one, dev, 18, &ev);
	tap_ok(&t, !ev.found, "another inode on the device: not found");
	lookup(other_dev, dev, 17, &ev);
	tap_ok(&t, !ev.found, "the same inode number on another device: not found");
	lookup(other_dev, makedev(254, 16), 17, &ev);
	tap_ok(&t, ev.found && ev.kthread && !strcmp(ev.task, "kworker/0:1-9"),
	       "minor numbers above 15: 254:16 found, in a kernel thread");
	lookup(failed, dev, 17, &ev);
	tap_ok(&t, ev.found && ev.bad && ev.bad_rc == -28 && !strcmp(ev.bad_result, "failed"),
	       "a failed write is reported, even when a rewrite follows");
	tap_eq(&t, ev.count, 2, "both events of the file are counted");
	lookup(skipped, dev, 17, &ev);
	tap_ok(&t, ev.found && ev.bad && !ev.bad_rc && !strcmp(ev.bad_result, "not-pass"),
	       "an update skipped with rc 0 (not-pass) is not a rewrite");
	tap_eq(&t, ev.rewritten, 0, "and counts no rewrite");
	return tap_done(&t);
}
