/* The shell's handling of bad input (shell/shell.c): refused, never run. */
#include "tests/kernel/ktest.h"
#include "shell/shell.h"

KTEST(shell, bad_input_is_rejected_not_run)
{
	char unknown[] = "nosuchcommand arg";
	char usage[] = "memmap extra";
	char many[] = "help a b c d e f g h i j k l m n o p q r";
	char empty[] = "   ";

	KUNIT_EXPECT_EQ(test, shell_exec(unknown), -1);
	KUNIT_EXPECT_EQ(test, shell_exec(usage), -1);
	KUNIT_EXPECT_EQ(test, shell_exec(many), -1);
	KUNIT_EXPECT_EQ(test, shell_exec(empty), 0);
}
