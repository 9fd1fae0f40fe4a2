// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of tap.h itself: operands evaluated once, failures shown. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/* Run a failing tap_eq(3, 4) in a child; its output goes to @buf. */
static int failing_eq_output(char *buf, size_t cap)
{
	int p[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct tap c = { 0 };
		int three = 3;

		dup2(p[1], 1);
		close(p[0]);
		tap_eq(&c, three, three + 1, "planted failure");
		fflush(stdout);
		_exit(tap_done(&c));
	}
	close(p[1]);
	while (n + 1 < cap && (r = read(p[0], buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	struct tap t = { 0 };
	int n = 0, a = 0, b = 0, rc;
	char out[512];

	tap_plan(&t, 6);
	tap_ok(&t, ++n > 0, "a passing condition");
	tap_eq(&t, n, 1, "tap_ok evaluates its condition once");
	tap_eq(&t, ++a, ++b, "tap_eq with equal operands");
	tap_ok(&t, a == 1 && b == 1, "tap_eq evaluates each operand once (a=%d b=%d)", a, b);
	rc = failing_eq_output(out, sizeof(out));
	tap_eq(&t, rc, 1, "a failing tap_eq makes tap_done() nonzero");
	tap_ok(&t, strstr(out, "not ok 1 - planted failure") &&
	       strstr(out, "three = 3") && strstr(out, "three + 1 = 4"),
	       "a failing tap_eq prints both values");
	if (t.failed)
		printf("# child output:\n# %s\n", out);
	return tap_done(&t);
}
