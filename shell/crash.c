/* `crash KIND`: fault on purpose, to see each oops the kernel prints.
 * Each kills the shell, and a new one starts (kernel/exit.c), except
 * `stack`, which panics (kernel/traps.c), as does every oops with
 * panic_on_oops or in test mode. */
#include <stdint.h>
#include "shell/shell.h"
#include "kernel/string.h"
#include "kernel/types.h"
#include "kernel/printk.h"
#include "mm/page.h"
#include "kernel/panic.h"

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

static const int crash_rodata = 1;

/* Writes to .rodata, read-only since mark_rodata_ro. */
static void crash_wp(void)
{
	pr_info("crash: writing to read-only data at %p\n", &crash_rodata);
	*(volatile int *)&crash_rodata = 2;
}

/* Writes to the same .rodata variable through its direct-map alias
 * (PAGE_OFFSET + physical): read-only there too since mark_rodata_ro. */
static void crash_alias(void)
{
	volatile int *alias = __va(__pa_symbol(&crash_rodata));

	pr_info("crash: writing to read-only data at %p through its direct-map alias %p\n",
		&crash_rodata, alias);
	*alias = 2;
}

/* A `ret` in .data, which is NX: fetching it faults. */
static uint8_t crash_data_code[16] = { 0xc3 };

static void crash_nx(void)
{
	pr_info("crash: executing data at %p\n", crash_data_code);
	((void (*)(void))crash_data_code)();
}

/* Bit 63 set, bits 62-47 clear: not canonical, so the access raises
 * #GP instead of a page fault (SDM Vol. 3A 3.3.7.1). */
static void crash_gp(void)
{
	volatile unsigned long *p = (volatile unsigned long *)0x8000000000000000UL;

	pr_info("crash: reading non-canonical %#lx\n", (unsigned long)p);
	(void)*p;
}

/* BUG(): the kernel's own check fails. */
static void crash_bug(void)
{
	pr_info("crash: BUG()\n");
	BUG();
}

/* Recurses until the stack runs into its guard page. The depth
 * check only keeps the compiler from calling this infinite recursion. */
static __attribute__((noinline)) int crash_recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth > 1000000)
		return 0;
	return crash_recurse(depth + 1) + frame[0];
}

static void crash_stack(void)
{
	pr_info("crash: recursing until the stack overflows\n");
	crash_recurse(0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} crash_kinds[] = {
	{ "null", crash_null },
	{ "pf", crash_pf },
	{ "wp", crash_wp },
	{ "alias", crash_alias },
	{ "nx", crash_nx },
	{ "stack", crash_stack },
	{ "gp", crash_gp },
	{ "bug", crash_bug },
};

static int cmd_crash(int argc, char **argv)
{
	(void)argc;
	for (unsigned int i = 0; i < ARRAY_SIZE(crash_kinds); i++)
		if (!strcmp(argv[1], crash_kinds[i].name)) {
			crash_kinds[i].fn();
			return 0;
		}
	return -1;
}
DEFINE_SHELL_CMD(crash, SHELL_TOPIC_DEBUG, 1, 1, "crash null|pf|wp|alias|nx|stack|gp|bug",
		 "fault on purpose to see the oops", cmd_crash);
