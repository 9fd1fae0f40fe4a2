// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <linux/types.h>

#include "ima_policy_eval.h"

/* include/uapi/linux/stat.h since Linux 5.5 */
#ifndef STATX_ATTR_VERITY
#define STATX_ATTR_VERITY 0x00100000
#endif
#include "util.h"

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
} accesses[IMA_ACCESS__COUNT] = {
	[IMA_ACCESS_OPEN] = { "open", IMA_FUNC_FILE, IMA_MAY_READ },
	[IMA_ACCESS_OPEN_EXEC] = { "open (exec)", IMA_FUNC_FILE, IMA_MAY_EXEC },
	[IMA_ACCESS_EXEC] = { "exec", IMA_FUNC_BPRM, IMA_MAY_EXEC },
	[IMA_ACCESS_CREDS] = { "exec (creds)", IMA_FUNC_CREDS, IMA_MAY_EXEC },
	[IMA_ACCESS_MMAP] = { "mmap", IMA_FUNC_MMAP, IMA_MAY_EXEC },
	[IMA_ACCESS_MMAP_REQPROT] = { "mmap (reqprot)", IMA_FUNC_MMAP_REQPROT, IMA_MAY_EXEC },
	[IMA_ACCESS_OPEN_RDAPPEND] = { "open (read, append)", IMA_FUNC_FILE,
				       IMA_MAY_READ | IMA_MAY_APPEND },
	[IMA_ACCESS_OPEN_WRITE] = { "open for write", IMA_FUNC_FILE, IMA_MAY_WRITE },
	[IMA_ACCESS_OPEN_RDWR] = { "open for read-write", IMA_FUNC_FILE,
				   IMA_MAY_READ | IMA_MAY_WRITE },
	[IMA_ACCESS_OPEN_APPEND] = { "open for append", IMA_FUNC_FILE,
				     IMA_MAY_WRITE | IMA_MAY_APPEND },
	[IMA_ACCESS_OPEN_RDWR_APPEND] = { "open for read-write, append", IMA_FUNC_FILE,
					  IMA_MAY_READ | IMA_MAY_WRITE | IMA_MAY_APPEND },
};

const char *ima_access_name(enum ima_access a)
{
	return a < IMA_ACCESS__COUNT ? accesses[a].name : "?";
}

bool ima_access_writes(enum ima_access a)
{
	return a < IMA_ACCESS__COUNT && (accesses[a].mask & IMA_MAY_WRITE);
}

static unsigned access_kind(enum ima_access a)
{
	switch (a) {
	case IMA_ACCESS_OPEN:
	case IMA_ACCESS_OPEN_RDAPPEND:
		return IMA_ACCESS_KIND_READ;
	case IMA_ACCESS_MMAP:
	case IMA_ACCESS_MMAP_REQPROT:
		return IMA_ACCESS_KIND_MMAP;
	case IMA_ACCESS_OPEN_EXEC:
	case IMA_ACCESS_EXEC:
	case IMA_ACCESS_CREDS:
		return IMA_ACCESS_KIND_EXEC;
	default:
		return IMA_ACCESS_KIND_WRITE;
	}
}

int ima_access_kinds_parse(const char *list, unsigned *kinds)
{
	static const struct { const char *name; unsigned kind; } names[] = {
		{ "read", IMA_ACCESS_KIND_READ }, { "write", IMA_ACCESS_KIND_WRITE },
		{ "exec", IMA_ACCESS_KIND_EXEC }, { "mmap", IMA_ACCESS_KIND_MMAP },
		{ "all", IMA_ACCESS_KIND_ALL },
	};
	const char *p = list;

	*kinds = 0;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n && !strncmp(p, names[i].name, n))
				break;
		if (i == ARRAY_SIZE(names))
			return -EINVAL;
		*kinds |= names[i].kind;
		p += n;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	return *kinds ? 0 : -EINVAL;
}

bool ima_access_possible(enum ima_access a, const struct ima_file_facts *f)
{
	if (f->kinds && !(f->kinds & access_kind(a)))
		return false;
	if (ima_access_writes(a))
		/* may_open() refuses these before IMA sees them */
		return !f->rdonly && (!f->append_only || (accesses[a].mask & IMA_MAY_APPEND));
	switch (a) {
	case IMA_ACCESS_OPEN:
	case IMA_ACCESS_OPEN_RDAPPEND:
		return true;
	case IMA_ACCESS_MMAP:
	case IMA_ACCESS_MMAP_REQPROT:
		/* mmap(PROT_EXEC) needs only read access: an ELF object of mode 0644 counts */
		return !f->noexec && (f->map_any || f->elf || (f->mode & 0111));
	default:
		return (f->mode & 0111) != 0;
	}
}

