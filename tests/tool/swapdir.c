// SPDX-License-Identifier: GPL-2.0-only
/*
 * swapdir A B: exchange the directory entries A and B with
 * renameat2(RENAME_EXCHANGE) over and over until killed (SIGTERM), then
 * print how many exchanges were made.  With A a directory and B a symlink
 * to a directory elsewhere, a walk that resolves paths by name is led out
 * of its tree.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long n = 0;
	sigset_t term;

	if (argc != 3) {
		fprintf(stderr, "usage: swapdir A B\n");
		return 2;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	for (;;) {
		if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE)) {
			perror("renameat2");
			return 1;
		}
		n++;
		if (!(n & 63)) {
			struct timespec now = { 0, 0 };

			if (sigtimedwait(&term, NULL, &now) == SIGTERM)
				break;
		}
	}
	printf("%lu\n", n);
	return 0;
}
