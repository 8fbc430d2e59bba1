/* initcall_debug: start_kernel's steps, timed (kernel/initcall.c).
 *
 * Carta has no initcall levels: its "initcalls" are the steps start_kernel
 * makes one after another. boot_step(fn, args...) runs one; with
 * `initcall_debug` on the command line each step is bracketed by Linux's
 * two lines (init/main.c, do_one_initcall_debug):
 *
 *   calling  mem_init+0x0/0x232 @ 0
 *   initcall mem_init+0x0/0x232 returned 0 after 2696 usecs
 *
 * "@ 0" is the boot task's pid (Linux's swapper); Carta's steps return
 * nothing, so they always "return 0". The lines are KERN_DEBUG, as in
 * Linux: `dmesg` shows them, and loglevel=8 puts them on the console too.
 * Durations come from the TSC. The steps before the command line is read
 * (tsc_calibrate first) are logged once it has been, with their own
 * durations but later timestamps. */
#ifndef KERNEL_INITCALL_H
#define KERNEL_INITCALL_H

#include <stdbool.h>
#include <stdint.h>

extern bool initcall_debug;

/* Runs fn(args...) as one timed boot step. fn must return (its value, if
 * any, is dropped). Boot only: start_kernel. */
#define boot_step(fn, ...)						\
	do {								\
		uint64_t boot_step_t0 = initcall_start((unsigned long)(fn)); \
		fn(__VA_ARGS__);					\
		initcall_finish((unsigned long)(fn), boot_step_t0);	\
	} while (0)

/* boot_step's halves: the TSC at the start (after the "calling" line),
 * and the end (which prints or records the duration). */
uint64_t initcall_start(unsigned long fn);
void initcall_finish(unsigned long fn, uint64_t start);

/* The command line has been read (parse_early_params): the switch is now
 * on or off. The steps that ran before are printed by the next
 * initcall_finish, once, with their real durations. */
void initcall_debug_setup(bool on);

#endif
