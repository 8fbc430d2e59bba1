/* The kernel command line (kernel/cmdline.c) as the kernel itself parses
 * it; the host tests (tests/unit/test_cmdline.c) cover the edge cases. */
#include "tests/kernel/ktest.h"
#include "kernel/cmdline.h"
#include "kernel/string.h"

KTEST(cmdline, finds_keys_and_values)
{
	char v[16];

	KUNIT_EXPECT_TRUE(test, cmdline_find("a loglevel=3 test", "loglevel", v, sizeof(v)));
	KUNIT_EXPECT_STREQ(test, v, "3");
	KUNIT_EXPECT_FALSE(test, cmdline_find("testmode", "test", 0, 0));
	KUNIT_EXPECT_TRUE(test, cmdline_find("x testmode", "testmode", 0, 0));
}
