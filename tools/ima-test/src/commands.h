/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The commands.  A command is one file, src/cmd_NAME.c, that defines its
 * function and declares its table entry next to it:
 *
 *     static int cmd_name(int argc, char **argv) { ... }
 *     COMMAND(name, 42, "one line for the usage text", cmd_name);
 *
 * argv[0] is the command name; the function returns the exit status.
 * COMMAND() places the entry in the linker section ima_test_commands, and
 * main.c lists the section's entries by rank (the order of ima-test --help
 * and of the man page).  Adding a command touches no other source file.
 */
#ifndef IMA_TEST_COMMANDS_H
#define IMA_TEST_COMMANDS_H

struct command {
	const char *name;	/* argv[1] that selects it */
	const char *summary;	/* one line for the usage text */
	int rank;		/* position in --help; unique */
	int (*run)(int argc, char **argv);
};

#define COMMAND(NAME, RANK, SUMMARY, RUN)				\
	static const struct command command_##RUN			\
	__attribute__((used, section("ima_test_commands"),		\
		       aligned(__alignof__(struct command)))) = {	\
		.name = NAME, .summary = SUMMARY, .rank = RANK, .run = RUN }

#endif
