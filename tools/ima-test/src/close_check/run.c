// SPDX-License-Identifier: GPL-2.0-only
/*
 * close-check driver: fresh labelled files, one scenario run at a time,
 * and the checks after the final close (the new label, at once or by
 * polling; the content; the tracepoint event).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "close_check.h"
#include "digest.h"
#include "evm_check.h"

static bool label_is(const struct cc_run *r, const uint8_t *want, size_t wlen,
		     uint8_t *got, ssize_t *glen)
{
	*glen = cc_read_label(r, got, IMA_XATTR_MAX);
	return *glen == (ssize_t)wlen && !memcmp(got, want, wlen);
}

static enum cc_result final_mismatch(struct cc_run *r, const uint8_t *got, ssize_t glen,
				     const uint8_t *want, size_t wlen, const char *when)
{
	char g[64], w[64];

	cc_label_text(got, glen, g, sizeof(g));
	cc_label_text(want, (ssize_t)wlen, w, sizeof(w));
	if (glen == (ssize_t)r->label_len && !memcmp(got, r->label, r->label_len))
		return cc_fail(r, "%s: security.ima still holds the old hash %s, want %s",
			       when, g, w);
	return cc_fail(r, "%s: security.ima is %s, want %s", when, g, w);
}

/*
 * With --evm-key: security.evm must be the HMAC the kernel computes over
 * the new security.ima and the inode.  Read without opening the file: an
 * open is appraised, and in fix mode an invalid HMAC sends it to
 * ima_fix_xattr(), whose post-setxattr hook makes EVM write a new one,
 * which would hide a final close that left security.evm stale.
 */
static bool evm_valid(const struct cc_run *r, struct evm_result *e)
{
	if (!r->env->evm)
		return true;
	evm_check_path(r->path, r->env->evm, e);
	return e->cls == EVM_OK && e->type == EVM_XATTR_HMAC;
}

static enum cc_result evm_mismatch(struct cc_run *r, const struct evm_result *e,
				   const char *when)
{
	if (e->cls == EVM_OK)
		return cc_fail(r, "%s: security.evm is type %u, not the kernel's HMAC",
			       when, e->type);
	return cc_fail(r, "%s: security.ima is right but security.evm is %s (%s)",
		       when, evm_class_name(e->cls), e->detail);
}

enum cc_result cc_final_check(struct cc_run *r)
{
	struct evm_result e;
	uint8_t want[IMA_XATTR_MAX], got[IMA_XATTR_MAX];
	size_t wlen = cc_expected_label(r, want, sizeof(want));
	ssize_t glen;

	r->final_checked = true;
	if (!wlen)
		return cc_fail(r, "cannot hash the expected content");
	if (!label_is(r, want, wlen, got, &glen))
		return final_mismatch(r, got, glen, want, wlen, "after the final close");
	if (!evm_valid(r, &e))
		return evm_mismatch(r, &e, "after the final close");
	return CC_PASS;
}

/* Poll for an asynchronous rewrite; *lat gets the time it took. */
static enum cc_result final_poll(struct cc_run *r, double *lat)
{
	uint8_t want[IMA_XATTR_MAX], got[IMA_XATTR_MAX];
	size_t wlen = cc_expected_label(r, want, sizeof(want));
	double start = cc_now_ms();
	struct timespec ts = { 0, 200000 };
	struct evm_result e = { .cls = EVM_MISSING };
	ssize_t glen;
	bool label_ok;

	if (!wlen)
		return cc_fail(r, "cannot hash the expected content");
	for (;;) {
		double now = cc_now_ms();

		/* security.evm follows security.ima under the same inode lock */
		label_ok = label_is(r, want, wlen, got, &glen);
		if (label_ok && evm_valid(r, &e)) {
			*lat = now - start;
			return CC_PASS;
		}
		if (now - start > r->env->timeout_ms) {
			char when[64];

			snprintf(when, sizeof(when), "no rewrite within %u ms", r->env->timeout_ms);
			if (label_ok)
				return evm_mismatch(r, &e, when);
			return final_mismatch(r, got, glen, want, wlen, when);
		}
		nanosleep(&ts, NULL);
		if (ts.tv_nsec < 5000000)
			ts.tv_nsec *= 2;
	}
}

/* After the label is right, the file must hold what the model says. */
static enum cc_result content_check(struct cc_run *r)
{
	uint8_t want[IMA_XATTR_MAX], md[HASH_MAX_DIGEST], enc[IMA_XATTR_MAX];
	size_t wlen = cc_expected_label(r, want, sizeof(want)), mdlen = 0, elen;
	int err = 0;

	if (digest_path(r->path, false, r->env->algo, md, &mdlen, &err) != DIGEST_OK)
		return cc_fail(r, "cannot hash %s: %s", r->path, strerror(err ? err : EIO));
	elen = cc_encode_label(r->env, md, mdlen, enc, sizeof(enc));
	if (elen != wlen || memcmp(enc, want, wlen))
		return cc_fail(r, "the file's content is not what the scenario wrote (lost write?)");
	return CC_PASS;
}

/* Create a fresh file with random content and check its first label. */
static enum cc_result file_create(struct cc_state *s, struct cc_run *r, const char *tag)
{
	uint8_t *p;
	size_t len;
	struct stat st;
	ssize_t n;
	int fd, e;

