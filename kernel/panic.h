/* panic, oops bookkeeping, BUG_ON/WARN_ON (Linux's include/asm-generic/bug.h
 * meanings: WARN prints and continues; BUG is an oops; panic stops the
 * kernel). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

struct pt_regs;

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Set by `panic_on_oops` (and by test mode): every oops ends in panic. */
extern int panic_on_oops;

/* Starts an oops report, interrupts off; returns its number ([#N]). */
int  oops_begin(void);
/* Ends it: the registers and backtrace, then a panic (in an interrupt,
 * with interrupts off at the fault, in swapper/0, with panic_on_oops) or
 * current killed with signal signr's status (kernel/exit.c,
 * make_task_dead). */
void oops_end(const struct pt_regs *regs, int signr) __attribute__((noreturn));

void __warn(const char *file, int line, const char *cond);
void __bug(const char *file, int line, const char *cond) __attribute__((noreturn));

#define WARN_ON(cond) ({                                        \
	int __c = !!(cond);                                     \
	if (__c)                                                \
		__warn(__FILE__, __LINE__, #cond);              \
	__c;                                                    \
})

#define BUG_ON(cond) do {                                       \
	if (cond)                                               \
		__bug(__FILE__, __LINE__, #cond);               \
} while (0)

#define BUG() __bug(__FILE__, __LINE__, "BUG()")

/* "PTI" or "NOPTI", as the end of an oops line (Linux's __die_header). */
const char *oops_flags(void);

#endif
