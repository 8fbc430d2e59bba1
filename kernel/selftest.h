/* The in-kernel test runner (cases in tests/kernel/, see ktest.h). */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

/* Runs every case whose "suite.name" starts with filter (NULL: all), prints
 * KTAP on the console; returns the number of failed cases. */
int selftest_run(const char *filter);
/* How many cases selftest_run(filter) would run. */
int selftest_count(const char *filter);
/* How many KTEST_EARLY cases there are: they run only at boot. */
int selftest_nr_early(void);
/* At boot with cmdline `test`: runs the KTEST_EARLY cases (their KTAP
 * comes first) and remembers their failures for selftest_run_and_exit. */
void selftest_run_early(void);
/* Runs all cases, then exits QEMU with QEMU_EXIT_SUCCESS or _TESTFAIL. */
void selftest_run_and_exit(void) __attribute__((noreturn));

#endif
