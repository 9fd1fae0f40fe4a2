/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which appraisal rule the kernel would apply to a file at rest.
 *
 * A file is not appraised as such: an access is.  The accesses modelled
 * are the ones a file on a running system can meet:
 *  - every file is opened for read (FILE_CHECK, MAY_READ);
 *  - object code is mapped executable (MMAP_CHECK and MMAP_CHECK_REQPROT,
 *    MAY_EXEC) whatever its mode bits: ld.so and dlopen() map ELF shared
 *    objects PROT_EXEC, and most of them are 0644.  Object code is an ELF
 *    file (by its magic, not its name) or a file with an execute bit, on a
 *    file system not mounted noexec.  With @map_any every file there counts
 *    (any file can be mapped PROT_EXEC by a program that chooses to; on a
 *    real system that names every data file, which no labelling can satisfy
 *    without breaking the files written at run time);
 *  - a file with an execute bit is executed (opened with FILE_CHECK,
 *    MAY_EXEC, then BPRM_CHECK and CREDS_CHECK, MAY_EXEC).
 * For each access and each modelled process the first appraise or
 * dont_appraise rule that matches decides, as in the kernel's
 * ima_match_policy().  The processes are sampled from the policy's own
 * uid/euid/gid/egid conditions (ima_subjects_from_policy) so that every
 * way those conditions can come out is tried, or given by the caller.
 *
 * A condition that cannot be decided (an LSM label, fsname, an fsuuid the
 * file system does not report) is assumed to match on appraise rules and
 * not to match on dont_appraise rules, so that a file enforce mode would
 * in fact allow may be reported, never the reverse; the decision records
 * that it rests on such an assumption.
 */
#ifndef IMA_TEST_IMA_POLICY_EVAL_H
#define IMA_TEST_IMA_POLICY_EVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "ima_policy.h"

enum ima_access {
	IMA_ACCESS_OPEN,	/* FILE_CHECK, MAY_READ */
	IMA_ACCESS_OPEN_EXEC,	/* FILE_CHECK, MAY_EXEC: execve() opens the file */
	IMA_ACCESS_EXEC,	/* BPRM_CHECK, MAY_EXEC */
	IMA_ACCESS_CREDS,	/* CREDS_CHECK, MAY_EXEC */
	IMA_ACCESS_MMAP,	/* MMAP_CHECK, MAY_EXEC */
	IMA_ACCESS_MMAP_REQPROT, /* MMAP_CHECK_REQPROT, MAY_EXEC */
	/* FILE_CHECK gets the open's own mask (build_open_flags(), exact mask=) */
	IMA_ACCESS_OPEN_RDAPPEND, /* O_RDONLY|O_APPEND: MAY_READ|MAY_APPEND */
	IMA_ACCESS_OPEN_WRITE,	/* O_WRONLY: MAY_WRITE */
	IMA_ACCESS_OPEN_RDWR,	/* O_RDWR, or O_RDONLY|O_TRUNC: MAY_READ|MAY_WRITE */
	IMA_ACCESS_OPEN_APPEND,	/* O_WRONLY|O_APPEND: MAY_WRITE|MAY_APPEND */
	IMA_ACCESS_OPEN_RDWR_APPEND, /* O_RDWR|O_APPEND: MAY_READ|MAY_WRITE|MAY_APPEND */
	IMA_ACCESS__COUNT
};

/* "open", "open (exec)", "exec", "exec (creds)", "mmap", "mmap (reqprot)",
 * "open (read, append)", "open for write", "open for read-write",
 * "open for append", "open for read-write, append" */
const char *ima_access_name(enum ima_access a);

/* Whether @a opens the file for write (MAY_WRITE). */
bool ima_access_writes(enum ima_access a);

/* Kinds of access, for narrowing the model (ready --access). */
#define IMA_ACCESS_KIND_READ	0x1	/* opens without MAY_WRITE */
#define IMA_ACCESS_KIND_WRITE	0x2	/* opens with MAY_WRITE */
#define IMA_ACCESS_KIND_EXEC	0x4	/* execve(): FILE_CHECK MAY_EXEC, BPRM, CREDS */
#define IMA_ACCESS_KIND_MMAP	0x8	/* mmap(PROT_EXEC) */
#define IMA_ACCESS_KIND_ALL	0xf

/*
 * Parse a comma-separated list of "read", "write", "exec", "mmap" (or
 * "all") into IMA_ACCESS_KIND_* bits.  0, or -EINVAL.
 */