	cc_model_free(&r->m);
	snprintf(r->path, sizeof(r->path), "%s/cc-%ld-%lu-%s", s->env.dir,
		 (long)getpid(), s->files++, tag);
	fd = open(r->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return cc_fail(r, "setup: create %s: %s", r->path, strerror(errno));
	p = cc_payload(r, 1, 8192, &len);
	e = p ? cc_write_all(fd, p, len) : -ENOMEM;
	if (!e && cc_model_pwrite(&r->m, 0, p, len))
		e = -ENOMEM;
	free(p);
	if (!e && fstat(fd, &st))
		e = -errno;
	if (close(fd) && !e)
		e = -errno;
	if (e)
		return cc_fail(r, "setup: write %s: %s", r->path, strerror(-e));
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	s->closes++;
	if (cc_final_check(r)) {
		char why[sizeof(r->why)];

		memcpy(why, r->why, sizeof(why));
		return cc_fail(r, "setup: new file %.400s", why);
	}
	n = cc_read_label(r, r->label, sizeof(r->label));
	r->label_len = n > 0 ? (size_t)n : 0;
	return CC_PASS;
}

static void record(struct cc_state *s, size_t i, const struct cc_run *r,
		   enum cc_result res, double lat)
{
	struct cc_stats *st = &s->stats[i];

	st->runs++;
	if (res == CC_PASS) {
		st->passed++;
	} else if (res == CC_SKIP) {
		st->skipped++;
		if (!st->why[0])
			snprintf(st->why, sizeof(st->why), "%s", r->why);
	} else {
		if (!st->failed)
			snprintf(st->why, sizeof(st->why), "%.400s (%.180s)", r->why, r->path);
		st->failed++;
	}
	if (res == CC_PASS && cc_scenarios[i].async) {
		st->async_runs++;
		st->lat_sum += lat;
		if (lat > st->lat_max)
			st->lat_max = lat;
	}
}

/*
 * Every run whose label is right must have its rewrite traced, for this
 * file (device and inode), with rc 0 and result "rewritten"; the first
 * traced run's event is what the report shows.
 */
static enum cc_result trace_check(struct cc_state *s, size_t i, struct cc_run *r)
{
	struct cc_stats *st = &s->stats[i];
	struct cc_trace_event ev;

	/* the event follows the xattr write by a few instructions */
	for (int tries = 0; tries < 50; tries++) {
		struct timespec ts = { 0, 2000000 };

		cc_trace_lookup(&s->trace, r->dev, r->ino, &ev);
		if (ev.found)
			break;
		nanosleep(&ts, NULL);
	}
	if (!ev.found)
		return cc_fail(r, "security.ima is right, but no ima:ima_update_xattr event was "
			       "traced for device %u:%u inode %lu: something other than the final "
			       "close wrote it", major(r->dev), minor(r->dev), (unsigned long)r->ino);
	if (ev.bad)
		return cc_fail(r, "the tracepoint reports a final close of device %u:%u inode %lu "
			       "that did not rewrite security.ima: rc=%d result=%s",
			       major(r->dev), minor(r->dev), (unsigned long)r->ino, ev.bad_rc,
			       ev.bad_result);
	st->traced_runs++;
	if (!st->traced) {
		st->ev = ev;
		st->traced = true;
	}
	return CC_PASS;
}

/* One run of scenario @i on r's file, which is labelled. */
static enum cc_result run_one(struct cc_state *s, size_t i, struct cc_run *r)
{
	const struct cc_scenario *sc = &cc_scenarios[i];
	bool trace = s->trace.available;
	enum cc_result res;
	double lat = 0;

	r->unchanged_checks = 0;
	r->final_checked = false;
	r->why[0] = '\0';
	if (trace)
		cc_trace_clear(&s->trace);
	res = sc->run(r);
	if (res == CC_PASS && !r->final_checked)
		res = sc->async ? final_poll(r, &lat) : cc_final_check(r);
	if (res == CC_PASS && r->unchanged_checks == 0)
		res = cc_fail(r, "internal: the scenario never checked the label while a writer remained");
	if (res == CC_PASS)
		s->closes++;
	if (res == CC_PASS)
		res = content_check(r);
	if (res == CC_PASS && trace)
		res = trace_check(s, i, r);
	record(s, i, r, res, lat);
	if (res == CC_PASS) {
		ssize_t n = cc_read_label(r, r->label, sizeof(r->label));

		r->label_len = n > 0 ? (size_t)n : 0;
	}
	return res;
}

void cc_run_sequential(struct cc_state *s, uint64_t *rng)
{
	for (size_t i = 0; i < cc_nscenarios; i++) {
		if (!s->selected[i])
			continue;
		for (unsigned long it = 0; it < s->opts.iterations; it++) {
			struct cc_run r = { .env = &s->env, .rng = cc_rand(rng) };
			enum cc_result res = file_create(s, &r, cc_scenarios[i].name);

			if (res)
				record(s, i, &r, res, 0);
			else
				res = run_one(s, i, &r);
			unlink(r.path);
			cc_model_free(&r.m);
			if (res == CC_SKIP)
				break;
		}
	}
}

/* Random scenarios on one file, re-created now and then to bound its size. */
void cc_run_random(struct cc_state *s, uint64_t *rng)
{
	size_t pick[64], npick = 0;
	struct cc_run r = { .env = &s->env, .rng = cc_rand(rng) };
	bool fresh = true;
	unsigned since = 0;

	for (size_t i = 0; i < cc_nscenarios && npick < 64; i++)
		if (s->selected[i])
			pick[npick++] = i;
	for (unsigned long it = 0; it < s->opts.iterations; it++) {
		size_t i = pick[cc_rand(rng) % npick];
		enum cc_result res;

		if (fresh || since >= 64 || r.m.len > (1u << 15)) {
			if (r.path[0])
				unlink(r.path);
			since = 0;
			res = file_create(s, &r, "random");
			if (res) {
				record(s, i, &r, res, 0);
				fresh = true;
				continue;
			}
		}
		res = run_one(s, i, &r);
		since++;
		fresh = res != CC_PASS;
	}
	if (r.path[0])
		unlink(r.path);
	cc_model_free(&r.m);
}

