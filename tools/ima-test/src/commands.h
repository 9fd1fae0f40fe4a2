/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The commands.  A command is src/cmd_FUNCTION.c defining
 *     int cmd_FUNCTION(int argc, char **argv);
 * (argv[0] is the command name), its prototype here and its entry in the
 * command table in main.c.  It returns the exit status.
 */
#ifndef IMA_TEST_COMMANDS_H
#define IMA_TEST_COMMANDS_H

struct command {
	const char *name;	/* argv[1] that selects it */
	const char *summary;	/* one line for the usage text */
	int (*run)(int argc, char **argv);
};

int cmd_sign(int argc, char **argv);
int cmd_hash(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_ready(int argc, char **argv);
int cmd_close_check(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_sign_hash(int argc, char **argv);
int cmd_apply(int argc, char **argv);

#endif
