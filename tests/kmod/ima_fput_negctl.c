// SPDX-License-Identifier: GPL-2.0
/*
 * Negative control for the lock-free final __fput() contract.
 *
 * Writes to an appraised file and then drops the last reference with
 * __fput_sync() while holding mmap_read_lock(current->mm): exactly the
 * situation the 2012 "is mmap_sem held?" test in fput() tried to detect.
 * On a kernel with the ima-fput series, IMA's release hook must report it
 * (lockdep assertion, and lockdep's own dependency check).  The test suite
 * loads this module inside a region of the console log it declares as
 * expected to contain those reports.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/sched.h>

static char *path = "/mnt/negctl/victim";
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "regular file on an appraised file system to append to");

/*
 * With write=0 the file is opened for write but left unchanged, so IMA does
 * not rewrite security.ima and never takes the inode lock: only checks made
 * on every writable close can see the bad caller.
 */
static bool write = true;
module_param(write, bool, 0444);
MODULE_PARM_DESC(write, "change the file before the final close (default: yes)");

static const char line[] = "written by the negative control\n";

static int __init negctl_init(void)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t n;

	if (!current->mm)
		return -EINVAL;

	file = filp_open(path, O_WRONLY | O_APPEND, 0);
	if (IS_ERR(file)) {
		pr_err("ima_fput_negctl: cannot open %s: %ld\n", path,
		       PTR_ERR(file));
		return PTR_ERR(file);
	}

	if (write) {
		n = kernel_write(file, line, sizeof(line) - 1, &pos);
		if (n != sizeof(line) - 1)
			pr_warn("ima_fput_negctl: short write to %s: %zd\n",
				path, n);
	}

	pr_info("ima_fput_negctl: final __fput_sync() of %s under mmap_read_lock\n",
		path);
	mmap_read_lock(current->mm);
	__fput_sync(file);
	mmap_read_unlock(current->mm);
	pr_info("ima_fput_negctl: done\n");
	return 0;
}

static void __exit negctl_exit(void)
{
}

module_init(negctl_init);
module_exit(negctl_exit);
MODULE_DESCRIPTION("ima-fput negative control: final __fput under mmap_lock");
MODULE_LICENSE("GPL");
