/* panic, oops bookkeeping, BUG_ON/WARN_ON (Linux's include/asm-generic/bug.h
 * meanings: WARN prints and continues; BUG and panic stop the kernel). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

struct pt_regs;

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Starts an oops report; returns its number ([#N]). */
int  oops_begin(void);
void oops_end(const struct pt_regs *regs) __attribute__((noreturn));

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

#endif