/* --- the modelled processes --- */

struct idset {
	unsigned long *v;
	size_t n, cap;
};

static int idset_add(struct idset *s, unsigned long id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return 0;
	if (grow_array(&s->v, &s->cap, s->n + 1, sizeof(*s->v), 8))
		return -ENOMEM;
	s->v[s->n++] = id;
	return 0;
}

/* N-1, N and N+1 of a condition on N, within the kernel's 32-bit ids. */
static int idset_add_cond(struct idset *s, const struct id_cond *c)
{
	int rc = 0;

	if (!c->set)
		return 0;
	if (c->id > 0)
		rc = idset_add(s, c->id - 1);
	if (!rc)
		rc = idset_add(s, c->id);
	if (!rc && c->id < UINT32_MAX)
		rc = idset_add(s, c->id + 1);
	return rc;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

int ima_subjects_from_policy(const struct ima_policy *p, struct ima_subjects *s)
{
	struct idset uids = { 0 }, gids = { 0 };
	bool euid = false, egid = false;
	size_t neu, neg;
	int rc = idset_add(&uids, 0);

	if (!rc)
		rc = idset_add(&gids, 0);
	for (size_t i = 0; i < p->n && !rc; i++) {
		const struct ima_rule *r = &p->rules[i];

		rc = idset_add_cond(&uids, &r->uid);
		if (!rc)
			rc = idset_add_cond(&uids, &r->euid);
		if (!rc)
			rc = idset_add_cond(&gids, &r->gid);
		if (!rc)
			rc = idset_add_cond(&gids, &r->egid);
		euid |= r->euid.set;
		egid |= r->egid.set;
	}
	memset(s, 0, sizeof(*s));
	neu = euid ? uids.n : 1;
	neg = egid ? gids.n : 1;
	/* each factor is at most 3 * 2 * rules + 1: the product cannot wrap */
	if (!rc && (double)uids.n * neu * gids.n * neg > IMA_SUBJECTS_MAX)
		rc = -E2BIG;
	if (!rc) {
		s->v = calloc(uids.n * neu * gids.n * neg, sizeof(*s->v));
		rc = s->v ? 0 : -ENOMEM;
	}
	if (!rc) {
		qsort(uids.v, uids.n, sizeof(*uids.v), cmp_ulong);
		qsort(gids.v, gids.n, sizeof(*gids.v), cmp_ulong);
		for (size_t u = 0; u < uids.n; u++)
			for (size_t eu = 0; eu < neu; eu++)
				for (size_t g = 0; g < gids.n; g++)
					for (size_t eg = 0; eg < neg; eg++)
						s->v[s->n++] = (struct ima_subject){
							.uid = uids.v[u],
							.euid = uids.v[euid ? eu : u],
							.gid = gids.v[g],
							.egid = gids.v[egid ? eg : g],
						};
	}
	free(uids.v);
	free(gids.v);
	return rc;
}

int ima_subjects_one(struct ima_subjects *s, unsigned long uid, unsigned long gid)
{
	s->v = malloc(sizeof(*s->v));
	if (!s->v) {
		s->n = 0;
		return -ENOMEM;
	}
	s->v[0] = (struct ima_subject){ .uid = uid, .euid = uid, .gid = gid, .egid = gid };
	s->n = 1;
	return 0;
}

void ima_subjects_free(struct ima_subjects *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* --- the file --- */

static int read_uuid(struct ima_file_facts *f, int fd)
{
	struct fsuuid2 u = { 0 };

	if (ioctl(fd, FS_IOC_GETFSUUID, &u) < 0)
		return -errno;
	if (u.len != 16)
		return -EINVAL;
	memcpy(f->uuid, u.uuid, 16);
	return 1;
}

int ima_file_facts_read(struct ima_file_facts *f, int fd,
			const struct stat *st, bool want_uuid)
{
	struct statfs sfs;
	struct statvfs svfs;
	struct statx stx;
	char magic[4];

	memset(f, 0, sizeof(*f));
	f->uid = st->st_uid;
	f->gid = st->st_gid;
	f->mode = st->st_mode;
	f->uuid_state = -ENODATA;
	if (fstatfs(fd, &sfs) < 0 || fstatvfs(fd, &svfs) < 0)
		return -errno;
	/* a kernel without fs-verity never sets the attribute: no file has it */
	if (statx(fd, "", AT_EMPTY_PATH, 0, &stx) < 0)
		return -errno;
	f->verity = (stx.stx_attributes & STATX_ATTR_VERITY) != 0;
	f->rdonly = (svfs.f_flag & ST_RDONLY) || (stx.stx_attributes & STATX_ATTR_IMMUTABLE);
	f->append_only = (stx.stx_attributes & STATX_ATTR_APPEND) != 0;
	f->fsmagic = (unsigned long)sfs.f_type;
	f->noexec = (svfs.f_flag & ST_NOEXEC) != 0;
	f->elf = S_ISREG(st->st_mode) && pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
		 !memcmp(magic, "\177ELF", sizeof(magic));
	if (want_uuid)
		f->uuid_state = read_uuid(f, fd);
	return 0;
}

bool ima_policy_uses_fsuuid(const struct ima_policy *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rules[i].has_fsuuid)
			return true;
	return false;
}

/* --- matching --- */

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

static bool access_match(const struct ima_rule *r, enum ima_access a)
{
	if (r->func != IMA_FUNC_ANY && r->func != accesses[a].func)
		return false;
	if (r->has_mask && !r->inmask && r->mask != accesses[a].mask)
		return false;
	if (r->has_mask && r->inmask && !(r->mask & accesses[a].mask))
		return false;
	return true;
}

bool ima_rule_in_scope(const struct ima_rule *r)
{
	for (int a = 0; a < IMA_ACCESS__COUNT; a++)
		if (access_match(r, (enum ima_access)a))
			return true;
	return false;
}

static enum match rule_match(const struct ima_rule *r, enum ima_access a,
			     const struct ima_subject *s, const struct ima_file_facts *f,
			     char *why, size_t whylen)
{
	if (!access_match(r, a))
		return NO;
	if (r->has_fsmagic && r->fsmagic != f->fsmagic)
		return NO;
	if (r->uid.set && !id_match(&r->uid, s->uid))
		return NO;
	/* ima_match_rules(): with CAP_SETUID, the real and saved uid count too */
	if (r->euid.set && !id_match(&r->euid, s->euid) &&
	    !(s->euid == 0 && id_match(&r->euid, s->uid)))
		return NO;
	if (r->gid.set && !id_match(&r->gid, s->gid))
		return NO;
	if (r->egid.set && !id_match(&r->egid, s->egid) &&
	    !(s->euid == 0 && id_match(&r->egid, s->gid)))
		return NO;
	if (r->fowner.set && !id_match(&r->fowner, f->uid))
		return NO;
	if (r->fgroup.set && !id_match(&r->fgroup, f->gid))
		return NO;
	if (r->has_fsuuid) {
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

static void note_assumed(struct ima_decision *d, const struct ima_rule *r,
			 const char *why)
{
	if (d->assumed)
		return;
	d->assumed = r;
	snprintf(d->assumed_why, sizeof(d->assumed_why), "%s", why);
}

/* The first appraise or dont_appraise rule for access @a by @s, as the kernel. */
static void decide_one(const struct ima_policy *p, enum ima_access a,
		       const struct ima_subject *s, const struct ima_file_facts *f,
		       struct ima_decision *d)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct ima_rule *r = &p->rules[i];
		char why[160];
		enum match m;

		if (r->action != IMA_ACT_APPRAISE && r->action != IMA_ACT_DONT_APPRAISE)
			continue;
		m = rule_match(r, a, s, f, why, sizeof(why));
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
			return;
		}
		if (!d->appraised) {
			d->appraised = true;
			d->rule = r;
			d->access = a;
			d->subject = s;
		}
		if (ima_access_writes(a) && !d->write_appraised) {
			d->write_appraised = true;
			d->write_rule = r;
			d->write_access = a;
			d->write_subject = s;
		}
		if (r->verity_required && !d->verity_required) {
			d->verity_required = true;
			d->verity_rule = r;
			d->verity_access = a;
			d->verity_subject = s;
		}
		if (r->sig_required && !d->sig_required) {
			d->sig_required = true;
			d->sig_rule = r;
			d->sig_access = a;
			d->sig_subject = s;
		}
		if (r->algos) {
			d->algos = d->algos_rule ? d->algos & r->algos : r->algos;
			d->algos_rule = r;
		}
		return;
	}
}

void ima_policy_decide(const struct ima_policy *p, const struct ima_subjects *s,
		       const struct ima_file_facts *f, struct ima_decision *d)
{
	memset(d, 0, sizeof(*d));
	for (int a = 0; a < IMA_ACCESS__COUNT; a++) {
		if (!ima_access_possible((enum ima_access)a, f))
			continue;
		for (size_t k = 0; k < s->n; k++)
			decide_one(p, (enum ima_access)a, &s->v[k], f, d);
	}
}
