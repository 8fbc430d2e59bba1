/* Leaving the machine: poweroff, reboot, and the QEMU exit used by tests.
 *
 * Tests run QEMU with -device isa-debug-exit,iobase=0xf4,iosize=0x04: a
 * write of V to port 0xf4 makes QEMU exit with status (V << 1) | 1. The
 * codes, and the QEMU exit status each gives:
 *   QEMU_EXIT_SUCCESS   0x10 -> 33  poweroff; selftests all passed
 *   QEMU_EXIT_TESTFAIL  0x11 -> 35  selftests ran and some failed
 *   QEMU_EXIT_PANIC     0x12 -> 37  panic, oops or BUG (in test mode)
 * QEMU exits 0 on a triple fault with -no-reboot, so 0 means "crashed".
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#define QEMU_EXIT_PORT     0xf4
#define QEMU_EXIT_SUCCESS  0x10
#define QEMU_EXIT_TESTFAIL 0x11
#define QEMU_EXIT_PANIC    0x12

void qemu_exit(int code);                   /* returns only if no such device */

/* How this machine powers off, set by a driver that knows (ACPI S5);
 * Linux's name. machine_power_off tries QEMU's exit device first. */
extern void (*pm_power_off)(void);
void machine_power_off(void) __attribute__((noreturn));
void machine_restart(void) __attribute__((noreturn));
void machine_halt(void) __attribute__((noreturn));

/* Claims the 8042's and QEMU's exit ports in ioport_resource. */
void power_request_resources(void);

#endif
