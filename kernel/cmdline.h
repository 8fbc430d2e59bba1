/* The kernel command line, Linux style: words separated by spaces, each
 * `key` or `key=value`. Keys Carta knows:
 *   loglevel=N   show console messages with level < N (0..8; default 7)
 *   test         run the in-kernel selftests at boot, then exit QEMU with
 *                their result (kernel/power.h); implies test mode
 *   testmode     stay in the shell, but a panic or oops exits QEMU with
 *                QEMU_EXIT_PANIC instead of halting (system tests use it);
 *                implies panic_on_oops
 *   panic_on_oops[=0|1]  an oops panics (halts) instead of killing the
 *                task that caused it (Linux's; kernel/panic.c)
 *   memblock=debug  print memblock's regions at boot
 *   initcall_debug  time each step of start_kernel and log Linux's
 *                "calling"/"initcall ... returned" lines (kernel/initcall.h;
 *                KERN_DEBUG: dmesg, or loglevel=8 for the console)
 *   memmap=nn[KMG]$ss[KMG]  mark [ss, ss+nn) of RAM reserved (Linux's;
 *                kernel/e820.c, applied when the e820 map is set up)
 *   pci=nommconf configuration space through the ports only, not ECAM
 *                (Linux's; drivers/pci_conf.c)
 *   nopcid       no PCID-tagged TLB: every process switch flushes (Linux's;
 *                mm/tlb.c)
 * Unknown keys are reported once at boot and otherwise ignored. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Finds `key` in cmdline. Returns true if present; if value is non-NULL it
 * gets the text after '=' (empty when the key has none), NUL-terminated and
 * truncated to vlen. Pure: used by the host unit tests. */
bool cmdline_find(const char *cmdline, const char *key, char *value, size_t vlen);

/* Parses a decimal integer in [min, max]; false (and *out untouched) on
 * anything else. */
bool cmdline_parse_int(const char *s, long min, long max, long *out);

void parse_early_params(const char *cmdline);   /* applies the keys above */
bool kernel_test_mode(void);
bool kernel_run_selftests_at_boot(void);
bool kernel_nopcid(void);        /* `nopcid`: no PCID even if the CPU has it */

#endif
