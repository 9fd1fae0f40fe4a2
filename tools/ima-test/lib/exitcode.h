/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exit statuses of every command, and the per-file statuses the tree
 * walk (walk.h) and its callbacks count: the run's status is the highest.
 */
#ifndef IMA_TEST_EXITCODE_H
#define IMA_TEST_EXITCODE_H

#define EXIT_OK 0		/* all good; for a file: nothing to report */
#define EXIT_FINDINGS 1		/* integrity findings */
#define EXIT_TROUBLE 2		/* usage or environment error */

#endif
