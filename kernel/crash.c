/* `crash KIND`: fault on purpose, to see each oops the kernel prints. */
#include "kernel/shell.h"
#include "kernel/string.h"
#include "kernel/printk.h"

/* Between the direct map and vmalloc: Linux's "unused hole", never mapped
 * (Documentation/arch/x86/x86_64/mm.rst), so a fault here is always
 * "not-present". */
#define CRASH_UNMAPPED_ADDR 0xffffc88000000000UL

static void crash_null(void)
{
	volatile unsigned long *p = 0;

	pr_info("crash: reading from NULL\n");
	(void)*p;
}

static void crash_pf(void)
{
	volatile unsigned long *p = (volatile unsigned long *)CRASH_UNMAPPED_ADDR;

	pr_info("crash: writing to unmapped %#lx\n", CRASH_UNMAPPED_ADDR);
	*p = 0xdead;
}

static const struct {
	const char *name;
	void (*fn)(void);
} crash_kinds[] = {
	{ "null", crash_null },
	{ "pf", crash_pf },
};

static int cmd_crash(int argc, char **argv)
{
	if (argc != 2)
		return -1;
	for (unsigned int i = 0; i < sizeof(crash_kinds) / sizeof(crash_kinds[0]); i++)
		if (!strcmp(argv[1], crash_kinds[i].name)) {
			crash_kinds[i].fn();
			return 0;
		}
	return -1;
}
DEFINE_SHELL_CMD(crash, "crash null|pf", "fault on purpose to see the oops", cmd_crash);
