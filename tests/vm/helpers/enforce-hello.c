/*
 * enforce-hello: a program that only says it ran.  The enforce suites
 * sign copies of it (and tamper with some) on the host to show which
 * executions IMA appraisal allows.  Static, for the test VM.
 */
#include <stdio.h>

int main(void)
{
	puts("enforce-hello ran");
	return 0;
}
