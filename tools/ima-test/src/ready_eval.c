// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/types.h>

#include "ready_eval.h"

/* include/uapi/linux/fs.h since Linux 6.5; older headers lack it. */
#ifndef FS_IOC_GETFSUUID
struct fsuuid2 {
	__u8 len;
	__u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct fsuuid2)
#endif

static const struct {
	const char *name;
	enum ima_func func;
	unsigned mask;
} accesses[ACCESS__COUNT] = {
	[ACCESS_OPEN] = { "open", IMA_FUNC_FILE, IMA_MAY_READ },
	[ACCESS_OPEN_EXEC] = { "open (exec)", IMA_FUNC_FILE, IMA_MAY_EXEC },
	[ACCESS_EXEC] = { "exec", IMA_FUNC_BPRM, IMA_MAY_EXEC },
	[ACCESS_CREDS] = { "exec (creds)", IMA_FUNC_CREDS, IMA_MAY_EXEC },
	[ACCESS_MMAP] = { "mmap", IMA_FUNC_MMAP, IMA_MAY_EXEC },
	[ACCESS_MMAP_REQPROT] = { "mmap (reqprot)", IMA_FUNC_MMAP_REQPROT, IMA_MAY_EXEC },
};

const char *ready_access_name(enum ready_access a)
{
	return a < ACCESS__COUNT ? accesses[a].name : "?";
}

/* The facts about one file; the fsuuid is read only if a rule asks. */
struct facts {
	int fd;
	const struct stat *st;
	unsigned long fsmagic;
	int uuid_state;		/* 0 not read, 1 read, -errno failed */
	uint8_t uuid[16];
};

enum match { NO, YES, UNKNOWN };

static bool id_match(const struct id_cond *c, unsigned long have)
{
	switch (c->op) {
	case ID_LT:
		return have < c->id;
	case ID_GT:
		return have > c->id;
	default:
		return have == c->id;
	}
}

static bool access_match(const struct ima_rule *r, enum ready_access a)
{
	if (r->func != IMA_FUNC_ANY && r->func != accesses[a].func)
		return false;
	if (r->has_mask && !r->inmask && r->mask != accesses[a].mask)
		return false;
	if (r->has_mask && r->inmask && !(r->mask & accesses[a].mask))
		return false;
	return true;
}

bool ready_rule_in_scope(const struct ima_rule *r)
{
	for (int a = 0; a < ACCESS__COUNT; a++)
		if (access_match(r, (enum ready_access)a))
			return true;
	return false;
}

static void read_uuid(struct facts *f)
{
	struct fsuuid2 u = { 0 };

	if (ioctl(f->fd, FS_IOC_GETFSUUID, &u) < 0)
		f->uuid_state = -errno;
	else if (u.len != 16)
		f->uuid_state = -EINVAL;
	else {
		memcpy(f->uuid, u.uuid, 16);
		f->uuid_state = 1;
	}
}

static enum match rule_match(const struct ima_rule *r, enum ready_access a,
			     const struct ready_subject *s, struct facts *f,
			     char *why, size_t whylen)
{
	if (!access_match(r, a))
		return NO;
	if (r->has_fsmagic && r->fsmagic != f->fsmagic)
		return NO;
	if (r->uid.set && !id_match(&r->uid, s->uid))
		return NO;
	if (r->euid.set && !id_match(&r->euid, s->uid))
		return NO;
	if (r->gid.set && !id_match(&r->gid, s->gid))
		return NO;
	if (r->egid.set && !id_match(&r->egid, s->gid))
		return NO;
	if (r->fowner.set && !id_match(&r->fowner, f->st->st_uid))
		return NO;
	if (r->fgroup.set && !id_match(&r->fgroup, f->st->st_gid))
		return NO;
	if (r->has_fsuuid) {
		if (!f->uuid_state)
			read_uuid(f);
		if (f->uuid_state < 0) {
			snprintf(why, whylen, "fsuuid (the file system does not report its uuid: %s)",
				 strerror(-f->uuid_state));
			return UNKNOWN;
		}
		if (memcmp(r->fsuuid, f->uuid, 16))
			return NO;
	}
	if (r->unevaluable[0]) {
		snprintf(why, whylen, "%s", r->unevaluable);
		return UNKNOWN;
	}
	return YES;
}

static void note_assumed(struct ready_decision *d, const struct ima_rule *r,
			 const char *why)
{
	if (d->assumed)
		return;
	d->assumed = r;
	snprintf(d->assumed_why, sizeof(d->assumed_why), "%s", why);
}

int ready_decide(const struct ima_policy *p, const struct ready_subject *s,
		 int fd, const struct stat *st,
		 struct ready_decision *d, char *err, size_t errlen)
{
	struct facts f = { .fd = fd, .st = st };
	struct statfs sfs;

	memset(d, 0, sizeof(*d));
	if (fstatfs(fd, &sfs) < 0) {
		snprintf(err, errlen, "cannot statfs: %s", strerror(errno));
		return -1;
	}
	f.fsmagic = (unsigned long)sfs.f_type;
	for (int a = 0; a < ACCESS__COUNT; a++) {
		if (a != ACCESS_OPEN && !(st->st_mode & 0111))
			break;
		for (size_t i = 0; i < p->n; i++) {
			const struct ima_rule *r = &p->rules[i];
			char why[160];
			enum match m;

			if (r->action != IMA_ACT_APPRAISE && r->action != IMA_ACT_DONT_APPRAISE)
				continue;
			m = rule_match(r, (enum ready_access)a, s, &f, why, sizeof(why));
			if (m == NO)
				continue;
			if (m == UNKNOWN) {
				note_assumed(d, r, why);
				if (r->action == IMA_ACT_DONT_APPRAISE)
					continue;
			}
			if (r->action == IMA_ACT_DONT_APPRAISE) {
				if (!d->dont_rule)
					d->dont_rule = r;
				break;
			}
			if (!d->appraised) {
				d->appraised = true;
				d->rule = r;
				d->access = (enum ready_access)a;
			}
			if (r->sig_required && !d->sig_required) {
				d->sig_required = true;
				d->sig_rule = r;
				d->sig_access = (enum ready_access)a;
			}
			if (r->algos) {
				d->algos = d->algos_rule ? d->algos & r->algos : r->algos;
				d->algos_rule = r;
			}
			break;
		}
	}
	return 0;
}
