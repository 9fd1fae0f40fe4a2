/*
 * lease-hold FILE rd|wr SECONDS: take a read or write lease (F_SETLEASE) on
 * FILE, print "leased", wait for the kernel to break it (SIGIO, at most
 * 120 s), print "broken", keep it SECONDS more, then give it up and print
 * "released".
 * lease-hold FILE rd|wr try: take the lease and give it up at once.
 * A lease the kernel refuses prints "refused: EAGAIN" (or the errno's
 * name) and exits 3; no break within 120 s exits 4; usage or other errors
 * exit 2.  Static, for the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t broken;

static void on_sigio(int sig)
{
	(void)sig;
	broken = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	int type, fd, i, try;

	if (argc != 4 || (strcmp(argv[2], "rd") && strcmp(argv[2], "wr"))) {
		fprintf(stderr, "usage: lease-hold FILE rd|wr SECONDS|try\n");
		return 2;
	}
	type = strcmp(argv[2], "rd") ? F_WRLCK : F_RDLCK;
	try = !strcmp(argv[3], "try");
	if (sigaction(SIGIO, &sa, NULL)) {
		perror("lease-hold: sigaction");
		return 2;
	}
	/* a read lease needs a read-only open, a write lease a writable one */
	fd = open(argv[1], type == F_RDLCK ? O_RDONLY : O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "lease-hold: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (fcntl(fd, F_SETLEASE, type)) {
		printf("refused: %s\n", errno == EAGAIN ? "EAGAIN" : strerror(errno));
		return 3;
	}
	printf("leased\n");
	fflush(stdout);
	if (!try) {
		for (i = 0; !broken && i < 1200; i++)
			nanosleep(&tick, NULL);
		if (!broken) {
			printf("no break\n");
			return 4;
		}
		printf("broken\n");
		fflush(stdout);
		sleep((unsigned int)atoi(argv[3]));
	}
	if (fcntl(fd, F_SETLEASE, F_UNLCK)) {
		perror("lease-hold: F_UNLCK");
		return 2;
	}
	printf("released\n");
	close(fd);
	return 0;
}
