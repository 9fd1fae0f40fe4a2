// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check: the ima:ima_update_xattr tracepoint of the ima-fput series,
 * which tells whether, and in which context (user task or kernel thread),
 * security.ima was rewritten on a final close.  A kernel without it (the
 * baseline) is reported, never failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "close_check.h"

#define TRACEFS "/sys/kernel/tracing"
#define EVENT TRACEFS "/events/ima/ima_update_xattr"

static int write_str(const char *path, const char *s, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	ssize_t n;
	int e;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	e = n < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int read_char(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

void cc_trace_start(struct cc_trace *t)
{
	int e;

	*t = (struct cc_trace){ 0 };
	if (access(TRACEFS "/trace", F_OK)) {
		snprintf(t->reason, sizeof(t->reason),
			 "tracefs is not mounted at " TRACEFS);
		return;
	}
	if (access(EVENT, F_OK)) {
		snprintf(t->reason, sizeof(t->reason),
			 "this kernel has no ima:ima_update_xattr tracepoint");
		return;
	}
	if (read_char(EVENT "/enable") != '1') {
		e = write_str(EVENT "/enable", "1", 0);
		if (e) {
			snprintf(t->reason, sizeof(t->reason),
				 "cannot enable ima:ima_update_xattr: %s%s", strerror(-e),
				 e == -EACCES ? " (appraise_tcb does not exempt tracefs: "
				 "denied under enforce)" : "");
			return;
		}
		t->enabled_by_us = true;
	}
	if (read_char(TRACEFS "/tracing_on") == '0') {
		e = write_str(TRACEFS "/tracing_on", "1", 0);
		if (e) {
			snprintf(t->reason, sizeof(t->reason),
				 "tracing is off and cannot be turned on: %s", strerror(-e));
			cc_trace_stop(t);
			return;
		}
		t->turned_on = true;
	}
	t->available = true;
}

void cc_trace_clear(const struct cc_trace *t)
{
	if (t->available)
		write_str(TRACEFS "/trace", "", O_TRUNC);
}

bool cc_trace_parse(const char *line, struct cc_trace_rec *rec)
{
	const char *p = strstr(line, " ima_update_xattr: ");
	const char *s = line;
	char ctx[16];
	size_t k = 0;

	*rec = (struct cc_trace_rec){ 0 };
	if (!p || sscanf(p, " ima_update_xattr: dev=%u:%u ino=%lu rc=%d context=%15s result=%15s",
			 &rec->major, &rec->minor, &rec->ino, &rec->rc, ctx, rec->result) != 6)
		return false;
	if (strcmp(ctx, "kthread") && strcmp(ctx, "task"))
		return false;
	rec->kthread = !strcmp(ctx, "kthread");
	while (*s == ' ')
		s++;
	while (s[k] && s[k] != ' ' && k + 1 < sizeof(rec->task))
		k++;
	memcpy(rec->task, s, k);
	rec->task[k] = '\0';
	return true;
}

void cc_trace_add(struct cc_trace_event *ev, const struct cc_trace_rec *rec, dev_t dev, ino_t ino)
{
	if (rec->ino != (unsigned long)ino || rec->major != major(dev) || rec->minor != minor(dev))
		return;
	ev->found = true;
	ev->count++;
	ev->rc = rec->rc;
	ev->kthread = rec->kthread;
	memcpy(ev->result, rec->result, sizeof(ev->result));
	memcpy(ev->task, rec->task, sizeof(ev->task));
	if (!rec->rc && !strcmp(rec->result, "rewritten")) {
		ev->rewritten++;
	} else if (!ev->bad) {
		ev->bad = true;
		ev->bad_rc = rec->rc;
		memcpy(ev->bad_result, rec->result, sizeof(ev->bad_result));
	}
}

void cc_trace_lookup(const struct cc_trace *t, dev_t dev, ino_t ino, struct cc_trace_event *ev)
{
	struct cc_trace_rec rec;
	char line[512];
	FILE *fp;

	*ev = (struct cc_trace_event){ 0 };
	if (!t->available)
		return;
	fp = fopen(TRACEFS "/trace", "re");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp))
		if (cc_trace_parse(line, &rec))
			cc_trace_add(ev, &rec, dev, ino);
	fclose(fp);
}

void cc_trace_stop(struct cc_trace *t)
{
	if (t->enabled_by_us)
		write_str(EVENT "/enable", "0", 0);
	if (t->turned_on)
		write_str(TRACEFS "/tracing_on", "0", 0);
	t->enabled_by_us = false;
	t->turned_on = false;
}
