/* The embedded symbol table against the compiler's own idea of where
 * functions are (their addresses taken in C). */
#include "tests/kernel/ktest.h"
#include "kernel/kallsyms.h"
#include "kernel/string.h"
#include "kernel/vsprintf.h"

void start_kernel(unsigned long mbi_phys);
int  shell_exec(char *line);

KTEST(kallsyms, names_known_functions)
{
	unsigned long off = 1, size = 0;
	const char *name = kallsyms_lookup((unsigned long)start_kernel, &size, &off);

	KUNIT_EXPECT_STREQ(test, name, "start_kernel");
	KUNIT_EXPECT_EQ(test, off, 0);
	KUNIT_EXPECT_TRUE(test, size > 0 && size < 4096);
	name = kallsyms_lookup((unsigned long)shell_exec + 5, &size, &off);
	KUNIT_EXPECT_STREQ(test, name, "shell_exec");
	KUNIT_EXPECT_EQ(test, off, 5);
}

KTEST(kallsyms, lookup_name_round_trip)
{
	KUNIT_EXPECT_EQ(test, kallsyms_lookup_name("start_kernel"), (unsigned long)start_kernel);
	KUNIT_EXPECT_EQ(test, kallsyms_lookup_name("no_such_function"), 0);
}

KTEST(kallsyms, unknown_address_prints_hex)
{
	char buf[64];

	sprint_symbol(buf, sizeof(buf), 0x1234);
	KUNIT_EXPECT_STREQ(test, buf, "0x0000000000001234");
	sprint_symbol(buf, sizeof(buf), (unsigned long)start_kernel + 0x10);
	KUNIT_EXPECT_EQ(test, strncmp(buf, "start_kernel+0x10/0x", 20), 0);
}

KTEST(kallsyms, table_is_sorted)
{
	unsigned long prev = 0, size, off;

	KUNIT_EXPECT_TRUE(test, kallsyms_count() > 50);
	/* Walk function to function: each lookup's start plus size is the next. */
	for (unsigned long a = (unsigned long)start_kernel, i = 0; i < 20; i++) {
		if (!kallsyms_lookup(a, &size, &off))
			break;
		KUNIT_EXPECT_TRUE(test, a - off > prev || prev == 0);
		prev = a - off;
		a = prev + size;
	}
}