int ima_access_kinds_parse(const char *list, unsigned *kinds);

/*
 * A process making the accesses.  One whose effective uid is 0 is taken to
 * hold CAP_SETUID and CAP_SETGID, so that, as in the kernel, an euid=
 * (egid=) condition also matches its real (and saved, here equal to the
 * effective) id.
 */
struct ima_subject {
	unsigned long uid, euid, gid, egid;
};

struct ima_subjects {
	struct ima_subject *v;
	size_t n;
};

/* At most this many processes are derived from one policy. */
#define IMA_SUBJECTS_MAX 4096

/*
 * The processes to model for @p, from a uid sample and a gid sample.  Each
 * sample holds 0 and, for every id N a rule compares (uid=N, euid<N,
 * gid>N, ...), N-1, N and N+1: between them they fall on every side of
 * every comparison the policy makes.  Real and effective uids are paired
 * in every combination when a rule tests euid (else they are equal), and
 * likewise gids with egid.  0, -ENOMEM, or -E2BIG past IMA_SUBJECTS_MAX.
 */
int ima_subjects_from_policy(const struct ima_policy *p, struct ima_subjects *s);

/* One process, @uid and @gid (real and effective).  0 or -ENOMEM. */
int ima_subjects_one(struct ima_subjects *s, unsigned long uid, unsigned long gid);

void ima_subjects_free(struct ima_subjects *s);

/* What the evaluation needs to know about one file. */
struct ima_file_facts {
	uid_t uid;		/* owner (fowner=) */
	gid_t gid;		/* group (fgroup=) */
	mode_t mode;
	unsigned long fsmagic;
	bool noexec;		/* on a mount with noexec: cannot be mapped executable */
	bool verity;		/* fs-verity is enabled on the file (STATX_ATTR_VERITY) */
	bool rdonly;		/* on a read-only mount, or immutable: no write opens */
	bool append_only;	/* chattr +a: write opens only with O_APPEND */
	unsigned kinds;		/* IMA_ACCESS_KIND_* to model; 0 = all */
	bool elf;		/* begins with the ELF magic: object code */
	bool map_any;		/* model PROT_EXEC mappings of every file (--mmap-any) */
	int uuid_state;		/* 1: @uuid is the file system's; else -errno */
	uint8_t uuid[16];
};

/*
 * Fill @f for the file open at @fd, whose fstat (or the stat it was opened
 * after, with the same device and inode) is @st.  Everything is read through
 * @fd, nothing by name: the file system's type and mount flags
 * (fstatfs/fstatvfs), whether fs-verity is enabled (statx) and, only if
 * @want_uuid, its fsuuid (FS_IOC_GETFSUUID).
 * 0, or -errno when the file system cannot be inspected.
 */
int ima_file_facts_read(struct ima_file_facts *f, int fd,
			const struct stat *st, bool want_uuid);

/* Whether @a can happen to the file described by @f at all. */
bool ima_access_possible(enum ima_access a, const struct ima_file_facts *f);

struct ima_decision {
	bool appraised;
	const struct ima_rule *rule;	/* decided the first appraised access */
	enum ima_access access;
	const struct ima_subject *subject;
	const struct ima_rule *dont_rule; /* dont_appraise that decided, if any */
	bool verity_required;		/* digest_type=verity: fs-verity and sigv3 */
	const struct ima_rule *verity_rule;
	enum ima_access verity_access;
	const struct ima_subject *verity_subject;
	bool sig_required;
	const struct ima_rule *sig_rule;
	enum ima_access sig_access;
	const struct ima_subject *sig_subject;
	unsigned long algos;		/* allowed hash algorithms (bit per id) */
	const struct ima_rule *algos_rule; /* NULL: any algorithm */
	bool write_appraised;		/* an open for write is appraised */
	const struct ima_rule *write_rule;
	enum ima_access write_access;
	const struct ima_subject *write_subject;
	const struct ima_rule *assumed;	/* a rule with an undecidable condition */
	char assumed_why[160];
};

/* Decide for the file described by @f, accessed by each of @s. */
void ima_policy_decide(const struct ima_policy *p, const struct ima_subjects *s,
		       const struct ima_file_facts *f, struct ima_decision *d);

/* Whether appraisal rule @r can match any access modelled here. */
bool ima_rule_in_scope(const struct ima_rule *r);

/* Whether any rule of @p has an fsuuid= condition. */
bool ima_policy_uses_fsuuid(const struct ima_policy *p);

#endif
