/* initcall_debug (kernel/initcall.h).
 *
 * The switch lives on the command line, which is read only a few steps
 * into start_kernel (after the TSC calibration, the GDT and IDT, the boot
 * information). Those first steps are timed anyway and their durations
 * kept here; once the switch is known, the step that learnt it prints
 * them all, so the profile covers the whole of start_kernel. Their lines
 * carry the timestamp of that moment; the durations are their own. */
#include "kernel/initcall.h"
#include "kernel/init.h"
#include "kernel/kallsyms.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/types.h"
#include "kernel/x86.h"

bool initcall_debug;

static bool switch_known;       /* initcall_debug_setup has run */
static bool early_printed;      /* the steps before it are out (or dropped) */

/* Steps that ran before the command line was read (nine; room for more).
 * Plain data, not __initdata: initcall_finish is not boot-only code. */
static struct {
	unsigned long fn;
	uint64_t cycles;
} early_steps[16];
static unsigned int nr_early_steps;

static void print_calling(unsigned long fn)
{
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), fn);
	pr_debug("calling  %s @ 0\n", sym);
}

static void print_returned(unsigned long fn, uint64_t cycles)
{
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), fn);
	pr_debug("initcall %s returned 0 after %llu usecs\n", sym,
		 (unsigned long long)tsc_cycles_to_us(cycles));
}

uint64_t initcall_start(unsigned long fn)
{
	if (early_printed && initcall_debug)
		print_calling(fn);
	return rdtsc();
}

/* Before the switch is known a step is only recorded; the step during
 * which it became known prints the record (itself included), once. */
void initcall_finish(unsigned long fn, uint64_t start)
{
	uint64_t cycles = rdtsc() - start;

	if (early_printed) {
		if (initcall_debug)
			print_returned(fn, cycles);
		return;
	}
	if (nr_early_steps < ARRAY_SIZE(early_steps)) {
		early_steps[nr_early_steps].fn = fn;
		early_steps[nr_early_steps++].cycles = cycles;
	}
	if (!switch_known)
		return;
	early_printed = true;
	for (unsigned int i = 0; initcall_debug && i < nr_early_steps; i++) {
		print_calling(early_steps[i].fn);
		print_returned(early_steps[i].fn, early_steps[i].cycles);
	}
}

void __init initcall_debug_setup(bool on)
{
	initcall_debug = on;
	switch_known = true;
}
