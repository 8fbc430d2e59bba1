/* Time, the command line and the shell's handling of bad input. */
#include "tests/kernel/ktest.h"
#include "kernel/cmdline.h"
#include "shell/shell.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "kernel/x86.h"

KTEST(time, tsc_calibrated_and_udelay_waits)
{
	uint64_t t0 = rdtsc(), t1;

	KUNIT_EXPECT_TRUE(test, tsc_khz > 100000);      /* above 100 MHz */
	udelay(2000);
	t1 = rdtsc();
	/* 2 ms at tsc_khz kHz is 2 * tsc_khz cycles, independently of ktime */
	KUNIT_EXPECT_TRUE(test, t1 - t0 >= 2 * tsc_khz);
}

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

KTEST(cmdline, finds_keys_and_values)
{
	char v[16];

	KUNIT_EXPECT_TRUE(test, cmdline_find("a loglevel=3 test", "loglevel", v, sizeof(v)));
	KUNIT_EXPECT_STREQ(test, v, "3");
	KUNIT_EXPECT_FALSE(test, cmdline_find("testmode", "test", 0, 0));
	KUNIT_EXPECT_TRUE(test, cmdline_find("x testmode", "testmode", 0, 0));
}
